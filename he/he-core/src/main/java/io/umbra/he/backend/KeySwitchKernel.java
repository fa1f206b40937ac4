package io.umbra.he.backend;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.Ntt;
import io.umbra.he.ring.NttTables;

/**
 * Key switching, the Java backend's kernel (SEAL's algorithm, lattigo's gadget product): decompose
 * an NTT-form polynomial at a level with k primes by prime, take each digit to every prime of the
 * level and to the special prime P, form the inner products with the switching key's k parts, and
 * divide the two results by P with rounding, adding them into a size-2 ciphertext. The heaviest
 * operation of the engine (relinearization and every rotation go through it), hence its own class
 * and hand-unrolled loops: the inner products for one to three digits keep their 128-bit sums in
 * registers, larger chains use tiled accumulators that stay in L1. Stateless; the scratch space is
 * per thread.
 */
final class KeySwitchKernel {
    private KeySwitchKernel() {
    }

    /**
     * p0/p1[dst + c] = Σ_J ops_J[c]·key_J (mod q), the key's polynomials 0 and 1, for one to three
     * digits J, with the 128-bit sums held in registers; lazy: in [0, 3q) instead of [0, q).
     */
    private static void innerProductSmall(int k, long[] ops, int n, long[][] key, int k0Off, int k1Off, Modulus qi,
                                          boolean lazy, long[] p0, long[] p1, int dst) {
        long[] kd0 = key[0];
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
        long[] kd1 = key[1];
        if (k == 3) {
            long[] kd2 = key[2];
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

    /** See {@link HeBackend#switchKey}: adds the switch of target under key into o (two polynomials, k primes each). */
    static void switchKey(long[] target, int targetOff, int k, long[][] key, Modulus[] keyMod, NttTables[] keyNtt,
                          long[] invP, long[] invPs, long[] out, int outOff) {
        int n = keyNtt[0].n();
        int keyK = keyMod.length;
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
                    long[] kd = key[J];
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
        long[] t = ops; // free again: first n words
        long[] last = coeff;
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
                int outBase = outOff + (c2 * k + J) * n;
                long inv = invP[J];
                long invS = invPs[J];
                for (int c = 0; c < n; c++) {
                    long diff = pr[base + c] + q - t[c]; // pr in [0, 3q), t in [0, q): positive
                    long v = diff * inv - Math.unsignedMultiplyHigh(diff, invS) * q; // in [0, 2q)
                    long sum = out[outBase + c] + v - q;
                    sum += (sum >> 63) & q;
                    sum -= q;
                    out[outBase + c] = sum + ((sum >> 63) & q);
                }
            }
        }
    }
}
