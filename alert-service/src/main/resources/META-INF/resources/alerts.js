// The live page: lists alerts (GET /alerts), adds each new version as it arrives (Server-Sent Events on
// /alerts/stream) and lets an analyst acknowledge or resolve. Plain DOM, no libraries, nothing from outside.
// Every call carries the analyst's bearer token, pasted once and kept in sessionStorage (this tab only); the
// stream is read with fetch because EventSource cannot send an Authorization header.
'use strict';

const rows = new Map();        // alertId -> <tr>
let nextCursor = null;

const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem('umbra.token') || '';
}

function api(url, init) {
  const headers = Object.assign({}, (init && init.headers) || {}, { 'Authorization': 'Bearer ' + token() });
  return fetch(url, Object.assign({}, init || {}, { headers }));
}

function refused(res) {
  if (res.status === 401) { say('paste a valid analyst token of this bank (HTTP 401)'); return true; }
  if (res.status === 403) { say('this token is not for this bank (HTTP 403)'); return true; }
  return false;
}

function filters() {
  const p = new URLSearchParams();
  if ($('status').value) p.set('status', $('status').value);
  const min = parseFloat($('minScore').value);
  if (min > 0) p.set('minScore', String(min));
  return p;
}

function matches(alert) {
  const status = $('status').value;
  const min = parseFloat($('minScore').value) || 0;
  return (!status || alert.status === status) && alert.score >= min;
}

function say(text) {
  $('message').textContent = text || '';
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function amount(alert) {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency: alert.currency }).resolvedOptions().maximumFractionDigits;
    return (alert.amountMinor / Math.pow(10, digits)).toFixed(digits) + ' ' + alert.currency;
  } catch (e) {
    return alert.amountMinor + ' (minor) ' + alert.currency;
  }
}

function render(alert, fresh) {
  const tr = document.createElement('tr');
  tr.dataset.id = alert.alertId;
  tr.dataset.created = alert.createdAt;
  if (fresh) tr.className = 'new';
  cell(tr, new Date(alert.createdAt).toLocaleString());
  cell(tr, alert.transactionId);
  cell(tr, alert.cardId);
  cell(tr, amount(alert), 'num');
  cell(tr, alert.merchantId);
  cell(tr, alert.score.toFixed(3), 'num');
  cell(tr, alert.rule);
  cell(tr, alert.status, 'status-' + alert.status);
  const actions = cell(tr, '');
  if (alert.status === 'OPEN') actions.appendChild(action(alert, 'acknowledge', 'Acknowledge'));
  if (alert.status !== 'RESOLVED') actions.appendChild(action(alert, 'resolve', 'Resolve'));
  return tr;
}

function action(alert, verb, label) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', async () => {
    const note = verb === 'resolve' ? prompt('Note (optional)', '') : null;
    b.disabled = true;
    try {
      const res = await api('alerts/' + encodeURIComponent(alert.alertId) + '/' + verb, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(note ? { note } : {}),
      });
      const body = await res.json().catch(() => ({}));
      if (refused(res)) {
        b.disabled = false;
      } else if (res.ok) {
        upsert(body, false);
        say('');
      } else {
        say(body.detail || body.error || ('failed: HTTP ' + res.status));
        b.disabled = false;
      }
    } catch (e) {
      say('the service did not answer');
      b.disabled = false;
    }
  });
  return b;
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
  if (!matches(alert)) {
    if (old) { old.remove(); rows.delete(alert.alertId); }
    return;
  }
  const tr = render(alert, fresh);
  if (old) {
    old.replaceWith(tr);
  } else {
    $('alerts').insertBefore(tr, placeOf(alert));
  }
  rows.set(alert.alertId, tr);
}

async function load(more) {
  const p = filters();
  p.set('limit', '50');
  if (more && nextCursor) p.set('cursor', nextCursor);
  try {
    const res = await api('alerts?' + p.toString());
    if (refused(res)) return;
    const body = await res.json();
    if (!res.ok) { say(body.detail || body.error || ('HTTP ' + res.status)); return; }
    if (!more) { $('alerts').replaceChildren(); rows.clear(); }
    for (const a of body.alerts) upsert(a, false);
    nextCursor = body.nextCursor;
    $('more').hidden = !nextCursor;
    say('');
  } catch (e) {
    say('the service did not answer');
  }
}

let stream = null;           // the AbortController of the open stream

async function listen() {
  if (stream) stream.abort();
  const mine = stream = new AbortController();
  try {
    const res = await api('alerts/stream', { headers: { 'Accept': 'text/event-stream' }, signal: mine.signal });
    if (!res.ok || !res.body) {
      $('live').textContent = 'not live (HTTP ' + res.status + ')';
      $('live').className = 'live off';
      return; // a refused token does not get better by retrying; "Use" starts again
    }
    $('live').textContent = 'live';
    $('live').className = 'live';
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
  // the stream ended (restart, network): reconnect, and reload the list for what came meanwhile
  $('live').textContent = 'reconnecting…';
  $('live').className = 'live off';
  setTimeout(() => { if (mine === stream) { load(false); listen(); } }, 2000);
}

$('useToken').addEventListener('click', () => {
  sessionStorage.setItem('umbra.token', $('token').value.trim());
  $('token').value = '';
  load(false);
  listen();
});
$('reload').addEventListener('click', () => load(false));
$('status').addEventListener('change', () => load(false));
$('minScore').addEventListener('change', () => load(false));
$('more').addEventListener('click', () => load(true));
load(false);
listen();
