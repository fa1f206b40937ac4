package io.umbra.he.random;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    /** CoeffModulus.Create(4096, {36, 36, 37}). */
    private static final long[] PRIMES = {68719230977L, 68719403009L, 137438822401L};
    private static final int N = 4096;
    private static final long[] SEED = {42, 43, 44, 45, 46, 47, 48, 49};
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private static BigInteger unsigned(long w) {
        return new BigInteger(Long.toUnsignedString(w));
    }

    /**
     * SEAL's sample_poly_uniform spelled out with BigInteger: all k·N words first, then replacements
     * drawn from the stream in coefficient order, reduction by plain division.
     */
    private static long[] referenceUniform(long[] seed, long[] moduli, int n) {
        Blake2xbPrng stream = Blake2xbPrng.ofSeed(seed);
        long[] words = new long[moduli.length * n];
        for (int i = 0; i < words.length; i++) {
            words[i] = stream.nextLong();
        }
        BigInteger maxRandom = TWO_64.subtract(BigInteger.ONE);
        for (int j = 0; j < moduli.length; j++) {
            BigInteger q = unsigned(moduli[j]);
            BigInteger maxMultiple = maxRandom.subtract(maxRandom.mod(q)).subtract(BigInteger.ONE);
            for (int i = 0; i < n; i++) {
                BigInteger r = unsigned(words[j * n + i]);
                while (r.compareTo(maxMultiple) >= 0) {
                    r = unsigned(stream.nextLong());
                }
                words[j * n + i] = r.mod(q).longValue();
            }
        }
        return words;
    }

    @Test
    void uniformMatchesSealsDefinitionIncludingRejections() {
        // 2^62 + 1 rejects about a quarter of all words, so the order replacements are drawn in matters.
        long[] moduli = {(1L << 62) + 1, PRIMES[0], (1L << 62) + 3};
        long[] got = new long[3 * 64 + 5];
        Sampler.uniform(Blake2xbPrng.ofSeed(SEED), moduli, 64, got, 5);
        long[] want = referenceUniform(SEED, moduli, 64);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[5 + i], "word " + i);
        }

        long[] poly = new long[3 * N];
        Sampler.uniform(Blake2xbPrng.ofSeed(SEED), PRIMES, N, poly, 0);
        long[] ref = referenceUniform(SEED, PRIMES, N);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], poly[i], "word " + i);
        }
    }

    @Test
    void uniformIsReducedAndCentred() {
        long[] poly = new long[3 * N];
        Sampler.uniform(Blake2xbPrng.ofSeed(SEED), PRIMES, N, poly, 0);
        for (int j = 0; j < 3; j++) {
            double mean = 0;
            for (int i = 0; i < N; i++) {
                long v = poly[j * N + i];
                assertTrue(v >= 0 && v < PRIMES[j]);
                mean += v / (double) PRIMES[j];
            }
            mean /= N;
            // mean of U[0,1) over 4096 draws: sd 0.0045
            assertEquals(0.5, mean, 0.03, "prime " + j);
        }
    }

    @Test
    void ternaryIsExactlyUniformOverMinusOneZeroOne() {
        Blake2xbPrng prng = Blake2xbPrng.ofSeed(SEED);
        long[] poly = new long[3 * N];
        long[] counts = new long[3];
        int rounds = 100;
        for (int r = 0; r < rounds; r++) {
            Sampler.ternary(prng, PRIMES, N, poly, 0);
            for (int i = 0; i < N; i++) {
                long v = poly[i];
                int t = v == 0 ? 1 : v == 1 ? 2 : v == PRIMES[0] - 1 ? 0 : -1;
                assertTrue(t >= 0, "value " + v);
                counts[t]++;
                for (int j = 1; j < 3; j++) {
                    long w = poly[j * N + i];
                    assertEquals(t == 0 ? PRIMES[j] - 1 : t - 1, w, "same value under every prime");
                }
            }
        }
        // Chi-square with 2 degrees of freedom; 23.0 is the 1e-5 tail.
        double total = (double) rounds * N;
        double chi2 = 0;
        for (long c : counts) {
            double d = c - total / 3;
            chi2 += d * d / (total / 3);
        }
        assertTrue(chi2 < 23.0, "chi2 " + chi2 + " counts " + java.util.Arrays.toString(counts));
    }

    @Test
    void centeredBinomialHasSealsBitLayout() {
        // Per coefficient SEAL takes 6 bytes x0..x5, masks x2 and x5 to 5 bits, and subtracts popcounts.
        long[] poly = new long[2 * N];
        long[] moduli = {PRIMES[0], PRIMES[2]};
        Sampler.centeredBinomial(Blake2xbPrng.ofSeed(SEED), moduli, N, poly, 0);
        Blake2xbPrng stream = Blake2xbPrng.ofSeed(SEED);
        byte[] x = new byte[6];
        for (int i = 0; i < N; i++) {
            stream.generate(x, 0, 6);
            x[2] &= 0x1F;
            x[5] &= 0x1F;
            int v = Integer.bitCount(x[0] & 0xFF) + Integer.bitCount(x[1] & 0xFF) + Integer.bitCount(x[2] & 0xFF)
                - Integer.bitCount(x[3] & 0xFF) - Integer.bitCount(x[4] & 0xFF) - Integer.bitCount(x[5] & 0xFF);
            assertEquals(v >= 0 ? v : moduli[0] + v, poly[i], "coefficient " + i);
            assertEquals(v >= 0 ? v : moduli[1] + v, poly[N + i], "coefficient " + i);
        }
    }

    @Test
    void centeredBinomialMomentsAndRange() {
        Blake2xbPrng prng = Blake2xbPrng.ofSeed(SEED);
        long[] poly = new long[3 * N];
        int rounds = 100;
        double sum = 0;
        double sumSquares = 0;
        long[] histogram = new long[43];
        for (int r = 0; r < rounds; r++) {
            Sampler.centeredBinomial(prng, PRIMES, N, poly, 0);
            for (int i = 0; i < N; i++) {
                long v = poly[i] > PRIMES[0] / 2 ? poly[i] - PRIMES[0] : poly[i];
                assertTrue(v >= -21 && v <= 21, "value " + v);
                for (int j = 1; j < 3; j++) {
                    assertEquals(v < 0 ? PRIMES[j] + v : v, poly[j * N + i]);
                }
                sum += v;
                sumSquares += v * v;
                histogram[(int) v + 21]++;
            }
        }
        double m = (double) rounds * N;
        double mean = sum / m;
        double variance = sumSquares / m - mean * mean;
        // 42 fair coins, 21 counted negative: mean 0, variance 10.5 (sd 3.24).
        // Standard errors over 409,600 draws: mean 0.005, variance 0.023; bounds are 6 of them.
        assertEquals(0.0, mean, 0.03);
        assertEquals(10.5, variance, 0.14);
        // P(v) = C(42, v + 21) / 2^42: each of the central values within 6 standard errors.
        for (int v = -8; v <= 8; v++) {
            double p = binomial(42, v + 21) / Math.pow(2, 42);
            double sd = Math.sqrt(m * p * (1 - p));
            assertEquals(m * p, histogram[v + 21], 6 * sd, "frequency of " + v);
        }
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    @Test
    void rejectsBadShapes() {
        Blake2xbPrng prng = Blake2xbPrng.ofSeed(SEED);
        assertThrows(IndexOutOfBoundsException.class, () -> Sampler.uniform(prng, PRIMES, N, new long[3 * N - 1], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Sampler.ternary(prng, PRIMES, N, new long[3 * N], 1));
        assertThrows(IllegalArgumentException.class, () -> Sampler.centeredBinomial(prng, new long[] {1}, N, new long[N], 0));
        assertThrows(IllegalArgumentException.class, () -> Sampler.uniform(prng, new long[] {-5}, N, new long[N], 0));
    }
}
