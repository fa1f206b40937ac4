package io.umbra.he.ckks;

import io.umbra.he.backend.HeBackend;
import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.Ntt;
import io.umbra.he.ring.NttTables;

/**
 * Homomorphic operations on CKKS ciphertexts, with SEAL's semantics and checks: operands must share
 * a level (parms_id) and, for additions, a scale; multiplications multiply scales, and
 * {@link #rescaleToNext} divides by the level's last prime. Holds no secret material: it is what the
 * scoring pool runs. Stateless and thread-safe; every operation returns a new ciphertext.
 */
public final class Evaluator {
    private final CkksContext context;
    private final HeBackend backend;

    public Evaluator(CkksContext context) {
        this.context = context;
        this.backend = context.backend();
    }

    public CkksContext context() {
        return context;
    }

    // ---- additive ----

    public Ciphertext add(Ciphertext a, Ciphertext b) {
        ContextData level = sameLevel(a, b);
        requireSameScale(a.scale(), b.scale());
        return addOrSub(a, b, level, false);
    }

    public Ciphertext sub(Ciphertext a, Ciphertext b) {
        ContextData level = sameLevel(a, b);
        requireSameScale(a.scale(), b.scale());
        return addOrSub(a, b, level, true);
    }

    private Ciphertext addOrSub(Ciphertext a, Ciphertext b, ContextData level, boolean subtract) {
        int block = level.primeCount() * context.n();
        Ciphertext big = a.size() >= b.size() ? a : b;
        Ciphertext out = Ciphertext.zeros(level, big.size(), a.scale());
        int common = Math.min(a.size(), b.size());
        if (subtract) {
            backend.sub(a.data(), 0, b.data(), 0, out.data(), 0, common, level.moduli(), context.n());
            if (b.size() > common) {
                backend.negate(b.data(), common * block, out.data(), common * block, b.size() - common, level.moduli(), context.n());
            }
        } else {
            backend.add(a.data(), 0, b.data(), 0, out.data(), 0, common, level.moduli(), context.n());
        }
        if (a.size() > common) {
            System.arraycopy(a.data(), common * block, out.data(), common * block, (a.size() - common) * block);
        } else if (!subtract && b.size() > common) {
            System.arraycopy(b.data(), common * block, out.data(), common * block, (b.size() - common) * block);
        }
        return out;
    }

    public Ciphertext negate(Ciphertext a) {
        ContextData level = context.require(a.parmsId());
        Ciphertext out = Ciphertext.zeros(level, a.size(), a.scale());
        backend.negate(a.data(), 0, out.data(), 0, a.size(), level.moduli(), context.n());
        return out;
    }

    public Ciphertext addPlain(Ciphertext a, Plaintext p) {
        ContextData level = samePlainLevel(a, p);
        requireSameScale(a.scale(), p.scale());
        Ciphertext out = a.copy();
        out.seed(null);
        backend.add(a.data(), 0, p.data(), 0, out.data(), 0, 1, level.moduli(), context.n());
        return out;
    }

    public Ciphertext subPlain(Ciphertext a, Plaintext p) {
        ContextData level = samePlainLevel(a, p);
        requireSameScale(a.scale(), p.scale());
        Ciphertext out = a.copy();
        out.seed(null);
        backend.sub(a.data(), 0, p.data(), 0, out.data(), 0, 1, level.moduli(), context.n());
        return out;
    }

    // ---- multiplicative ----

