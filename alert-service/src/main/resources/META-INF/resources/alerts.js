// The analyst page: the alert list (GET /alerts: filters, paging by cursor), live updates (Server-Sent Events on
// /alerts/stream, read with fetch because EventSource cannot send an Authorization header), an alert's detail
// (the transaction, rule and score, who acknowledged or resolved it and when, the card's recent transactions) and
// acknowledge/resolve. Plain DOM, no libraries, nothing from outside.
//
// Signing in: a link of the form  http://host/#login=<JWT>  (./umbra local prints one per bank) hands the page a
// short-lived token. The fragment never reaches a server (no access log, no Referer); the page moves the token
// into this tab's sessionStorage and takes it out of the address bar and history at once (history.replaceState).
// The token is never written to the console or the DOM. Every API call carries it as a bearer token.
'use strict';

const KEY = 'umbra.token';
const rows = new Map();        // alertId -> <tr>
let nextCursor = null;
let selected = null;           // the alert shown in the detail
let sessionTimer = null;
let unclaimed = false;         // a sign-in link's token just taken from the URL, not yet claimed for this browser

const $ = (id) => document.getElementById(id);

// --- the session ---------------------------------------------------------------------------------------------

function takeTokenFromUrl() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const t = hash.get('login');
  if (t === null) return false;
  hash.delete('login');
  const rest = hash.toString();
  history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  if (t) { sessionStorage.setItem(KEY, t); unclaimed = true; }
  return true;
}

// A sign-in link works once: claiming it binds its token to this browser (an HttpOnly cookie the service sets);
// the same link opened again, anywhere, is refused, and so is the token without this browser's cookie.
async function claim() {
  unclaimed = false;
  try {
    const res = await api('alerts/session', { method: 'POST' });
    if (res.ok) return true;
    const body = await res.json().catch(() => ({}));
    showProblem(res, body);
    $('who').textContent = 'not signed in to this bank';
    $('signin').hidden = false;
    return false;
  } catch (e) {
    problem('The service did not answer.', '');
    return false;
  }
}

function token() {
  return sessionStorage.getItem(KEY) || '';
}

function api(url, init) {
  const headers = Object.assign({}, (init && init.headers) || {});
  if (token()) {
    headers['Authorization'] = 'Bearer ' + token();
  } else {
    // no token of our own: behind Quarkus OIDC's code flow the session cookie speaks for us, and this header
    // makes it answer 499 instead of redirecting a script to the identity provider (docs/SECURITY.md)
    headers['X-Requested-With'] = 'JavaScript';
  }
  return fetch(url, Object.assign({}, init || {}, { headers, credentials: 'same-origin' }));
}

function signedOut(why) {
  sessionStorage.removeItem(KEY);
  if (stream) { stream.abort(); stream = null; }
  live(false, 'not live');
  $('who').textContent = '';
  $('signOut').hidden = true;
  $('signin').hidden = false;
  if (why) problem(why.title, why.detail);
}

async function whoAmI() {
  try {
    const res = await api('alerts/me');
    if (res.status === 499) { location.reload(); return false; }
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) {
      signedOut(token() ? { title: 'Not signed in (401):', detail: body.detail || 'the token was refused' } : null);
      return false;
    }
    if (!res.ok) {
      showProblem(res, body);
      $('who').textContent = 'not signed in to this bank';
      $('signin').hidden = false;
      $('signOut').hidden = !token();
      return false;
    }
    $('signin').hidden = true;
    $('signOut').hidden = !token();
    const until = body.expiresAt ? new Date(body.expiresAt) : null;
    $('who').textContent = 'signed in as ' + body.name + ' (' + (body.roles || []).join(', ') + ') at ' + body.tenant
      + (until ? ' · until ' + until.toLocaleTimeString() : '');
    if (sessionTimer) clearTimeout(sessionTimer);
    if (until) {
      sessionTimer = setTimeout(() => signedOut({ title: 'Session ended:', detail: 'the sign-in token expired; sign in again' }),
        Math.max(0, until.getTime() - Date.now()));
    }
    return true;
  } catch (e) {
    problem('The service did not answer.', '');
    return false;
  }
}

