package io.umbra.he.ckks;

import io.umbra.he.ring.Modulus;

import java.math.BigInteger;

/**
 * The decoder's step from RNS residues back to one double per coefficient, the analogue of SEAL's
 * {@code RNSBase::compose_array} followed by the word-by-word conversion in {@code CKKSEncoder::decode}:
 * the CRT composition of one level, then coefficients at or above ⌈Q/2⌉ are read as negative, word by
 * word against Q's words, each word scaled by 2^(64j)/scale and added in order.
 *
 * <p>Byte identity with SEAL depends on that order of additions and on C's rounding of each 64-bit
 * word to double ({@link #toDoubleUnsigned}), so the arithmetic here is exact integer work until the
 * last step. One, two and three primes (every parameter set Umbra ships) have unrolled loops with the
 * composed value in locals; more primes take the general multi-word loop.
 *
 * <p>Immutable (constants of one level, built once per level by {@link CkksEncoder}) and thread-safe;
 * the caller supplies the output and work arrays.
 */
final class CrtComposer {
    private static final double TWO_POW_64 = 0x1p64;

    private final int k;
    private final Modulus[] moduli;
    private final long[] q;               // Q, k words little-endian
    private final long[] threshold;       // ⌈Q/2⌉
    private final long[] punctured;       // (Q/q_j) as k words, row j
    private final long[] invPunctured;    // (Q/q_j)^{-1} mod q_j
    private final long[] invPuncturedShoup;
    private final double[] invPrimes;     // 1/q_j, to estimate ⌊X/Q⌋

    CrtComposer(ContextData level) {
        moduli = level.moduli();
        k = moduli.length;
        BigInteger big = BigInteger.ONE;
        for (Modulus m : moduli) {
            big = big.multiply(BigInteger.valueOf(m.value()));
        }
        q = words(big, k);
        threshold = words(big.add(BigInteger.ONE).shiftRight(1), k);
        punctured = new long[k * k];
        invPunctured = new long[k];
        invPuncturedShoup = new long[k];
        invPrimes = new double[k];
        for (int j = 0; j < k; j++) {
            BigInteger qj = BigInteger.valueOf(moduli[j].value());
            BigInteger p = big.divide(qj);
            System.arraycopy(words(p, k), 0, punctured, j * k, k);
            invPunctured[j] = p.mod(qj).modInverse(qj).longValue();
            invPuncturedShoup[j] = moduli[j].shoup(invPunctured[j]);
            invPrimes[j] = 1.0 / moduli[j].value();
        }
    }

    private static long[] words(BigInteger v, int k) {
        long[] w = new long[k];
        for (int i = 0; i < k; i++) {
            w[i] = v.shiftRight(64 * i).longValue();
        }
        return w;
    }

    /** How many primes the level has: the length {@link #toDoubles} needs of its two work arrays. */
    int primeCount() {
        return k;
    }

    /**
     * poly: k·n residues (coefficient form); writes each coefficient, composed and divided by the
     * scale, as a double into out[0..n). words and residues are work arrays of at least k longs
     * (used only when the level has more than three primes).
     */
    void toDoubles(long[] poly, int n, double invScale, double[] out, long[] words, long[] residues) {
        switch (k) {
            case 1 -> one(poly, n, invScale, out);
            case 2 -> two(poly, n, invScale, out);
            case 3 -> three(poly, n, invScale, out);
            default -> many(poly, n, invScale, out, words, residues);
        }
    }

    private void one(long[] poly, int n, double invScale, double[] out) {
        long q0 = q[0];
        long half = threshold[0];
        for (int i = 0; i < n; i++) {
            long x = poly[i];
            double r = 0.0;
            if (x >= half) {
                long diff = q0 - x;
                r -= diff != 0 ? (double) diff * invScale : 0.0;
            } else {
                r += x != 0 ? (double) x * invScale : 0.0;
            }
            out[i] = r;
        }
    }

