package io.umbra.he.random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's noise generator gives SEAL's distributions: ternary exactly uniform over {−1, 0, 1},
 * centered binomial with SEAL's moments and shape; and two threads never share a stream.
 */
class KeystreamNoiseTest {

    @Test
    void ternaryIsUniformOverMinusOneZeroOne() {
        NoiseSource noise = NoiseSource.perThread();
        long[] v = new long[4096];
        long[] counts = new long[3];
        // Pairs of consecutive values too: the five digits of one byte must be independent.
        long[] pairs = new long[9];
        int rounds = 100;
        for (int r = 0; r < rounds; r++) {
            noise.ternary(v, 0, v.length);
            for (int i = 0; i < v.length; i++) {
                assertTrue(v[i] >= -1 && v[i] <= 1, "value " + v[i]);
                counts[(int) v[i] + 1]++;
                if (i > 0) {
                    pairs[3 * ((int) v[i - 1] + 1) + (int) v[i] + 1]++;
                }
            }
        }
        // Chi-square: 2 degrees of freedom (1e-5 tail at 23.0), 8 for the pairs (1e-5 tail at 37.3).
        assertTrue(chi2(counts) < 23.0, () -> "counts " + java.util.Arrays.toString(counts));
        assertTrue(chi2(pairs) < 37.3, () -> "pairs " + java.util.Arrays.toString(pairs));
    }

    @Test
    void centeredBinomialHasSealsMomentsAndShape() {
        NoiseSource noise = NoiseSource.perThread();
        long[] v = new long[4097]; // not a multiple of 3: the tail path too
        int rounds = 100;
        double sum = 0;
        double squares = 0;
        long[] histogram = new long[43];
        for (int r = 0; r < rounds; r++) {
            noise.centeredBinomial(v, 0, v.length);
            for (long x : v) {
                assertTrue(x >= -21 && x <= 21, "value " + x);
                sum += x;
                squares += x * x;
                histogram[(int) x + 21]++;
            }
        }
        double m = (double) rounds * v.length;
        double mean = sum / m;
        assertEquals(0.0, mean, 0.03);
        assertEquals(10.5, squares / m - mean * mean, 0.14);
        for (int x = -8; x <= 8; x++) {
            double p = binomial(42, x + 21) / Math.pow(2, 42);
            double sd = Math.sqrt(m * p * (1 - p));
            assertEquals(m * p, histogram[x + 21], 6 * sd, "frequency of " + x);
        }
    }

    @Test
    void threadsHaveTheirOwnStreams() throws Exception {
        long[] mine = new long[8];
        NoiseSource.perThread().words(mine, 0, 8);
        long[] other = new long[8];
        Thread t = new Thread(() -> NoiseSource.perThread().words(other, 0, 8));
        t.start();
        t.join();
        assertNotEquals(java.util.Arrays.toString(mine), java.util.Arrays.toString(other));
        assertTrue(KeystreamNoise.algorithm().equals("AES-256-CTR") || KeystreamNoise.algorithm().equals("ChaCha20"));
    }

    /**
     * The documented choice must be the one made: on an x86-64 or AArch64 CPU with AES instructions
     * HotSpot runs AES-CTR as an intrinsic, so the generator must be AES-256-CTR there (on JDK 25 the
     * old probe of the diagnostic flags threw and it always fell back to ChaCha20).
     */
    @Test
    void usesAesCtrWhereTheCpuHasAesInstructions() throws Exception {
        String arch = System.getProperty("os.arch");
        java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
        org.junit.jupiter.api.Assumptions.assumeTrue((arch.equals("amd64") || arch.equals("aarch64")) && java.nio.file.Files.isReadable(cpuinfo),
            "needs Linux on x86-64 or AArch64 to know the CPU's flags");
        boolean aesCpu = java.nio.file.Files.readAllLines(cpuinfo).stream()
            .filter(l -> l.startsWith("flags") || l.startsWith("Features"))
            .anyMatch(l -> java.util.Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).contains("aes"));
        assertEquals(aesCpu ? "AES-256-CTR" : "ChaCha20", KeystreamNoise.algorithm());
    }

    @Test
    void runsPastRekeying() {
        // More than REKEY_BYTES of output: the generator keys itself from its own stream and goes on.
        NoiseSource noise = NoiseSource.perThread();
        long[] w = new long[1 << 14];
        long distinct = 0;
        long previous = 0;
        for (long done = 0; done < 2 * KeystreamNoise.REKEY_BYTES; done += 8L * w.length) {
            noise.words(w, 0, w.length);
            distinct += w[0] != previous ? 1 : 0;
            previous = w[w.length - 1];
        }
        assertTrue(distinct > 0);
    }

    private static double chi2(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double expected = (double) total / counts.length;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        return chi2;
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }
}