// --- problems (RFC 9457 bodies) ------------------------------------------------------------------------------

function problem(title, detail) {
  $('problemTitle').textContent = title || '';
  $('problemDetail').textContent = detail || '';
  $('problem').hidden = false;
}

function clearProblem() {
  $('problem').hidden = true;
}

function showProblem(res, body) {
  const what = res.status === 403 ? 'Refused' : res.status === 401 ? 'Not signed in' : res.status === 404 ? 'Not found'
    : res.status === 409 ? 'Not allowed now' : (body && body.title) || 'Failed';
  problem(what + ' (' + res.status + (body && body.type ? ', ' + body.type.replace(/^.*\//, '') : '') + '):',
    (body && (body.detail || body.title)) || ('HTTP ' + res.status));
  if (res.status === 401 && token()) signedOut(null);
}

// --- the list ------------------------------------------------------------------------------------------------

function iso(local) {
  if (!local) return null;
  const d = new Date(local);
  return isNaN(d) ? null : d.toISOString();
}

function filters() {
  const p = new URLSearchParams();
  if ($('status').value) p.set('status', $('status').value);
  const min = parseFloat($('minScore').value);
  if (min > 0) p.set('minScore', String(min));
  if (iso($('from').value)) p.set('from', iso($('from').value));
  if (iso($('to').value)) p.set('to', iso($('to').value));
  return p;
}

function matches(alert) {
  const status = $('status').value;
  const min = parseFloat($('minScore').value) || 0;
  const from = iso($('from').value), to = iso($('to').value);
  const at = new Date(alert.createdAt).toISOString();
  return (!status || alert.status === status) && alert.score >= min && (!from || at >= from) && (!to || at < to);
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function amount(minor, currency) {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    return (minor / Math.pow(10, digits)).toFixed(digits) + ' ' + currency;
  } catch (e) {
    return minor + ' (minor) ' + currency;
  }
}

function when(t) {
  return t ? new Date(t).toLocaleString() : '';
}

function render(alert, fresh) {
  const tr = document.createElement('tr');
  tr.dataset.id = alert.alertId;
  tr.dataset.created = alert.createdAt;
  tr.dataset.status = alert.status;
  tr.className = (fresh ? 'new' : '') + (selected === alert.alertId ? ' selected' : '');
  cell(tr, when(alert.createdAt));
  cell(tr, alert.transactionId);
  cell(tr, alert.cardId);
  cell(tr, amount(alert.amountMinor, alert.currency), 'num');
  cell(tr, alert.merchantId);
  cell(tr, alert.score.toFixed(3), 'num');
  cell(tr, alert.rule);
  cell(tr, alert.status, 'status-' + alert.status);
  tr.addEventListener('click', () => openDetail(alert.alertId));
  return tr;
}

// Newest first, as the server orders them: created at, then id, both descending.
function placeOf(alert) {
  for (const tr of $('alerts').children) {
    const c = tr.dataset.created;
    if (c < alert.createdAt || (c === alert.createdAt && tr.dataset.id < alert.alertId)) return tr;
  }
  return null;
}

function upsert(alert, fresh) {
  const old = rows.get(alert.alertId);
  if (selected === alert.alertId) showAlert(alert);
  if (!matches(alert)) {
    if (old) { old.remove(); rows.delete(alert.alertId); }
    count();
    return;
  }
  const tr = render(alert, fresh);
  if (old) {
    old.replaceWith(tr);
  } else {
    $('alerts').insertBefore(tr, placeOf(alert));
  }
  rows.set(alert.alertId, tr);
  count();
}

function count() {
  $('count').textContent = rows.size + ' shown' + (nextCursor ? ', more below' : '');
}

async function load(more) {
  const p = filters();
  p.set('limit', $('limit').value);
  if (more && nextCursor) p.set('cursor', nextCursor);
  try {
    const res = await api('alerts?' + p.toString());
    const body = await res.json().catch(() => ({}));
    if (!res.ok) { showProblem(res, body); return; }
    if (!more) { $('alerts').replaceChildren(); rows.clear(); }
    nextCursor = body.nextCursor || null;
    for (const a of body.alerts) upsert(a, false);
    $('more').hidden = !nextCursor;
    count();
  } catch (e) {
    problem('The service did not answer.', '');
  }
}

// --- live updates --------------------------------------------------------------------------------------------

let stream = null;           // the AbortController of the open stream

function live(on, text) {
  $('live').textContent = text;
  $('live').className = on ? 'live' : 'live off';
}

async function listen() {
  if (stream) stream.abort();
  const mine = stream = new AbortController();
  try {
    const res = await api('alerts/stream', { headers: { 'Accept': 'text/event-stream' }, signal: mine.signal });
    if (!res.ok || !res.body) {
      live(false, 'not live (HTTP ' + res.status + ')');
      return; // a refused token does not get better by retrying; signing in starts again
    }
    live(true, 'live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n'); // SSE allows CRLF line ends
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        buffer = buffer.slice(end + 2);
        try { if (data) upsert(JSON.parse(data), true); } catch (err) { /* not an alert: ignore */ }
      }
    }
  } catch (e) {
    if (mine.signal.aborted) return;
  }
  if (mine !== stream) return;
  // the stream ended (restart, network, the token's end): reconnect while signed in, and reload for what came meanwhile
  live(false, 'reconnecting…');
  setTimeout(async () => { if (mine === stream && await whoAmI()) { load(false); listen(); } }, 2000);
}