    /** Two primes: the composed value fits 128 bits, held in two locals. */
    private void two(long[] poly, int n, double invScale, double[] out) {
        Modulus m0 = moduli[0];
        Modulus m1 = moduli[1];
        long p0 = punctured[0];          // Q/q_0 = q_1
        long p1 = punctured[2];          // Q/q_1 = q_0
        long i0 = invPunctured[0];
        long i0s = invPuncturedShoup[0];
        long i1 = invPunctured[1];
        long i1s = invPuncturedShoup[1];
        long qLo = q[0];
        long qHi = q[1];
        long tLo = threshold[0];
        long tHi = threshold[1];
        double s0 = invScale;
        double s1 = invScale * TWO_POW_64;
        for (int i = 0; i < n; i++) {
            long t0 = m0.mulShoup(poly[i], i0, i0s);
            long t1 = m1.mulShoup(poly[n + i], i1, i1s);
            long lo0 = t0 * p0;
            long lo1 = t1 * p1;
            long lo = lo0 + lo1;
            long hi = Math.unsignedMultiplyHigh(t0, p0) + Math.unsignedMultiplyHigh(t1, p1)
                    + (Long.compareUnsigned(lo, lo0) < 0 ? 1 : 0);
            // hi < 2^58 (Q below 2^122), so signed comparisons of high words are exact.
            if (hi > qHi || (hi == qHi && Long.compareUnsigned(lo, qLo) >= 0)) {
                hi = hi - qHi - (Long.compareUnsigned(lo, qLo) < 0 ? 1 : 0);
                lo -= qLo;
            }
            double r = 0.0;
            if (hi > tHi || (hi == tHi && Long.compareUnsigned(lo, tLo) >= 0)) {
                if (Long.compareUnsigned(lo, qLo) > 0) {
                    r += toDoubleUnsigned(lo - qLo) * s0;
                } else {
                    long diff = qLo - lo;
                    r -= diff != 0 ? toDoubleUnsigned(diff) * s0 : 0.0;
                }
                if (hi > qHi) {
                    r += (double) (hi - qHi) * s1;
                } else {
                    long diff = qHi - hi;
                    r -= diff != 0 ? (double) diff * s1 : 0.0;
                }
            } else {
                r += lo != 0 ? toDoubleUnsigned(lo) * s0 : 0.0;
                r += hi != 0 ? (double) hi * s1 : 0.0;
            }
            out[i] = r;
        }
    }