    public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
        ContextData level = samePlainLevel(a, p);
        double scale = checkedScale(a.scale() * p.scale(), level);
        Ciphertext out = Ciphertext.zeros(level, a.size(), scale);
        int block = level.primeCount() * context.n();
        for (int i = 0; i < a.size(); i++) {
            backend.multiply(a.data(), i * block, p.data(), 0, out.data(), i * block, 1, level.moduli(), context.n());
        }
        return out;
    }

    /** Multiplies by a real constant encoded at {@code constantScale} (the result's scale is the product). */
    public Ciphertext multiplyConstant(Ciphertext a, double value, double constantScale) {
        ContextData level = context.require(a.parmsId());
        double scale = checkedScale(a.scale() * constantScale, level);
        long[] w = Scalars.residues(value, constantScale, level);
        Ciphertext out = Ciphertext.zeros(level, a.size(), scale);
        backend.multiplyScalar(a.data(), 0, w, out.data(), 0, a.size(), level.moduli(), context.n());
        return out;
    }

    public Ciphertext multiply(Ciphertext a, Ciphertext b) {
        ContextData level = sameLevel(a, b);
        double scale = checkedScale(a.scale() * b.scale(), level);
        int size = a.size() + b.size() - 1;
        Ciphertext out = Ciphertext.zeros(level, size, scale);
        if (a.size() == 2 && b.size() == 2) {
            backend.tensor(a.data(), 0, b.data(), 0, out.data(), 0, level.moduli(), context.n());
            return out;
        }
        int block = level.primeCount() * context.n();
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                backend.multiplyAccumulate(a.data(), i * block, b.data(), j * block, out.data(), (i + j) * block, 1, level.moduli(), context.n());
            }
        }
        return out;
    }

    public Ciphertext square(Ciphertext a) {
        return multiply(a, a);
    }

    /** Size 3 → 2 with the relinearization key for s². */
    public Ciphertext relinearize(Ciphertext a, RelinKeys keys) {
        if (a.size() == 2) {
            return a.copy();
        }
        if (a.size() != 3) {
            throw new IllegalArgumentException("relinearize handles size-3 ciphertexts, got size " + a.size());
        }
        requireKeys(keys);
        PublicKey[] key = keys.key(0);
        if (key == null) {
            throw new IllegalArgumentException("relinearization keys hold no key for s²");
        }
        ContextData level = context.require(a.parmsId());
        int block = level.primeCount() * context.n();
        Ciphertext out = Ciphertext.zeros(level, 2, a.scale());
        System.arraycopy(a.data(), 0, out.data(), 0, 2 * block);
        switchKey(out, level, a.data(), 2 * block, key);
        return out;
    }

    /** Divides by the level's last prime (rounding) and moves one level down; the scale shrinks accordingly. */
    public Ciphertext rescaleToNext(Ciphertext a) {
        ContextData level = context.require(a.parmsId());
        ContextData next = requireNext(level);
        Ciphertext out = Ciphertext.zeros(next, a.size(), a.scale() / level.primes()[level.primeCount() - 1]);
        int n = context.n();
        for (int i = 0; i < a.size(); i++) {
            RnsTool.divideRoundLast(a.data(), i * level.primeCount() * n, level, out.data(), i * next.primeCount() * n);
        }
        return out;
    }

    /** Drops the level's last prime without scaling: same value, same scale, one level down. */
    public Ciphertext modSwitchToNext(Ciphertext a) {
        ContextData level = context.require(a.parmsId());
        ContextData next = requireNext(level);
        Ciphertext out = Ciphertext.zeros(next, a.size(), a.scale());
        int n = context.n();
        int newBlock = next.primeCount() * n;
        for (int i = 0; i < a.size(); i++) {
            System.arraycopy(a.data(), i * level.primeCount() * n, out.data(), i * newBlock, newBlock);
        }
        return out;
    }

    /** Mod-switches down until the ciphertext is at {@code target}. */
    public Ciphertext modSwitchTo(Ciphertext a, ParmsId target) {
        ContextData level = context.require(a.parmsId());
        ContextData goal = context.require(target);
        if (goal.chainIndex() > level.chainIndex()) {
            throw new IllegalArgumentException("cannot switch up the modulus chain (from " + level + " to " + goal + ")");
        }
        Ciphertext out = a;
        while (!out.parmsId().equals(target)) {
            out = modSwitchToNext(out);
        }
        return out == a ? a.copy() : out;
    }

    // ---- Galois ----

    /** Rotates the slot vector left by {@code steps} (right when negative). */
    public Ciphertext rotate(Ciphertext a, int steps, GaloisKeys keys) {
        return applyGalois(a, context.galoisTool().eltFromStep(steps), keys);
    }

    /** Complex conjugation of every slot. */
    public Ciphertext conjugate(Ciphertext a, GaloisKeys keys) {
        return applyGalois(a, 2 * context.n() - 1, keys);
    }

    public Ciphertext applyGalois(Ciphertext a, int galoisElt, GaloisKeys keys) {
        if (a.size() != 2) {
            throw new IllegalArgumentException("Galois automorphisms need a size-2 ciphertext (relinearize first), got size " + a.size());
        }
        requireKeys(keys);
        PublicKey[] key = keys.key(GaloisKeys.indexOf(galoisElt));
        if (key == null) {
            throw new IllegalArgumentException("Galois keys hold no key for element " + galoisElt + ": generate keys for this rotation step");
        }
        ContextData level = context.require(a.parmsId());
        int k = level.primeCount();
        int block = k * context.n();
        Ciphertext out = Ciphertext.zeros(level, 2, a.scale());
        GaloisTool tool = context.galoisTool();
        tool.applyNtt(a.data(), 0, k, galoisElt, out.data(), 0);
        long[] rotatedC1 = new long[block];
        tool.applyNtt(a.data(), block, k, galoisElt, rotatedC1, 0);
        switchKey(out, level, rotatedC1, 0, key);
        return out;
    }

    // ---- the linear model ----

    /**
     * The fused linear score Σ w_i·x_i + b over d ciphertexts at one level and scale: weights are
     * encoded at {@code weightScale}, the bias at the output scale (input scale × weightScale). One
     * pass over the data; no rotations, no relinearization. Rescale afterwards to bring the scale back.
     */
    public Ciphertext weightedSum(Ciphertext[] inputs, double[] weights, double bias, double weightScale) {
        if (inputs.length == 0 || inputs.length != weights.length) {
            throw new IllegalArgumentException("weighted sum needs as many weights as ciphertexts (got " + inputs.length + " and " + weights.length + ")");
        }
        ContextData level = context.require(inputs[0].parmsId());
        int size = inputs[0].size();
        long[][] data = new long[inputs.length][];
        long[][] w = new long[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            Ciphertext c = inputs[i];
            if (!c.parmsId().equals(level.parmsId())) {
                throw new IllegalArgumentException("ciphertext " + i + " is at another level than ciphertext 0");
            }
            if (c.size() != size) {
                throw new IllegalArgumentException("ciphertext " + i + " has size " + c.size() + ", ciphertext 0 has " + size);
            }
            requireSameScale(inputs[0].scale(), c.scale());
            data[i] = c.data();
            w[i] = Scalars.residues(weights[i], weightScale, level);
        }
        double scale = checkedScale(inputs[0].scale() * weightScale, level);
        int n = context.n();
        long[] biasPoly = null;
        if (bias != 0.0) {
            long[] b = Scalars.residues(bias, scale, level);
            biasPoly = new long[level.primeCount() * n];
            for (int j = 0; j < b.length; j++) {
                java.util.Arrays.fill(biasPoly, j * n, (j + 1) * n, b[j]); // a constant is constant in NTT form
            }
        }
        Ciphertext out = Ciphertext.zeros(level, size, scale);
        backend.weightedSum(data, 0, w, biasPoly, out.data(), 0, size, level.moduli(), n);
        return out;
    }

    /**
     * The linear fraud model as the scoring pool runs it: {@link #weightedSum} with the weights encoded
     * at the level's last prime, then one rescale by that prime, so the score comes out one level
     * down at exactly the input scale.
     */
    public Ciphertext linearScore(Ciphertext[] inputs, double[] weights, double bias) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("a linear score needs at least one ciphertext");
        }
        ContextData level = context.require(inputs[0].parmsId());
        requireNext(level);
        double weightScale = level.primes()[level.primeCount() - 1];
        return rescaleToNext(weightedSum(inputs, weights, bias, weightScale));
    }

    // ---- key switching ----

    /**
     * Adds to (out.c0, out.c1) a key switch of {@code target} (one NTT-form polynomial at out's
     * level) under {@code key}: decompose target by prime, multiply each digit with the key over the
     * level's primes plus the special prime P, then divide by P with rounding. SEAL's algorithm.
     */
    /**
     * p0/p1[dst + c] = Σ_J ops_J[c]·key_J (mod q), the key's polynomials 0 and 1, for one to three
     * digits J, with the 128-bit sums held in registers; lazy: in [0, 3q) instead of [0, q).
     */
    private static void innerProductSmall(int k, long[] ops, int n, PublicKey[] key, int k0Off, int k1Off, Modulus qi,
                                          boolean lazy, long[] p0, long[] p1, int dst) {
        long[] kd0 = key[0].data().data();
        if (k == 1) {
            for (int c = 0; c < n; c++) {
                long x = ops[c];
                long y0 = kd0[k0Off + c];
                long y1 = kd0[k1Off + c];
                p0[dst + c] = qi.reduceWide(Math.unsignedMultiplyHigh(x, y0), x * y0);
                p1[dst + c] = qi.reduceWide(Math.unsignedMultiplyHigh(x, y1), x * y1);
            }
            return;
        }
        long[] kd1 = key[1].data().data();
        if (k == 3) {
            long[] kd2 = key[2].data().data();
            for (int c = 0; c < n; c++) {
                long x = ops[c];
                long z = ops[n + c];
                long u = ops[2 * n + c];
                long a0 = kd0[k0Off + c];
                long b0 = kd1[k0Off + c];
                long c0 = kd2[k0Off + c];
                long l1 = x * a0;
                long l2 = z * b0;
                long s1 = l1 + l2;
                long h = Math.unsignedMultiplyHigh(x, a0) + Math.unsignedMultiplyHigh(z, b0) + Math.unsignedMultiplyHigh(u, c0)
                    + (((l1 & l2) | ((l1 | l2) & ~s1)) >>> 63);
                long l3 = u * c0;
                long lo = s1 + l3;
                h += ((s1 & l3) | ((s1 | l3) & ~lo)) >>> 63;
                long a1 = kd0[k1Off + c];
                long b1 = kd1[k1Off + c];
                long c1 = kd2[k1Off + c];
                l1 = x * a1;
                l2 = z * b1;
                s1 = l1 + l2;
                long h1 = Math.unsignedMultiplyHigh(x, a1) + Math.unsignedMultiplyHigh(z, b1) + Math.unsignedMultiplyHigh(u, c1)
                    + (((l1 & l2) | ((l1 | l2) & ~s1)) >>> 63);
                l3 = u * c1;
                long lo1 = s1 + l3;
                h1 += ((s1 & l3) | ((s1 | l3) & ~lo1)) >>> 63;
                if (lazy) {
                    p0[dst + c] = qi.reduceWideLazy(h, lo);
                    p1[dst + c] = qi.reduceWideLazy(h1, lo1);
                } else {
                    p0[dst + c] = qi.reduceWide(h, lo);
                    p1[dst + c] = qi.reduceWide(h1, lo1);
                }
            }
            return;
        }
        for (int c = 0; c < n; c++) {
            long x = ops[c];
            long z = ops[n + c];
            long a0 = kd0[k0Off + c];
            long b0 = kd1[k0Off + c];
            long lo1 = x * a0;
            long lo2 = z * b0;
            long lo = lo1 + lo2;
            long hi = Math.unsignedMultiplyHigh(x, a0) + Math.unsignedMultiplyHigh(z, b0)
                + (((lo1 & lo2) | ((lo1 | lo2) & ~lo)) >>> 63);
            long a1 = kd0[k1Off + c];
            long b1 = kd1[k1Off + c];
            long lo3 = x * a1;
            long lo4 = z * b1;
            long lo5 = lo3 + lo4;
            long hi5 = Math.unsignedMultiplyHigh(x, a1) + Math.unsignedMultiplyHigh(z, b1)
                + (((lo3 & lo4) | ((lo3 | lo4) & ~lo5)) >>> 63);
            if (lazy) {
                p0[dst + c] = qi.reduceWideLazy(hi, lo);
                p1[dst + c] = qi.reduceWideLazy(hi5, lo5);
            } else {
                p0[dst + c] = qi.reduceWide(hi, lo);
                p1[dst + c] = qi.reduceWide(hi5, lo5);
            }
        }
    }

    /** Coefficients per tile of the key-switching inner product. */
    private static final int SWITCH_TILE = 512;

    /** Working space of key switching, one per thread and grown on demand, so a switch allocates nothing. */
    private static final class SwitchScratch {
        long[] coeff = new long[0];
        long[] ops = new long[0];
        long[] prod0 = new long[0];
        long[] prod1 = new long[0];
        final long[] accHi0 = new long[SWITCH_TILE];
        final long[] accLo0 = new long[SWITCH_TILE];
        final long[] accHi1 = new long[SWITCH_TILE];
        final long[] accLo1 = new long[SWITCH_TILE];

        SwitchScratch ensure(int k, int n) {
            if (coeff.length < k * n) {
                coeff = new long[k * n];
                ops = new long[k * n];
            }
            if (prod0.length < (k + 1) * n) {
                prod0 = new long[(k + 1) * n];
                prod1 = new long[(k + 1) * n];
            }
            return this;
        }
    }

    private static final ThreadLocal<SwitchScratch> SWITCH_SCRATCH = ThreadLocal.withInitial(SwitchScratch::new);

    private void switchKey(Ciphertext out, ContextData level, long[] target, int targetOff, PublicKey[] key) {
        ContextData keyLevel = context.keyLevel();
        int n = context.n();
        int k = level.primeCount();
        int keyK = keyLevel.primeCount();
        Modulus[] keyMod = keyLevel.moduli();
        NttTables[] keyNtt = keyLevel.ntt();
        if (key.length < k) {
            throw new IllegalArgumentException("switching key has " + key.length + " parts, the level needs " + k);
        }
        // Digits of the target in coefficient form, one per prime of the level.
        SwitchScratch scratch = SWITCH_SCRATCH.get().ensure(k, n);
        long[] coeff = scratch.coeff;
        System.arraycopy(target, targetOff, coeff, 0, k * n);
        for (int j = 0; j < k; j++) {
            Ntt.inverse(coeff, j * n, keyNtt[j]);
        }
        // Products over the level's primes and P: prod[c][I], I = k standing for P.
        long[][] prod = {scratch.prod0, scratch.prod1};
        long[] ops = scratch.ops; // digit J in NTT form under the current prime I
        long[] accHi0 = scratch.accHi0;
        long[] accLo0 = scratch.accLo0;
        long[] accHi1 = scratch.accHi1;
        long[] accLo1 = scratch.accLo1;
        // reduceWide takes sums of up to 2^(63 − bits) products; k digits fit for SEAL's primes (≤ 60 bits).
        boolean wideOk = true;
        for (int I = 0; I <= k; I++) {
            int bits = keyMod[I == k ? keyK - 1 : I].bitCount();
            wideOk &= bits <= 62 && k <= (1L << (63 - bits));
        }
        for (int I = 0; I <= k; I++) {
            int keyIndex = I == k ? keyK - 1 : I;
            Modulus qi = keyMod[keyIndex];
            long q = qi.value();
            for (int J = 0; J < k; J++) {
                int opOff = J * n;
                if (I == J) {
                    System.arraycopy(target, targetOff + J * n, ops, opOff, n);
                    continue;
                }
                if (keyMod[J].value() <= q) {
                    System.arraycopy(coeff, J * n, ops, opOff, n);
                } else {
                    long ratio = qi.ratioHi();
                    for (int c = 0; c < n; c++) {
                        long x = coeff[J * n + c];
                        long r = x - Math.unsignedMultiplyHigh(x, ratio) * q - q; // Barrett: x mod q_I
                        ops[opOff + c] = r + ((r >> 63) & q);
                    }
                }
                Ntt.forward(ops, opOff, keyNtt[keyIndex]);
            }
            int k0Off = keyIndex * n;            // key polynomial 0, prime keyIndex
            int k1Off = (keyK + keyIndex) * n;   // key polynomial 1, prime keyIndex
            int dst = I * n;
            if (wideOk && k <= 3) {
                // Few digits (sets (a) and (b)): sums in registers, no accumulator arrays.
                innerProductSmall(k, ops, n, key, k0Off, k1Off, qi, I < k, prod[0], prod[1], dst);
                continue;
            }
            // Tiles keep the four 128-bit accumulators in L1 while the digits and keys stream past once.
            for (int t0 = 0; t0 < n; t0 += SWITCH_TILE) {
                int len = Math.min(SWITCH_TILE, n - t0);
                java.util.Arrays.fill(accHi0, 0, len, 0L);
                java.util.Arrays.fill(accLo0, 0, len, 0L);
                java.util.Arrays.fill(accHi1, 0, len, 0L);
                java.util.Arrays.fill(accLo1, 0, len, 0L);
                for (int J = 0; J < k; J++) {
                    long[] kd = key[J].data().data();
                    int o = J * n + t0;
                    int a0 = k0Off + t0;
                    int a1 = k1Off + t0;
                    // At most 61-bit primes and a handful of digits: 128-bit sums cannot overflow.
                    for (int c = 0; c < len; c++) {
                        long x = ops[o + c];
                        long y0 = kd[a0 + c];
                        long lo = x * y0;
                        long acc = accLo0[c];
                        long sum = acc + lo;
                        // carry of the 64-bit add, branch-free: it is a coin flip, a branch would mispredict
                        accHi0[c] += Math.unsignedMultiplyHigh(x, y0) + (((acc & lo) | ((acc | lo) & ~sum)) >>> 63);
                        accLo0[c] = sum;
                        long y1 = kd[a1 + c];
                        lo = x * y1;
                        acc = accLo1[c];
                        sum = acc + lo;
                        accHi1[c] += Math.unsignedMultiplyHigh(x, y1) + (((acc & lo) | ((acc | lo) & ~sum)) >>> 63);
                        accLo1[c] = sum;
                    }
                }
                long[] p0 = prod[0];
                long[] p1 = prod[1];
                int d0 = dst + t0;
                if (wideOk && I < k) {
                    // Data primes: only ever fed to a Shoup product below, so [0, 3q) will do.
                    for (int c = 0; c < len; c++) {
                        p0[d0 + c] = qi.reduceWideLazy(accHi0[c], accLo0[c]);
                        p1[d0 + c] = qi.reduceWideLazy(accHi1[c], accLo1[c]);
                    }
                } else if (wideOk) {
                    for (int c = 0; c < len; c++) {
                        p0[d0 + c] = qi.reduceWide(accHi0[c], accLo0[c]);
                        p1[d0 + c] = qi.reduceWide(accHi1[c], accLo1[c]);
                    }
                } else {
                    for (int c = 0; c < len; c++) {
                        p0[d0 + c] = qi.reduce128(accHi0[c], accLo0[c]);
                        p1[d0 + c] = qi.reduce128(accHi1[c], accLo1[c]);
                    }
                }
            }
        }
        // Divide by P with rounding and add into out.
        Modulus pMod = keyMod[keyK - 1];
        long p = pMod.value();
        long half = p >>> 1;
        long[] invP = keyLevel.invLastModQi;
        long[] invPs = keyLevel.invLastModQiShoup;
        long[] t = ops; // free again: first n words
        long[] last = coeff;
        long[] o = out.data();
        for (int c2 = 0; c2 < 2; c2++) {
            long[] pr = prod[c2];
            System.arraycopy(pr, k * n, last, 0, n);
            Ntt.inverse(last, 0, keyNtt[keyK - 1]);
            for (int c = 0; c < n; c++) {
                long s = last[c] + half - p;
                last[c] = s + ((s >> 63) & p);
            }
            for (int J = 0; J < k; J++) {
                Modulus qj = keyMod[J];
                long q = qj.value();
                long fix = q - qj.reduce(half);
                if (p > q) {
                    long ratio = qj.ratioHi();
                    for (int c = 0; c < n; c++) {
                        long l = last[c];
                        long r = l - Math.unsignedMultiplyHigh(l, ratio) * q - q; // Barrett: l mod q
                        t[c] = r + ((r >> 63) & q) + fix;
                    }
                } else {
                    for (int c = 0; c < n; c++) {
                        t[c] = last[c] + fix;
                    }
                }
                Ntt.forward(t, 0, keyNtt[J]); // inputs below 2q
                int base = J * n;
                int outBase = (c2 * k + J) * n;
                long inv = invP[J];
                long invS = invPs[J];
                for (int c = 0; c < n; c++) {
                    long diff = pr[base + c] + q - t[c]; // pr in [0, 3q), t in [0, q): positive
                    long v = diff * inv - Math.unsignedMultiplyHigh(diff, invS) * q; // in [0, 2q)
                    long sum = o[outBase + c] + v - q;
                    sum += (sum >> 63) & q;
                    sum -= q;
                    o[outBase + c] = sum + ((sum >> 63) & q);
                }
            }
        }
    }

    // ---- checks ----

    private ContextData sameLevel(Ciphertext a, Ciphertext b) {
        if (!a.parmsId().equals(b.parmsId())) {
            throw new IllegalArgumentException("operands are at different levels: mod-switch one of them first");
        }
        return context.require(a.parmsId());
    }

    private ContextData samePlainLevel(Ciphertext a, Plaintext p) {
        if (!a.parmsId().equals(p.parmsId())) {
            throw new IllegalArgumentException("plaintext is encoded at another level than the ciphertext");
        }
        return context.require(a.parmsId());
    }

    private static void requireSameScale(double s1, double s2) {
        double bound = Math.ulp(1.0) * Math.max(Math.max(Math.abs(s1), Math.abs(s2)), 1.0);
        if (!(Math.abs(s1 - s2) < bound)) {
            throw new IllegalArgumentException("scale mismatch: " + s1 + " vs " + s2 + " (rescale or encode at the same scale)");
        }
    }

    private static double checkedScale(double scale, ContextData level) {
        int bits = (int) Math.floor(Math.log(scale) / Math.log(2)) + 1;
        if (!(scale > 0) || bits >= level.totalBitCount()) {
            throw new IllegalArgumentException("scale out of bounds: 2^" + (bits - 1) + " needs more than the "
                    + level.totalBitCount() + " bits of modulus left at " + level + "; rescale first");
        }
        return scale;
    }

    private ContextData requireNext(ContextData level) {
        ContextData next = level.next();
        if (next == null) {
            throw new IllegalArgumentException("already at the last level: no prime left to drop");
        }
        if (level == context.keyLevel()) {
            throw new IllegalArgumentException("ciphertexts do not live at the key level");
        }
        return next;
    }

    private void requireKeys(KSwitchKeys keys) {
        if (!keys.parmsId().equals(context.keyLevel().parmsId())) {
            throw new IllegalArgumentException("keys were made for other parameters");
        }
    }
}