// --- the detail ----------------------------------------------------------------------------------------------

function by(who, at) {
  if (!at) return '—';
  return (who || 'someone') + ', ' + when(at);
}

function showAlert(a) {
  selected = a.alertId;
  $('detail').hidden = false;
  $('detail').dataset.id = a.alertId;
  $('detail').dataset.status = a.status;
  $('dStatus').textContent = a.status;
  $('dStatus').className = 'status status-' + a.status;
  $('dTransaction').textContent = a.transactionId;
  $('dEventTime').textContent = when(a.eventTime);
  $('dCard').textContent = a.cardId;
  $('dAmount').textContent = amount(a.amountMinor, a.currency);
  $('dMerchant').textContent = a.merchantId;
  $('dScore').textContent = a.score.toFixed(4);
  $('dRule').textContent = a.rule;
  $('dCreated').textContent = when(a.createdAt);
  $('dAcknowledged').textContent = by(a.acknowledgedBy, a.acknowledgedAt);
  $('dResolved').textContent = by(a.resolvedBy, a.resolvedAt);
  $('dId').textContent = a.alertId;
  $('ack').hidden = a.status !== 'OPEN';
  $('resolve').hidden = a.status === 'RESOLVED';
  $('ack').disabled = false;
  $('resolve').disabled = false;
  for (const tr of $('alerts').children) tr.classList.toggle('selected', tr.dataset.id === a.alertId);
}

