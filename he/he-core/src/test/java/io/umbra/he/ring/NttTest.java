package io.umbra.he.ring;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The optimized transforms against straightforward ones on random inputs, for primes on both sides
 * of the unreduced/Harvey threshold and sizes from 2 to 2^15: the textbook radix-2 loops with every
 * value fully reduced after every step, and for small sizes the definition itself (evaluation at
 * ψ^(2·bitrev(i)+1)). Inputs also take the extreme values of the documented ranges.
 */
class NttTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        int[] logNs = {1, 2, 3, 4, 5, 8, 10, 12, 13, 14, 15};
        int[] bits = {20, 30, 36, 37, 40, 45, 50, 55, 58, 59, 60, 61};
        for (int logN : logNs) {
            for (int bit : bits) {
                if (bit >= logN + 3) {
                    b.add(Arguments.of(logN, bit));
                }
            }
        }
        return b.build();
    }

    private static NttTables tables(int logN, int bits) {
        long q = bits == 61 ? largestPrime61(1 << logN) : Primes.create(1 << logN, bits)[0];
        return new NttTables(logN, new Modulus(q));
    }

    /** Primes.create stops at 60 bits (SEAL's limit); Modulus allows 61. */
    private static long largestPrime61(int n) {
        long factor = 2L * n;
        for (long v = (1L << 61) - factor + 1; ; v -= factor) {
            if (Primes.isPrime(v)) {
                return v;
            }
        }
    }

    /** Textbook Cooley–Tukey with SEAL's root order, every value in [0, q) after every step. */
    static long[] referenceForward(long[] in, NttTables t) {
        Modulus mod = t.modulus();
        long[] a = new long[t.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = mod.reduce(in[i]);
        }
        int n = t.n();
        int root = 0;
        for (int m = 1, gap = n / 2; m < n; m <<= 1, gap >>>= 1) {
            for (int i = 0; i < m; i++) {
                long w = t.rootPowers[++root];
                for (int j = 2 * i * gap; j < 2 * i * gap + gap; j++) {
                    long u = a[j];
                    long v = mod.mul(a[j + gap], w);
                    a[j] = mod.add(u, v);
                    a[j + gap] = mod.sub(u, v);
                }
            }
        }
        return a;
    }

    /** Textbook Gentleman–Sande, then multiplication by 1/n. */
    static long[] referenceInverse(long[] in, NttTables t) {
        Modulus mod = t.modulus();
        long[] a = new long[t.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = mod.reduce(in[i]);
        }
        int n = t.n();
        int root = 0;
        for (int m = n / 2, gap = 1; m >= 1; m >>>= 1, gap <<= 1) {
            for (int i = 0; i < m; i++) {
                long w = t.invRootPowers[++root];
                for (int j = 2 * i * gap; j < 2 * i * gap + gap; j++) {
                    long u = a[j];
                    long v = a[j + gap];
                    a[j] = mod.add(u, v);
                    a[j + gap] = mod.mul(mod.sub(u, v), w);
                }
            }
        }
        long invN = mod.inverse(n);
        for (int i = 0; i < n; i++) {
            a[i] = mod.mul(a[i], invN);
        }
        return a;
    }

    /** The definition: output i is the input polynomial at ψ^(2·bitrev(i)+1). */
    static long[] definition(long[] in, NttTables t) {
        Modulus mod = t.modulus();
        int n = t.n();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long x = mod.pow(t.root(), 2L * NttTables.reverseBits(i, t.logN()) + 1);
            long acc = 0;
            for (int c = n - 1; c >= 0; c--) {
                acc = mod.add(mod.mul(acc, x), mod.reduce(in[c]));
            }
            out[i] = acc;
        }
        return out;
    }

    @ParameterizedTest(name = "n = 2^{0}, {1}-bit prime")
    @MethodSource("cases")
    void optimizedEqualsReference(int logN, int bits) {
        NttTables t = tables(logN, bits);
        int n = t.n();
        long q = t.modulus().value();
        SplittableRandom rnd = new SplittableRandom(31L * logN + bits);
        for (int round = 0; round < 3; round++) {
            // Forward inputs may be anywhere in [0, 4q); round 1 takes the top of the range.
            long[] fin = new long[n];
            long[] iin = new long[n];
            for (int i = 0; i < n; i++) {
                fin[i] = round == 1 ? 4 * q - 1 - rnd.nextLong(3) : rnd.nextLong(4 * q);
                iin[i] = round == 1 ? 2 * q - 1 - rnd.nextLong(3) : rnd.nextLong(2 * q);
            }
            int off = 3;
            long[] a = new long[n + 2 * off];
            System.arraycopy(fin, 0, a, off, n);
            Ntt.forward(a, off, t);
            long[] want = referenceForward(fin, t);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(a, off, off + n), "forward");
            if (logN <= 10) {
                assertArrayEquals(definition(fin, t), want, "reference forward against the definition");
            }
            System.arraycopy(iin, 0, a, off, n);
            Ntt.inverse(a, off, t);
            assertArrayEquals(referenceInverse(iin, t), java.util.Arrays.copyOfRange(a, off, off + n), "inverse");
            // and the round trip
            Ntt.forward(a, off, t);
            long[] reduced = new long[n];
            for (int i = 0; i < n; i++) {
                reduced[i] = iin[i] % q;
            }
            assertArrayEquals(reduced, java.util.Arrays.copyOfRange(a, off, off + n), "round trip");
            long[] lazy = fin.clone();
            Ntt.forwardLazy(lazy, 0, t);
            for (long v : lazy) {
                org.junit.jupiter.api.Assertions.assertTrue(v >= 0 && v < 4 * q, "lazy output range");
            }
        }
    }
}