    /** Three primes (set a's first data level): the composed value in three locals. */
    private void three(long[] poly, int n, double invScale, double[] out) {
        Modulus m0 = moduli[0];
        Modulus m1 = moduli[1];
        Modulus m2 = moduli[2];
        long i0 = invPunctured[0];
        long i0s = invPuncturedShoup[0];
        long i1 = invPunctured[1];
        long i1s = invPuncturedShoup[1];
        long i2 = invPunctured[2];
        long i2s = invPuncturedShoup[2];
        double f0 = invPrimes[0];
        double f1 = invPrimes[1];
        double f2 = invPrimes[2];
        // Q/q_j fits two words (two primes of at most 61 bits).
        long p00 = punctured[0];
        long p01 = punctured[1];
        long p10 = punctured[3];
        long p11 = punctured[4];
        long p20 = punctured[6];
        long p21 = punctured[7];
        long q0 = q[0];
        long q1 = q[1];
        long q2 = q[2];
        long h0 = threshold[0];
        long h1 = threshold[1];
        long h2 = threshold[2];
        double s0 = invScale;
        double s1 = s0 * TWO_POW_64;
        double s2 = s1 * TWO_POW_64;
        for (int i = 0; i < n; i++) {
            long t0 = m0.mulShoup(poly[i], i0, i0s);
            long t1 = m1.mulShoup(poly[n + i], i1, i1s);
            long t2 = m2.mulShoup(poly[2 * n + i], i2, i2s);
            // X = t0·P0 + t1·P1 + t2·P2 < 3·Q < 2^185: column sums with explicit carries.
            long lo0 = t0 * p00;
            long lo1 = t1 * p10;
            long lo2 = t2 * p20;
            long x0 = lo0 + lo1;
            long c0 = Long.compareUnsigned(x0, lo0) < 0 ? 1 : 0;
            long y0 = x0 + lo2;
            c0 += Long.compareUnsigned(y0, x0) < 0 ? 1 : 0;
            long a = Math.unsignedMultiplyHigh(t0, p00);
            long b = Math.unsignedMultiplyHigh(t1, p10);
            long c = Math.unsignedMultiplyHigh(t2, p20);
            long d = t0 * p01;
            long e = t1 * p11;
            long f = t2 * p21;
            long x1 = a + b;
            long c1 = Long.compareUnsigned(x1, a) < 0 ? 1 : 0;
            long y1 = x1 + c;
            c1 += Long.compareUnsigned(y1, x1) < 0 ? 1 : 0;
            long z1 = y1 + d;
            c1 += Long.compareUnsigned(z1, y1) < 0 ? 1 : 0;
            long u1 = z1 + e;
            c1 += Long.compareUnsigned(u1, z1) < 0 ? 1 : 0;
            long v1 = u1 + f;
            c1 += Long.compareUnsigned(v1, u1) < 0 ? 1 : 0;
            long w1 = v1 + c0;
            c1 += Long.compareUnsigned(w1, v1) < 0 ? 1 : 0;
            long w2 = Math.unsignedMultiplyHigh(t0, p01) + Math.unsignedMultiplyHigh(t1, p11)
                    + Math.unsignedMultiplyHigh(t2, p21) + c1;
            long w0 = y0;
            // Subtract ⌊X/Q⌋·Q, estimated in double (off by one at most, corrected below).
            long v = (long) (t0 * f0 + t1 * f1 + t2 * f2);
            if (v != 0) {
                long m0lo = q0 * v;
                long m0hi = Math.unsignedMultiplyHigh(q0, v);
                long m1lo = q1 * v;
                long m1hi = Math.unsignedMultiplyHigh(q1, v);
                long m2lo = q2 * v;
                long k1 = m1lo + m0hi;
                long k2 = m2lo + m1hi + (Long.compareUnsigned(k1, m1lo) < 0 ? 1 : 0);
                long b0 = Long.compareUnsigned(w0, m0lo) < 0 ? 1 : 0;
                w0 -= m0lo;
                long d1 = w1 - k1;
                long b1 = Long.compareUnsigned(w1, k1) < 0 ? 1 : 0;
                long d1b = d1 - b0;
                b1 |= Long.compareUnsigned(d1, b0) < 0 ? 1 : 0;
                w1 = d1b;
                w2 = w2 - k2 - b1;
                if (w2 < 0) { // went below zero: the estimate was one too many
                    long n0 = w0 + q0;
                    long e0 = Long.compareUnsigned(n0, w0) < 0 ? 1 : 0;
                    long n1 = w1 + q1;
                    long e1 = Long.compareUnsigned(n1, w1) < 0 ? 1 : 0;
                    long n1c = n1 + e0;
                    e1 |= Long.compareUnsigned(n1c, n1) < 0 ? 1 : 0;
                    w0 = n0;
                    w1 = n1c;
                    w2 = w2 + q2 + e1;
                }
            }
            if (w2 > q2 || (w2 == q2 && (Long.compareUnsigned(w1, q1) > 0
                    || (w1 == q1 && Long.compareUnsigned(w0, q0) >= 0)))) {
                long b0 = Long.compareUnsigned(w0, q0) < 0 ? 1 : 0;
                w0 -= q0;
                long d1 = w1 - q1;
                long b1 = Long.compareUnsigned(w1, q1) < 0 ? 1 : 0;
                b1 |= Long.compareUnsigned(d1, b0) < 0 ? 1 : 0;
                w1 = d1 - b0;
                w2 = w2 - q2 - b1;
            }
            double r = 0.0;
            if (w2 > h2 || (w2 == h2 && (Long.compareUnsigned(w1, h1) > 0
                    || (w1 == h1 && Long.compareUnsigned(w0, h0) >= 0)))) {
                r = subtractWord(r, w0, q0, s0);
                r = subtractWord(r, w1, q1, s1);
                r = subtractWord(r, w2, q2, s2);
            } else {
                r += w0 != 0 ? toDoubleUnsigned(w0) * s0 : 0.0;
                r += w1 != 0 ? toDoubleUnsigned(w1) * s1 : 0.0;
                r += w2 != 0 ? (double) w2 * s2 : 0.0;
            }
            out[i] = r;
        }
    }

    /** One word of SEAL's negative branch: r ± |w − q_word|·scaled, the sign by which is larger. */
    private static double subtractWord(double r, long w, long qWord, double scaled) {
        if (Long.compareUnsigned(w, qWord) > 0) {
            return r + toDoubleUnsigned(w - qWord) * scaled;
        }
        long diff = qWord - w;
        return r - (diff != 0 ? toDoubleUnsigned(diff) * scaled : 0.0);
    }