async function openDetail(id) {
  history.replaceState(null, '', location.pathname + location.search + '#alert=' + encodeURIComponent(id));
  try {
    const [res, cards] = await Promise.all([api('alerts/' + encodeURIComponent(id)),
      api('alerts/' + encodeURIComponent(id) + '/card-transactions')]);
    const body = await res.json().catch(() => ({}));
    if (!res.ok) { closeDetail(); showProblem(res, body); return; }
    clearProblem();
    showAlert(body);
    const card = await cards.json().catch(() => ({}));
    const tbody = $('cardTransactions');
    tbody.replaceChildren();
    if (!cards.ok) {
      $('cardNote').textContent = 'not available: ' + (card.detail || ('HTTP ' + cards.status));
      return;
    }
    for (const t of card.transactions) {
      const tr = document.createElement('tr');
      tr.dataset.tx = t.transactionId;
      if (t.transactionId === body.transactionId) tr.className = 'this';
      cell(tr, when(t.eventTime));
      cell(tr, t.transactionId);
      cell(tr, amount(t.amountMinor, t.currency), 'num');
      cell(tr, t.merchantId);
      cell(tr, t.score.toFixed(3), 'num');
      tbody.appendChild(tr);
    }
    $('cardNote').textContent = card.transactions.length + ' most recent, as scored by this bank'
      + (card.complete ? '' : ' (this instance holds only part of the card\'s transactions)');
  } catch (e) {
    problem('The service did not answer.', '');
  }
}

// Another session starts (a new sign-in link, sign out): nothing the previous one saw stays in the page, hidden or not.
function forget() {
  selected = null;
  nextCursor = null;
  rows.clear();
  $('alerts').replaceChildren();
  $('cardTransactions').replaceChildren();
  for (const dd of $('detail').querySelectorAll('dd')) dd.textContent = '';
  $('dStatus').textContent = '';
  $('cardNote').textContent = '';
  $('detail').hidden = true;
  $('more').hidden = true;
  $('count').textContent = '';
}

function closeDetail() {
  selected = null;
  $('detail').hidden = true;
  for (const tr of $('alerts').children) tr.classList.remove('selected');
  history.replaceState(null, '', location.pathname + location.search);
}

async function move(verb) {
  if (!selected) return;
  const id = selected;
  const note = $('note').value.trim();
  $('ack').disabled = true;
  $('resolve').disabled = true;
  try {
    const res = await api('alerts/' + encodeURIComponent(id) + '/' + verb, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(note ? { note } : {}),
    });
    const body = await res.json().catch(() => ({}));
    if (res.ok) {
      clearProblem();
      $('note').value = '';
      upsert(body, false);
      if (selected === id) showAlert(body);
    } else {
      showProblem(res, body);
      $('ack').disabled = false;
      $('resolve').disabled = false;
    }
  } catch (e) {
    problem('The service did not answer.', '');
    $('ack').disabled = false;
    $('resolve').disabled = false;
  }
}

// --- start ---------------------------------------------------------------------------------------------------

async function start(wanted) {
  clearProblem();
  $('who').textContent = '';
  if (sessionTimer) { clearTimeout(sessionTimer); sessionTimer = null; }
  if (unclaimed && !(await claim())) return;
  if (stream) { stream.abort(); stream = null; }
  live(false, 'not live');
  if (await whoAmI()) {
    load(false);
    listen();
  }
  if (wanted) openDetail(wanted);
}

$('useToken').addEventListener('click', () => {
  const t = $('token').value.trim();
  $('token').value = '';
  if (t) sessionStorage.setItem(KEY, t);
  start(null);
});
$('signOut').addEventListener('click', () => { signedOut(null); forget(); closeDetail(); });
$('problemClose').addEventListener('click', clearProblem);
$('reload').addEventListener('click', () => load(false));
for (const id of ['status', 'minScore', 'from', 'to', 'limit']) $(id).addEventListener('change', () => load(false));
$('more').addEventListener('click', () => load(true));
$('closeDetail').addEventListener('click', closeDetail);
$('ack').addEventListener('click', () => move('acknowledge'));
$('resolve').addEventListener('click', () => move('resolve'));
window.addEventListener('hashchange', () => {
  if (takeTokenFromUrl()) {
    const wanted = new URLSearchParams(location.hash.slice(1)).get('alert');
    forget();
    start(wanted);
    return;
  }
  const wanted = new URLSearchParams(location.hash.slice(1)).get('alert');
  if (wanted && wanted !== selected) openDetail(wanted);
});

takeTokenFromUrl();
start(new URLSearchParams(location.hash.slice(1)).get('alert'));
