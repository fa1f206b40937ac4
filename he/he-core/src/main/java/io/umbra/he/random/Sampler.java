package io.umbra.he.random;

import java.util.Objects;

/**
 * Samplers for RNS polynomials in SEAL's layout: one flat {@code long[]} where prime j's N
 * coefficients sit at {@code off + j*N}, every value in [0, q_j), negative values written as q_j − |v|.
 *
 * <ul>
 *   <li>{@link #uniform} is SEAL 4.1's {@code sample_poly_uniform} bit for bit, because SEAL
 *       regenerates a seeded ciphertext's c1 with it: both sides must draw the same words.</li>
 *   <li>{@link #ternary} is uniform over {−1, 0, 1} (secret keys, encryption's u) with exact
 *       probabilities; it need not consume the stream as SEAL does, since its output never
 *       crosses the wire.</li>
 *   <li>Both noise samplers also come in a signed form (one value per coefficient) and
 *       {@link #toRns} writes such values under every prime: that is how {@link NoiseSource}s are
 *       used. The engine's default noise does not come from here but from {@link KeystreamNoise}.</li>
 *   <li>{@link #centeredBinomial} is SEAL 4.1's default noise {@code sample_poly_cbd} (σ ≈ 3.2),
 *       consuming 6 bytes per coefficient exactly as SEAL does.</li>
 * </ul>
 *
 * <p>Hot path: static methods on {@code long[]}, no allocation, no boxing. Moduli must lie in
 * [2, 2^63); callers pass the primes of the level they sample at.
 */
public final class Sampler {
    /** CBD mask of the first three bytes, the third cut to 5 bits: 21 coin flips. */
    private static final long CBD_PLUS = 0x1FFFFFL;
    /** The same for bytes 3..5. */
    private static final long CBD_MINUS = 0x1FFFFFL << 24;

    private Sampler() {
    }

    /**
     * Uniform polynomial mod each prime, as SEAL's {@code sample_poly_uniform}: first the whole
     * k·N-word array is filled from the stream, then prime by prime, coefficient by coefficient,
     * each word at or above {@code 2^64 − 1 − ((2^64 − 1) mod q) − 1} is replaced by fresh words
     * drawn on the spot until one is below, and the word is reduced mod q.
     */
    public static void uniform(Blake2xbPrng prng, long[] moduli, int n, long[] dst, int off) {
        int k = moduli.length;
        checkLayout(moduli, n, dst, off);
        prng.generate(dst, off, k * n);
        for (int j = 0; j < k; j++) {
            long q = moduli[j];
            long bound = -1L - Long.remainderUnsigned(-1L, q) - 1;
            long ratio = Long.divideUnsigned(-1L, q);
            int base = off + j * n;
            for (int i = 0; i < n; i++) {
                long r = dst[base + i];
                while (Long.compareUnsigned(r, bound) >= 0) {
                    r = prng.nextLong();
                }
                dst[base + i] = reduce(r, q, ratio);
            }
        }
    }

    /**
     * Ternary polynomial: each coefficient −1, 0 or 1 with probability exactly 1/3, the same value
     * under every prime. Draws 2-bit chunks and rejects the value 3.
     */
    public static void ternary(Blake2xbPrng prng, long[] moduli, int n, long[] dst, int off) {
        checkLayout(moduli, n, dst, off);
        ternary(prng, dst, off, n);
        spread(dst, off, n, moduli);
    }

    /** The same values as signed integers, n of them at dst[off ..), consuming the stream identically. */
    public static void ternary(Blake2xbPrng prng, long[] dst, int off, int n) {
        Objects.checkFromIndexSize(off, n, dst.length);
        long bits = 0;
        int chunks = 0;
        for (int i = 0; i < n; i++) {
            long t;
            do {
                if (chunks == 0) {
                    bits = prng.nextLong();
                    chunks = 32;
                }
                t = bits & 3;
                bits >>>= 2;
                chunks--;
            } while (t == 3);
            dst[off + i] = t - 1;
        }
    }

    /**
     * Centered binomial noise, as SEAL 4.1's {@code sample_poly_cbd}: per coefficient 6 bytes
     * x0..x5, x2 and x5 cut to their low 5 bits, value popcount(x0 x1 x2) − popcount(x3 x4 x5),
     * so a sum of 21 − 21 fair coins: mean 0, variance 10.5, range [−21, 21].
     */
    public static void centeredBinomial(Blake2xbPrng prng, long[] moduli, int n, long[] dst, int off) {
        checkLayout(moduli, n, dst, off);
        centeredBinomial(prng, dst, off, n);
        spread(dst, off, n, moduli);
    }

    /** The same values as signed integers, n of them at dst[off ..), consuming the stream identically. */
    public static void centeredBinomial(Blake2xbPrng prng, long[] dst, int off, int n) {
        Objects.checkFromIndexSize(off, n, dst.length);
        for (int i = 0; i < n; i++) {
            long w = prng.nextUnsigned(6);
            dst[off + i] = Long.bitCount(w & CBD_PLUS) - Long.bitCount(w & CBD_MINUS);
        }
    }

    /**
     * Writes n small signed values (|v| &lt; every prime) into RNS form: prime j's residues at
     * dst[dstOff + j·n ..), v or q_j − |v|. src and dst may be the same array with srcOff == dstOff.
     */
    public static void toRns(long[] src, int srcOff, int n, long[] moduli, long[] dst, int dstOff) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        Objects.checkFromIndexSize(dstOff, Math.multiplyExact(moduli.length, n), dst.length);
        // Highest prime first, so an in-place call overwrites the source block last.
        for (int j = moduli.length - 1; j >= 0; j--) {
            long q = moduli[j];
            int base = dstOff + j * n;
            for (int i = 0; i < n; i++) {
                long v = src[srcOff + i];
                dst[base + i] = v + ((v >> 63) & q); // branch-free in the secret value
            }
        }
    }

    private static void spread(long[] dst, int off, int n, long[] moduli) {
        toRns(dst, off, n, moduli, dst, off);
    }

    /**
     * x mod q for unsigned x, with ratio = floor((2^64 − 1) / q): the quotient estimate
     * floor(x·ratio / 2^64) is at most one short, so one conditional subtraction finishes.
     */
    private static long reduce(long x, long q, long ratio) {
        long r = x - Math.unsignedMultiplyHigh(x, ratio) * q;
        return Long.compareUnsigned(r, q) >= 0 ? r - q : r;
    }

    private static void checkLayout(long[] moduli, int n, long[] dst, int off) {
        if (n <= 0) {
            throw new IllegalArgumentException("degree must be positive, got " + n);
        }
        for (long q : moduli) {
            if (q < 2) {
                throw new IllegalArgumentException("moduli must lie in [2, 2^63), got " + Long.toUnsignedString(q));
            }
        }
        Objects.checkFromIndexSize(off, Math.multiplyExact(moduli.length, n), dst.length);
    }
}
