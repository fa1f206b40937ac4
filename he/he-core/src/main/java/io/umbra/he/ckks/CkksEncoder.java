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
 * <p>This class is the API and the slot map; the parts each follow one file of SEAL's
 * {@code native/src/seal/util}: {@link ComplexRoots} (croots: the roots and musl's sin/cos),
 * {@link SlotFft} (dwthandler: the complex FFT) and {@link CrtComposer} (rns: CRT composition and the
 * conversion to double).
 *
 * <p>Immutable after construction and thread-safe: per-call scratch lives in a {@link ThreadLocal}.
 */
public final class CkksEncoder {
    private final CkksContext context;
    private final int n;
    private final int slots;
    /** Slot i goes to FFT position indexMap[i], its conjugate to indexMap[slots + i]. */
    private final int[] indexMap;
    /** The complex transform between coefficients and slots. */
    private final SlotFft fft;
    /** CRT constants per level, indexed by chain index. */
    private final CrtComposer[] composers;
    private final ThreadLocal<Scratch> scratch;

    public CkksEncoder(CkksContext context) {
        this.context = context;
        this.n = context.n();
        int logN = context.logN();
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
        fft = new SlotFft(logN);
        composers = new CrtComposer[context.levels().size()];
        for (ContextData level : context.levels()) {
            composers[level.chainIndex()] = new CrtComposer(level);
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
        fft.inverse(re, im, scale / n);

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
        toDoubles(composers[level.chainIndex()], poly, 1.0 / scale, s);

        double[] re = s.re;
        double[] im = s.im;
        Arrays.fill(im, 0.0);
        fft.forward(re, im);
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
        toDoubles(composers[level.chainIndex()], coefficientForm, invScale, s);
        return s.re;
    }

    private void toDoubles(CrtComposer composer, long[] poly, double invScale, Scratch s) {
        int k = composer.primeCount();
        composer.toDoubles(poly, n, invScale, s.re, s.words(k), s.residues(k));
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
