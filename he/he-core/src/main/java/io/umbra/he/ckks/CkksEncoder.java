package io.umbra.he.ckks;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.NttTables;

import java.util.Arrays;

/**
 * SEAL's CKKSEncoder: N/2 real slots to a plaintext polynomial (NTT form, one block of N words per
 * prime) and back, word for word what SEAL 4.1 and node-seal produce for the same values and scale.
 *
 * <p>Byte identity needs every floating-point step in SEAL's order: the complex 2N-th roots of unity
 * built from one eighth of the circle by symmetry, the slot map by powers of 3 mod 2N, SEAL's inverse
 * FFT with 1/N and the scale folded into its last pass, rounding half away from zero, the exact
 * integer of each rounded coefficient reduced modulo each prime, then the NTT. Decoding follows
 * SEAL's CRT composition and its word-by-word conversion to double, then the forward FFT.
 *
 * <p>Immutable after construction and thread-safe: per-call scratch lives in a {@link ThreadLocal}.
 */
public final class CkksEncoder {
    private static final double TWO_POW_64 = 0x1p64;

    private final CkksContext context;
    private final int n;
    private final int logN;
    private final int slots;
    /** Slot i goes to FFT position indexMap[i], its conjugate to indexMap[slots + i]. */
    private final int[] indexMap;
    /** Powers 1..n-1 of the primitive 2n-th root in bit-reversed order (decode). */
    private final double[] rootRe;
    private final double[] rootIm;
    /** Powers of its inverse in SEAL's scrambled order (encode). */
    private final double[] invRootRe;
    private final double[] invRootIm;
    /** CRT constants per level, indexed by chain index. */
    private final Composer[] composers;
    private final ThreadLocal<Scratch> scratch;

    public CkksEncoder(CkksContext context) {
        this.context = context;
        this.n = context.n();
        this.logN = context.logN();
        this.slots = n / 2;
        if (n < 4) {
            throw new IllegalArgumentException("CKKS encoding needs N >= 4, got " + n);
        }
        int m = 2 * n;
        indexMap = new int[n];
        long pos = 1;
        for (int i = 0; i < slots; i++) {
            indexMap[i] = NttTables.reverseBits((int) ((pos - 1) >>> 1), logN);
            indexMap[slots + i] = NttTables.reverseBits((int) ((m - pos - 1) >>> 1), logN);
            pos = (pos * 3) & (m - 1);
        }
        double[][] eighth = eighthOfCircle(m);
        rootRe = new double[n];
        rootIm = new double[n];
        invRootRe = new double[n];
        invRootIm = new double[n];
        double[] z = new double[2];
        for (int i = 1; i < n; i++) {
            root(eighth, m, NttTables.reverseBits(i, logN), z);
            rootRe[i] = z[0];
            rootIm[i] = z[1];
            root(eighth, m, NttTables.reverseBits(i - 1, logN) + 1, z);
            invRootRe[i] = z[0];
            invRootIm[i] = -z[1];
        }
        composers = new Composer[context.levels().size()];
        for (ContextData level : context.levels()) {
            composers[level.chainIndex()] = new Composer(level);
        }
        scratch = ThreadLocal.withInitial(() -> new Scratch(n));
    }

    /** N/2: how many values one plaintext holds. */
    public int slotCount() {
        return slots;
    }

