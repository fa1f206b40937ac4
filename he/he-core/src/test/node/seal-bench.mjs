// Times Microsoft SEAL 4.1.2 — node-seal 7.0.0, i.e. SEAL compiled to WebAssembly, not native SEAL —
// on the operations of `umbra he bench`, so the bench can compare against SEAL measured in the same
// run on the same machine instead of a stored table. Same workloads as io.umbra.he.perf.Workload:
// parameter sets (a) N=8192 {60,40,40,60} 2^40, (b) N=4096 {36,36,37} 2^30, (c) N=16384
// {60,40×6,60} 2^40; full slot vectors; rotation by 1; save/load without compression.
//
//   node seal-bench.mjs sets=a,b ops=add,multiply warmups=3 minCalls=15 minSeconds=1
//
// Prints one JSON object: { "engine": ..., "sets": { "a": { "add": median_us, ... }, ... } }.
// Operations it has no counterpart for (the 30-feature batch rows) are left out.
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const sets = (args.sets ?? 'a,b,c').split(',');
const wanted = args.ops ? new Set(args.ops.split(',')) : null;
const warmups = Number(args.warmups ?? 3);
const minCalls = Number(args.minCalls ?? 15);
const minSeconds = Number(args.minSeconds ?? 1);

const log = (s) => process.stderr.write(`${s}\n`);
const seal = await (await import('node-seal')).default({ print: log, printErr: log });
const NONE = seal.ComprModeType.none;

const SETS = {
  a: { n: 8192, bits: [60, 40, 40, 60], scale: 2 ** 40 },
  b: { n: 4096, bits: [36, 36, 37], scale: 2 ** 30 },
  c: { n: 16384, bits: [60, 40, 40, 40, 40, 40, 40, 60], scale: 2 ** 40 },
};

function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(fn) {
  for (let i = 0; i < warmups; i++) fn();
  const samples = [];
  const end = performance.now() + minSeconds * 1000;
  while (samples.length < minCalls || performance.now() < end) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) * 1000);
  }
  return median(samples);
}

function vector(slots, seed) {
  let x = seed >>> 0;
  const v = new Float64Array(slots);
  for (let i = 0; i < slots; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    v[i] = (x / 2 ** 32) * 2 - 1;
  }
  return v;
}

const out = { engine: 'Microsoft SEAL 4.1.2 as WebAssembly (node-seal 7.0.0) on Node ' + process.versions.node, sets: {} };
for (const id of sets) {
  const p = SETS[id];
  if (!p) throw new Error(`unknown set ${id}`);
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(p.n);
  parms.setCoeffModulus(seal.CoeffModulus.Create(p.n, Int32Array.from(p.bits)));
  const ctx = new seal.SEALContext(parms, true, seal.SecLevelType.tc128);
  const kg = new seal.KeyGenerator(ctx);
  const sk = kg.secretKey();
  const pk = kg.createPublicKey();
  const rk = kg.createRelinKeys();
  const gk = kg.createGaloisKeysWithSteps(Int32Array.from([1]));
  const encoder = new seal.CKKSEncoder(ctx);
  const encryptor = new seal.Encryptor(ctx, pk, sk);
  const decryptor = new seal.Decryptor(ctx, sk);
  const ev = new seal.Evaluator(ctx);
  const slots = encoder.slotCount();
  const values = vector(slots, 7);
  const plain = new seal.Plaintext();
  encoder.encode(values, p.scale, plain);
  const ct = new seal.Ciphertext();
  encryptor.encrypt(plain, ct);
  const ct2 = new seal.Ciphertext();
  const plain2 = new seal.Plaintext();
  encoder.encode(vector(slots, 11), p.scale, plain2);
  encryptor.encrypt(plain2, ct2);
  const product = new seal.Ciphertext();
  ev.multiply(ct, ct2, product);
  const saved = ct.saveToArray(NONE);
  const dst = new seal.Ciphertext();
  const pdst = new seal.Plaintext();
  const ops = {
    encode: () => encoder.encode(values, p.scale, pdst),
    encrypt_public_key: () => encryptor.encrypt(plain, dst),
    encrypt_symmetric: () => encryptor.encryptSymmetric(plain, dst),
    add: () => ev.add(ct, ct2, dst),
    multiply_plain: () => ev.multiplyPlain(ct, plain, dst),
    rescale_to_next: () => ev.rescaleToNext(ct, dst),
    multiply: () => ev.multiply(ct, ct2, dst),
    relinearize: () => ev.relinearize(product, rk, dst),
    rotate: () => ev.rotateVector(ct, 1, gk, dst),
    decrypt: () => decryptor.decrypt(ct, pdst),
    decode: () => encoder.decodeFloat64(plain),
    save_ciphertext: () => ct.saveToArray(NONE),
    load_ciphertext: () => dst.loadFromArray(ctx, saved),
  };
  const r = {};
  for (const [name, fn] of Object.entries(ops)) {
    if (wanted && !wanted.has(name)) continue;
    r[name] = time(fn);
    log(`  seal-bench ${id} ${name} ${r[name].toFixed(1)} us`);
  }
  out.sets[id] = r;
}
process.stdout.write(JSON.stringify(out) + '\n');