    private void many(long[] poly, int n, double invScale, double[] out, long[] acc, long[] t) {
        for (int i = 0; i < n; i++) {
            double quotient = 0;
            for (int j = 0; j < k; j++) {
                t[j] = moduli[j].mulShoup(poly[j * n + i], invPunctured[j], invPuncturedShoup[j]);
                quotient += t[j] * invPrimes[j];
            }
            // X = Σ t_j·(Q/q_j) word by word: each column sums k products into a 192-bit
            // accumulator whose upper two words carry into the next column. X < k·Q fits k words.
            long carryLo = 0;
            long carryHi = 0;
            for (int w = 0; w < k - 1; w++) {
                long lo = carryLo;
                long hi = carryHi;
                long top = 0;
                for (int j = 0, at = w; j < k; j++, at += k) {
                    long p = punctured[at];
                    long pl = p * t[j];
                    long ph = Math.unsignedMultiplyHigh(p, t[j]);
                    lo += pl;
                    ph += Long.compareUnsigned(lo, pl) < 0 ? 1 : 0; // cannot overflow: ph <= 2^64 - 2
                    long h = hi + ph;
                    top += Long.compareUnsigned(h, hi) < 0 ? 1 : 0;
                    hi = h;
                }
                acc[w] = lo;
                carryLo = hi;
                carryHi = top;
            }
            acc[k - 1] = carryLo;
            // X mod Q = X − ⌊X/Q⌋·Q with ⌊X/Q⌋ = ⌊Σ t_j/q_j⌋, estimated in double: off by one
            // only when the sum sits within rounding of an integer, then one correction fixes it.
            long v = (long) quotient;
            if (v > 0 && subtractMultiple(acc, q, v, k)) {
                add(acc, q, k);
            }
            while (compare(acc, 0, q, k) >= 0) {
                subtract(acc, q, k);
            }
            double r = 0.0;
            double scaled = invScale;
            if (compare(acc, 0, threshold, k) >= 0) {
                for (int j = 0; j < k; j++, scaled *= TWO_POW_64) {
                    long w = acc[j];
                    if (Long.compareUnsigned(w, q[j]) > 0) {
                        r += toDoubleUnsigned(w - q[j]) * scaled;
                    } else {
                        long diff = q[j] - w;
                        r -= diff != 0 ? toDoubleUnsigned(diff) * scaled : 0.0;
                    }
                }
            } else {
                for (int j = 0; j < k; j++, scaled *= TWO_POW_64) {
                    long w = acc[j];
                    r += w != 0 ? toDoubleUnsigned(w) * scaled : 0.0;
                }
            }
            out[i] = r;
        }
    }

    /** a −= v·b over k words; true when that went below zero (a then holds the value plus 2^(64k)). */
    private static boolean subtractMultiple(long[] a, long[] b, long v, int k) {
        long carry = 0;
        long borrow = 0;
        for (int i = 0; i < k; i++) {
            long pl = b[i] * v;
            long ph = Math.unsignedMultiplyHigh(b[i], v);
            pl += carry;
            ph += Long.compareUnsigned(pl, carry) < 0 ? 1 : 0;
            carry = ph;
            long ai = a[i];
            long d = ai - pl;
            long b1 = Long.compareUnsigned(ai, pl) < 0 ? 1 : 0;
            long d2 = d - borrow;
            long b2 = Long.compareUnsigned(d, borrow) < 0 ? 1 : 0;
            a[i] = d2;
            borrow = b1 | b2;
        }
        return borrow != 0 || carry != 0;
    }

    private static void add(long[] a, long[] b, int k) {
        long carry = 0;
        for (int i = 0; i < k; i++) {
            long s = a[i] + b[i];
            long c1 = Long.compareUnsigned(s, a[i]) < 0 ? 1 : 0;
            long s2 = s + carry;
            long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
            a[i] = s2;
            carry = c1 | c2;
        }
    }

    private static int compare(long[] a, int off, long[] b, int k) {
        for (int i = k - 1; i >= 0; i--) {
            int c = Long.compareUnsigned(a[off + i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static void subtract(long[] a, long[] b, int k) {
        long borrow = 0;
        for (int i = 0; i < k; i++) {
            long ai = a[i];
            long d = ai - b[i] - borrow;
            borrow = (Long.compareUnsigned(ai, b[i]) < 0 || (borrow != 0 && ai == b[i])) ? 1 : 0;
            a[i] = d;
        }
    }

    /** An unsigned 64-bit word to the nearest double, as C's conversion of uint64_t does. */
    static double toDoubleUnsigned(long x) {
        if (x >= 0) {
            return (double) x;
        }
        // Halve keeping the sticky bit so the single rounding happens in the conversion.
        return (double) ((x >>> 1) | (x & 1)) * 2.0;
    }
}