    public CkksContext context() {
        return context;
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes up to N/2 values (zero-padded) at the first data level. */
    public Plaintext encode(double[] values, double scale) {
        return encode(values, context.firstData().parmsId(), scale);
    }

    /** Encodes up to N/2 values (zero-padded) at the level with this parms_id. */
    public Plaintext encode(double[] values, ParmsId parmsId, double scale) {
        ContextData level = context.require(parmsId);
        if (values.length > slots) {
            throw new IllegalArgumentException("too many values: " + values.length + " given, a plaintext holds N/2 = " + slots);
        }
        checkFinite(values);
        int totalBits = level.totalBitCount();
        if (!(scale > 0) || Double.isInfinite(scale) || (int) log2(scale) + 1 >= totalBits) {
            throw new IllegalArgumentException("scale " + scale + " out of bounds: it must be positive and below 2^"
                    + (totalBits - 1) + " at this level (" + totalBits + " bits of coefficient modulus)");
        }
        Scratch s = scratch.get();
        double[] re = s.re;
        double[] im = s.im;
        Arrays.fill(re, 0.0);
        Arrays.fill(im, 0.0);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            re[indexMap[i]] = v;
            re[indexMap[slots + i]] = v;
            im[indexMap[slots + i]] = -0.0; // the conjugate of (v, 0)
        }
        inverseFft(re, im, scale / n);

        Modulus[] moduli = level.moduli();
        int k = moduli.length;
        long[] q = level.primes();
        long minQ = Long.MAX_VALUE;
        for (long p : q) {
            minQ = Math.min(minQ, p);
        }
        long[] data = new long[k * n];
        double maxCoeff = 0;
        for (int i = 0; i < n; i++) {
            double x = re[i];
            double a = Math.abs(x);
            maxCoeff = Math.max(maxCoeff, a);
            if (a < 0x1p52) {
                // std::round: truncate, then step away from zero on a fraction of one half or more.
                // f is exact and |f| < 1, so (long) (f + f) is that step (-1, 0 or 1) without a branch.
                long c = (long) x;
                double f = x - c;
                c += (long) (f + f);
                if (Math.abs(c) < minQ) {
                    for (int j = 0, at = i; j < k; j++, at += n) {
                        data[at] = c + ((c >> 63) & q[j]);
                    }
                } else {
                    for (int j = 0, at = i; j < k; j++, at += n) {
                        data[at] = Scalars.residueOfSigned(c, moduli[j]);
                    }
                }
            } else if (a < 0x1p63) {
                for (int j = 0, at = i; j < k; j++, at += n) {
                    data[at] = Scalars.residueOfSigned((long) x, moduli[j]);
                }
            } else {
                for (int j = 0, at = i; j < k; j++, at += n) {
                    data[at] = Scalars.residueOfLarge(x, moduli[j]);
                }
            }
        }
        // One extra bit for the sign, as SEAL counts it.
        int maxBits = (int) Math.ceil(log2(Math.max(maxCoeff, 1.0))) + 1;
        if (maxBits >= totalBits) {
            throw new IllegalArgumentException("encoded values are too large: coefficients need " + maxBits
                    + " bits, the level has " + totalBits + "; use a smaller scale or smaller values");
        }
        context.backend().forwardNtt(data, 0, 1, level.ntt());
        return new Plaintext(parmsId, scale, data);
    }

    /**
     * Encodes one value into every slot without a transform, as SEAL's {@code encode(double)} does:
     * the constant polynomial round(value·scale), which in NTT form is that constant everywhere.
     */
    public Plaintext encode(double value, ParmsId parmsId, double scale) {
        ContextData level = context.require(parmsId);
        long[] residues = scalarResidues(value, scale, level);
        long[] data = new long[residues.length * n];
        for (int j = 0; j < residues.length; j++) {
            Arrays.fill(data, j * n, (j + 1) * n, residues[j]);
        }
        return new Plaintext(parmsId, scale, data);
    }

    /**
     * round(value·scale) modulo each prime of the level (rounding half away from zero): the integer
     * SEAL's scalar encode puts in every coefficient, for multiplying by a constant without a plaintext.
     */
    public long[] scalarResidues(double value, double scale, ContextData level) {
        return Scalars.residues(value, scale, level);
    }

    private static void checkFinite(double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("cannot encode values[" + i + "] = " + values[i] + ": values must be finite");
            }
        }
    }

    // ---------------------------------------------------------------- decoding

    /** The N/2 real parts of the slots. */
    public double[] decode(Plaintext plain) {
        double[] out = new double[slots];
        decodeInto(plain, out, null);
        return out;
    }

    /** Real and imaginary parts of the N/2 slots into re and im (each at least N/2 long). */
    public void decodeComplex(Plaintext plain, double[] re, double[] im) {
        if (re.length < slots || im.length < slots) {
            throw new IllegalArgumentException("output arrays must hold N/2 = " + slots + " values");
        }
        decodeInto(plain, re, im);
    }

    private void decodeInto(Plaintext plain, double[] outRe, double[] outIm) {
        ContextData level = context.require(plain.parmsId());
        Modulus[] moduli = level.moduli();
        int k = moduli.length;
        long[] src = plain.data();
        if (src.length != k * n) {
            throw new IllegalArgumentException("plaintext has " + src.length + " coefficients, its level needs k·N = " + (k * n));
        }
        double scale = plain.scale();
        if (!(scale > 0) || Double.isInfinite(scale) || (int) log2(scale) >= level.totalBitCount()) {
            throw new IllegalArgumentException("plaintext scale " + scale + " out of bounds for its level");
        }
        Scratch s = scratch.get();
        long[] poly = s.poly(k * n);
        for (int j = 0; j < k; j++) {
            long q = moduli[j].value();
            for (int i = j * n, end = i + n; i < end; i++) {
                long x = src[i];
                if (Long.compareUnsigned(x, q) >= 0) {
                    throw new IllegalArgumentException("plaintext coefficient " + i + " is not reduced modulo " + q);
                }
                poly[i] = x;
            }
        }
        context.backend().inverseNtt(poly, 0, 1, level.ntt());
        composers[level.chainIndex()].toDoubles(poly, n, 1.0 / scale, s);

        double[] re = s.re;
        double[] im = s.im;
        Arrays.fill(im, 0.0);
        forwardFft(re, im);
        for (int i = 0; i < slots; i++) {
            outRe[i] = re[indexMap[i]];
        }
        if (outIm != null) {
            for (int i = 0; i < slots; i++) {
                outIm[i] = im[indexMap[i]];
            }
        }
    }

    /**
     * SEAL's step from coefficient-form residues (k·N words) to one double per coefficient, divided
     * by the scale; the package's tests check it against a BigInteger reference.
     */
    double[] coefficientsAsDoubles(ContextData level, long[] coefficientForm, double invScale) {
        Scratch s = new Scratch(n);
        composers[level.chainIndex()].toDoubles(coefficientForm, n, invScale, s);
        return s.re;
    }

    /**
     * CRT composition of one level and SEAL's conversion of the composed words to double: coefficients
     * at or above ⌈Q/2⌉ are read as negative, word by word against Q's words, each word scaled by
     * 2^(64j)/scale and added in order.
     */
    private static final class Composer {
        private final int k;
        private final Modulus[] moduli;
        private final long[] q;               // Q, k words little-endian
        private final long[] threshold;       // ⌈Q/2⌉
        private final long[] punctured;       // (Q/q_j) as k words, row j
        private final long[] invPunctured;    // (Q/q_j)^{-1} mod q_j
        private final long[] invPuncturedShoup;
        private final double[] invPrimes;     // 1/q_j, to estimate ⌊X/Q⌋

        Composer(ContextData level) {
            moduli = level.moduli();
            k = moduli.length;
            java.math.BigInteger big = java.math.BigInteger.ONE;
            for (Modulus m : moduli) {
                big = big.multiply(java.math.BigInteger.valueOf(m.value()));
            }
            q = words(big, k);
            threshold = words(big.add(java.math.BigInteger.ONE).shiftRight(1), k);
            punctured = new long[k * k];
            invPunctured = new long[k];
            invPuncturedShoup = new long[k];
            invPrimes = new double[k];
            for (int j = 0; j < k; j++) {
                java.math.BigInteger qj = java.math.BigInteger.valueOf(moduli[j].value());
                java.math.BigInteger p = big.divide(qj);
                System.arraycopy(words(p, k), 0, punctured, j * k, k);
                invPunctured[j] = p.mod(qj).modInverse(qj).longValue();
                invPuncturedShoup[j] = moduli[j].shoup(invPunctured[j]);
                invPrimes[j] = 1.0 / moduli[j].value();
            }
        }

        private static long[] words(java.math.BigInteger v, int k) {
            long[] w = new long[k];
            for (int i = 0; i < k; i++) {
                w[i] = v.shiftRight(64 * i).longValue();
            }
            return w;
        }

        /** poly: k·n residues (coefficient form); writes each coefficient as a double into s.re. */
        void toDoubles(long[] poly, int n, double invScale, Scratch s) {
            switch (k) {
                case 1 -> one(poly, n, invScale, s.re);
                case 2 -> two(poly, n, invScale, s.re);
                case 3 -> three(poly, n, invScale, s.re);
                default -> many(poly, n, invScale, s.re, s.words(k), s.residues(k));
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
    }

    /** An unsigned 64-bit word to the nearest double, as C's conversion of uint64_t does. */
    static double toDoubleUnsigned(long x) {
        if (x >= 0) {
            return (double) x;
        }
        // Halve keeping the sticky bit so the single rounding happens in the conversion.
        return (double) ((x >>> 1) | (x & 1)) * 2.0;
    }

    // ---------------------------------------------------------------- transforms

    /**
     * SEAL's transform_from_rev over the complex numbers: Gentleman–Sande passes with the inverse roots
     * in scrambled order; the last pass multiplies by {@code fix} (scale/N) on both butterfly outputs.
     * The passes with gaps 1 and 2 are unrolled; the arithmetic is the same in every pass.
     */
    private void inverseFft(double[] re, double[] im, double fix) {
        final double[] wr = invRootRe;
        final double[] wi = invRootIm;
        int rootIndex = 1;
        for (int logM = logN - 1; logM > 0; logM--) {
            int m = 1 << logM;
            int gap = 1 << (logN - logM - 1);
            if (gap == 1) {
                for (int i = 0, j = 0; i < m; i++, j += 2) {
                    gsButterfly(re, im, j, j + 1, wr[rootIndex + i], wi[rootIndex + i]);
                }
            } else if (gap == 2) {
                for (int i = 0, j = 0; i < m; i++, j += 4) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    gsButterfly(re, im, j, j + 2, rr, ri);
                    gsButterfly(re, im, j + 1, j + 3, rr, ri);
                }
            } else {
                for (int i = 0; i < m; i++) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    int offset = i << (logN - logM);
                    for (int j = offset, end = offset + gap; j < end; j++) {
                        double ur = re[j];
                        double ui = im[j];
                        double vr = re[j + gap];
                        double vi = im[j + gap];
                        re[j] = ur + vr;
                        im[j] = ui + vi;
                        double dr = ur - vr;
                        double di = ui - vi;
                        re[j + gap] = dr * rr - di * ri;
                        im[j + gap] = dr * ri + di * rr;
                    }
                }
            }
            rootIndex += m;
        }
        double sr = wr[rootIndex] * fix;
        double si = wi[rootIndex] * fix;
        int gap = n >>> 1;
        for (int j = 0; j < gap; j++) {
            double ur = re[j];
            double ui = im[j];
            double vr = re[j + gap];
            double vi = im[j + gap];
            re[j] = (ur + vr) * fix;
            im[j] = (ui + vi) * fix;
            double dr = ur - vr;
            double di = ui - vi;
            re[j + gap] = dr * sr - di * si;
            im[j + gap] = dr * si + di * sr;
        }
    }

    /** (u, v) to (u + v, (u − v)·r) in complex arithmetic, as C++'s std::complex computes it. */
    private static void gsButterfly(double[] re, double[] im, int x, int y, double rr, double ri) {
        double ur = re[x];
        double ui = im[x];
        double vr = re[y];
        double vi = im[y];
        re[x] = ur + vr;
        im[x] = ui + vi;
        double dr = ur - vr;
        double di = ui - vi;
        re[y] = dr * rr - di * ri;
        im[y] = dr * ri + di * rr;
    }

    /** SEAL's transform_to_rev: Cooley–Tukey passes with the roots in bit-reversed order, no scaling. */
    private void forwardFft(double[] re, double[] im) {
        final double[] wr = rootRe;
        final double[] wi = rootIm;
        int rootIndex = 1;
        for (int logM = 0; logM < logN; logM++) {
            int m = 1 << logM;
            int gap = 1 << (logN - logM - 1);
            if (gap == 1) {
                for (int i = 0, j = 0; i < m; i++, j += 2) {
                    ctButterfly(re, im, j, j + 1, wr[rootIndex + i], wi[rootIndex + i]);
                }
            } else if (gap == 2) {
                for (int i = 0, j = 0; i < m; i++, j += 4) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    ctButterfly(re, im, j, j + 2, rr, ri);
                    ctButterfly(re, im, j + 1, j + 3, rr, ri);
                }
            } else {
                for (int i = 0; i < m; i++) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    int offset = i << (logN - logM);
                    for (int j = offset, end = offset + gap; j < end; j++) {
                        double ur = re[j];
                        double ui = im[j];
                        double xr = re[j + gap];
                        double xi = im[j + gap];
                        double vr = xr * rr - xi * ri;
                        double vi = xr * ri + xi * rr;
                        re[j] = ur + vr;
                        im[j] = ui + vi;
                        re[j + gap] = ur - vr;
                        im[j + gap] = ui - vi;
                    }
                }
            }
            rootIndex += m;
        }
    }

    /** (u, v) to (u + v·r, u − v·r). */
    private static void ctButterfly(double[] re, double[] im, int x, int y, double rr, double ri) {
        double ur = re[x];
        double ui = im[x];
        double xr = re[y];
        double xi = im[y];
        double vr = xr * rr - xi * ri;
        double vi = xr * ri + xi * rr;
        re[x] = ur + vr;
        im[x] = ui + vi;
        re[y] = ur - vr;
        im[y] = ui - vi;
    }

    // ---------------------------------------------------------------- roots of unity

    /**
     * cos and sin of 2πi/m for i = 0..m/8, computed like SEAL's ComplexRoots (std::polar on the angle
     * 2·π·i/m evaluated left to right in double).
     */
    static double[][] eighthOfCircle(int m) {
        double[] c = new double[m / 8 + 1];
        double[] s = new double[m / 8 + 1];
        for (int i = 0; i <= m / 8; i++) {
            double theta = 2 * Math.PI * (double) i / (double) m;
            c[i] = cosKernel(theta);
            s[i] = sinKernel(theta);
        }
        return new double[][]{c, s};
    }

    /** e^(2πi·index/m) from the first eighth of the circle by SEAL's 8-fold symmetry. */
    private static void root(double[][] eighth, int m, int index, double[] out) {
        index &= m - 1;
        if (index <= m / 8) {
            out[0] = eighth[0][index];
            out[1] = eighth[1][index];
        } else if (index <= m / 4) {
            out[0] = eighth[1][m / 4 - index]; // mirror: swap real and imaginary parts
            out[1] = eighth[0][m / 4 - index];
        } else if (index <= m / 2) {
            root(eighth, m, m / 2 - index, out);
            out[0] = -out[0];
        } else if (index <= 3 * m / 4) {
            root(eighth, m, index - m / 2, out);
            out[0] = -out[0];
            out[1] = -out[1];
        } else {
            root(eighth, m, m - index, out);
            out[1] = -out[1];
        }
    }

    /*
     * sin and cos on [0, π/4], where every angle above lies, evaluated as musl's kernels evaluate them
     * (node-seal is SEAL compiled by Emscripten against musl): same minimax coefficients (fdlibm's),
     * same order of operations, so the same doubles. Java's Math/StrictMath differ in a few ulps.
     */
    private static final double S1 = -1.66666666666666324348e-01;
    private static final double S2 = 8.33333333332248946124e-03;
    private static final double S3 = -1.98412698298579493134e-04;
    private static final double S4 = 2.75573137070700676789e-06;
    private static final double S5 = -2.50507602534068634195e-08;
    private static final double S6 = 1.58969099521155010221e-10;
    private static final double C1 = 4.16666666666666019037e-02;
    private static final double C2 = -1.38888888888741095749e-03;
    private static final double C3 = 2.48015872894767294178e-05;
    private static final double C4 = -2.75573143513906633035e-07;
    private static final double C5 = 2.08757232129817482790e-09;
    private static final double C6 = -1.13596475577881948265e-11;

    static double sinKernel(double x) {
        if (Math.abs(x) < 0x1p-26) {
            return x;
        }
        double z = x * x;
        double w = z * z;
        double r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
        double v = z * x;
        return x + v * (S1 + z * r);
    }

    static double cosKernel(double x) {
        if (Math.abs(x) < 0x1.6a09ep-27) {
            return 1.0;
        }
        double z = x * x;
        double w = z * z;
        double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
        double hz = 0.5 * z;
        w = 1.0 - hz;
        return w + (((1.0 - w) - hz) + z * r);
    }

    /**
     * log2 for the bound checks: exact at powers of two, within an ulp elsewhere (C's log2 rounds the
     * same way except in ties too close to matter for a bit count).
     */
    static double log2(double x) {
        if (!(x > 0) || x < Double.MIN_NORMAL || Double.isInfinite(x)) {
            return x == 0 ? Double.NEGATIVE_INFINITY : Math.log(x) / LN2;
        }
        int e = Math.getExponent(x);
        double mantissa = Math.scalb(x, -e);
        return e + Math.log(mantissa) / LN2;
    }

    private static final double LN2 = Math.log(2.0);

    /** Per-thread work arrays: n complex values, and room for a polynomial and CRT words. */
    private static final class Scratch {
        final double[] re;
        final double[] im;
        private long[] poly = new long[0];
        private long[] words = new long[0];
        private long[] residues = new long[0];

        Scratch(int n) {
            re = new double[n];
            im = new double[n];
        }

        long[] poly(int size) {
            if (poly.length < size) {
                poly = new long[size];
            }
            return poly;
        }

        long[] words(int k) {
            if (words.length < k) {
                words = new long[k];
            }
            return words;
        }

        long[] residues(int k) {
            if (residues.length < k) {
                residues = new long[k];
            }
            return residues;
        }
    }
}
