package io.umbra.he.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.umbra.he.ring.Ntt;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CkksEncoder on its own: round trips, scalars, exact rounding and refusals. Byte identity with SEAL is in CkksEncoderInteropTest. */
class CkksEncoderTest {

    /** The three parameter sets of docs/REFERENCE-FIGURES.md with their scales and round-trip error bounds. */
    enum Set {
        B(4096, 0x1p30, 1e-6, 36, 36, 37),
        A(8192, 0x1p40, 1e-8, 60, 40, 40, 60),
        C(16384, 0x1p40, 1e-8, 60, 40, 40, 40, 40, 40, 40, 60);

        final int n;
        final double scale;
        final double bound;
        final int[] bits;
        private CkksContext context;
        private CkksEncoder encoder;

        Set(int n, double scale, double bound, int... bits) {
            this.n = n;
            this.scale = scale;
            this.bound = bound;
            this.bits = bits;
        }

        synchronized CkksContext context() {
            if (context == null) {
                context = CkksContext.create(EncryptionParameters.create(n, bits));
            }
            return context;
        }

        synchronized CkksEncoder encoder() {
            if (encoder == null) {
                encoder = new CkksEncoder(context());
            }
            return encoder;
        }
    }

    static double[] uniform(Random r, int count, double lo, double hi) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    static Stream<Arguments> setsAndSeeds() {
        List<Arguments> out = new ArrayList<>();
        for (Set s : Set.values()) {
            int seeds = s == Set.C ? 6 : 20;
            for (int seed = 1; seed <= seeds; seed++) {
                out.add(Arguments.of(s, seed));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("setsAndSeeds")
    void roundTripIsWithinBound(Set set, int seed) {
        CkksEncoder encoder = set.encoder();
        Random r = new Random(seed);
        // Full vectors of fraud-feature-like magnitudes, and a short one (zero-padded).
        double[] values = uniform(r, set.n / 2, -10, 10);
        double[] decoded = encoder.decode(encoder.encode(values, set.scale));
        assertEquals(set.n / 2, decoded.length);
        assertClose(values, decoded, set.bound * 10);

        double[] shortValues = uniform(r, 1 + r.nextInt(set.n / 2), -1, 1);
        double[] shortDecoded = encoder.decode(encoder.encode(shortValues, set.scale));
        assertClose(shortValues, Arrays.copyOf(shortDecoded, shortValues.length), set.bound);
        for (int i = shortValues.length; i < shortDecoded.length; i++) {
            assertTrue(Math.abs(shortDecoded[i]) <= set.bound, "padding slot " + i + " decodes to " + shortDecoded[i]);
        }
    }

    @ParameterizedTest
    @MethodSource("sets")
    void roundTripAtEveryDataLevelAndImaginaryPartsVanish(Set set) {
        CkksContext context = set.context();
        CkksEncoder encoder = set.encoder();
        double[] values = uniform(new Random(7), set.n / 2, -1, 1);
        for (ContextData level : context.levels()) {
            if (level == context.keyLevel() && context.usingKeySwitching()) {
                continue;
            }
            Plaintext plain = encoder.encode(values, level.parmsId(), set.scale);
            assertSame(level.parmsId(), plain.parmsId());
            assertEquals(set.scale, plain.scale());
            assertEquals(level.primeCount() * set.n, plain.coeffCount());
            double[] re = new double[set.n / 2];
            double[] im = new double[set.n / 2];
            encoder.decodeComplex(plain, re, im);
            assertClose(values, re, set.bound);
            assertClose(new double[set.n / 2], im, set.bound);
        }
    }

    static Stream<Set> sets() {
        return Stream.of(Set.values());
    }

    @ParameterizedTest
    @MethodSource("sets")
    void lowerLevelEncodingIsTheFirstLevelWithPrimesDropped(Set set) {
        CkksContext context = set.context();
        CkksEncoder encoder = set.encoder();
        double[] values = uniform(new Random(11), set.n / 2, -3, 3);
        long[] first = encoder.encode(values, set.scale).data();
        for (ContextData level = context.firstData().next(); level != null; level = level.next()) {
            long[] lower = encoder.encode(values, level.parmsId(), set.scale).data();
            assertArrayEquals(Arrays.copyOf(first, lower.length), lower, "level " + level.chainIndex());
        }
    }

    @ParameterizedTest
    @MethodSource("sets")
    void scalarEncodeEqualsVectorEncodeOfAConstantVector(Set set) {
        CkksContext context = set.context();
        CkksEncoder encoder = set.encoder();
        Random r = new Random(3);
        int compared = 0;
        for (int t = 0; t < 60; t++) {
            double c = switch (t % 4) {
                case 0 -> r.nextDouble() * 2 - 1;
                case 1 -> r.nextInt(2001) - 1000;
                case 2 -> (r.nextDouble() - 0.5) * 1e4;
                default -> (r.nextDouble() - 0.5) * 1e-6;
            };
            double[] constant = new double[set.n / 2];
            Arrays.fill(constant, c);
            for (ContextData level = context.firstData(); level != null; level = level.next()) {
                if (tooLarge(c, set.scale, level)) {
                    continue;
                }
                Plaintext vector = encoder.encode(constant, level.parmsId(), set.scale);
                Plaintext scalar = encoder.encode(c, level.parmsId(), set.scale);
                assertEquals(vector.parmsId(), scalar.parmsId());
                assertEquals(vector.scale(), scalar.scale());
                assertArrayEquals(vector.data(), scalar.data(), "constant " + c + " at level " + level.chainIndex());
                compared++;
            }
        }
        assertTrue(compared >= 60, "compared " + compared);
    }

    private static boolean tooLarge(double c, double scale, ContextData level) {
        // Keep well inside both SEAL bounds (vector: ceil(log2 max)+1, scalar: trunc(log2 |v|)+2).
        return Math.abs(c) * scale * 4 >= Math.pow(2, level.totalBitCount() - 2);
    }

    @Test
    void scalarIsTheConstantPolynomialInNttForm() {
        CkksContext context = Set.A.context();
        ContextData level = context.firstData();
        Plaintext plain = Set.A.encoder().encode(-1.75, level.parmsId(), 0x1p40);
        long[] data = plain.data().clone();
        for (int j = 0; j < level.primeCount(); j++) {
            Ntt.inverse(data, j * context.n(), level.ntt()[j]);
            long q = level.primes()[j];
            assertEquals(Math.floorMod(-Math.round(1.75 * 0x1p40), q), data[j * context.n()], "coefficient 0 mod prime " + j);
            for (int i = 1; i < context.n(); i++) {
                assertEquals(0, data[j * context.n() + i]);
            }
        }
    }

    @Test
    void scalarResiduesRoundHalfAwayFromZero() {
        CkksContext context = Set.B.context();
        CkksEncoder encoder = Set.B.encoder();
        ContextData level = context.firstData();
        long[] q = level.primes();
        // value·scale exactly on a half: std::round goes away from zero, Math.round would not for negatives.
        assertArrayEquals(new long[]{3, 3}, encoder.scalarResidues(1.25, 2.0, level));
        assertArrayEquals(new long[]{q[0] - 3, q[1] - 3}, encoder.scalarResidues(-1.25, 2.0, level));
        assertArrayEquals(new long[]{1, 1}, encoder.scalarResidues(0.25, 2.0, level));
        assertArrayEquals(new long[]{q[0] - 1, q[1] - 1}, encoder.scalarResidues(-0.25, 2.0, level));
        assertArrayEquals(new long[]{0, 0}, encoder.scalarResidues(-0.2, 2.0, level));
        assertArrayEquals(new long[]{0, 0}, encoder.scalarResidues(0.0, 0x1p30, level));
        assertArrayEquals(new long[]{0, 0}, encoder.scalarResidues(-0.0, 0x1p30, level));
        // The largest double below one half stays at zero (floor(x + 0.5) would give 1).
        assertArrayEquals(new long[]{0, 0}, encoder.scalarResidues(Math.nextDown(0.5), 1.0, level));
    }

    /**
     * A constant vector goes through the FFT exactly (every difference is zero, every factor a power of
     * two), so coefficient 0 is exactly value·scale and shows the vector path's rounding of halves.
     */
    @Test
    void vectorEncodeRoundsHalvesAwayFromZero() {
        CkksContext context = Set.B.context();
        ContextData level = context.firstData();
        CkksEncoder encoder = Set.B.encoder();
        double[][] cases = {{0.5, 1}, {-0.5, -1}, {1.5, 2}, {-2.5, -3}, {2.5, 3}, {Math.nextDown(0.5), 0}, {-0.25, 0}};
        for (double[] c : cases) {
            double[] constant = new double[2048];
            Arrays.fill(constant, c[0]);
            long[] data = encoder.encode(constant, 1.0).data();
            for (int j = 0; j < level.primeCount(); j++) {
                Ntt.inverse(data, j * context.n(), level.ntt()[j]);
                long q = level.primes()[j];
                assertEquals(Math.floorMod((long) c[1], q), data[j * context.n()], "round(" + c[0] + ") mod prime " + j);
                for (int i = 1; i < context.n(); i++) {
                    assertEquals(0, data[j * context.n() + i]);
                }
            }
        }
    }

    @Test
    void roundHalfAwayMatchesCRound() {
        double[][] cases = {
            {0.5, 1}, {-0.5, -1}, {1.5, 2}, {-1.5, -2}, {2.5, 3}, {-2.5, -3}, {2.4999999999999996, 2},
            {Math.nextDown(0.5), 0}, {-Math.nextDown(0.5), -0.0}, {0x1p52 + 1, 0x1p52 + 1}, {-0x1p60, -0x1p60},
            {4503599627370495.5, 4503599627370496.0}, {-4503599627370495.5, -4503599627370496.0}, {1e300, 1e300},
        };
        for (double[] c : cases) {
            assertEquals(c[1], Scalars.roundHalfAway(c[0]), "round(" + c[0] + ")");
        }
    }

    /** Coefficients from 2^63 up take SEAL's 128-bit and multi-word paths: residues must be exact. */
    @Test
    void largeScalarsAreReducedExactly() {
        CkksContext context = Set.C.context();
        ContextData level = context.firstData(); // 300 bits
        CkksEncoder encoder = Set.C.encoder();
        double[] values = {1e9, -3.3e12, 7.77e20, -1.234567e25, 5e40, -2.5e45};
        for (double v : values) {
            double scaled = v * 0x1p40;
            BigInteger exact = new BigDecimal(Scalars.roundHalfAway(scaled)).toBigIntegerExact();
            long[] residues = encoder.scalarResidues(v, 0x1p40, level);
            for (int j = 0; j < level.primeCount(); j++) {
                BigInteger q = BigInteger.valueOf(level.primes()[j]);
                assertEquals(exact.mod(q).longValueExact(), residues[j], v + " mod prime " + j);
            }
        }
    }

    @Test
    void largeVectorCoefficientsDecodeBack() {
        // Set C's first level has 300 bits: scale 2^200 pushes coefficients far above 2^128.
        CkksEncoder encoder = Set.C.encoder();
        double[] values = uniform(new Random(5), 8192, -1, 1);
        double[] decoded = encoder.decode(encoder.encode(values, 0x1p200));
        assertClose(values, decoded, 1e-12);
        double[] mid = encoder.decode(encoder.encode(values, 0x1p90)); // the 128-bit path
        assertClose(values, mid, 1e-12);
    }

    /**
     * CRT composition and SEAL's word-by-word conversion to double against BigInteger, at every level
     * of every set (1 to 7 primes): random residues, small signed values (whose quotient estimate sits
     * on an integer and needs the correction step) and values around ±Q/2.
     */
    @ParameterizedTest
    @MethodSource("sets")
    void coefficientCompositionMatchesBigIntegerReference(Set set) {
        CkksEncoder encoder = set.encoder();
        Random r = new Random(17);
        for (ContextData level : set.context().levels()) {
            int n = set.n;
            int k = level.primeCount();
            BigInteger bigQ = BigInteger.ONE;
            for (long p : level.primes()) {
                bigQ = bigQ.multiply(BigInteger.valueOf(p));
            }
            BigInteger[] coefficients = new BigInteger[n];
            for (int i = 0; i < n; i++) {
                BigInteger x = switch (i % 4) {
                    case 0 -> new BigInteger(bigQ.bitLength() + 8, r).mod(bigQ);
                    case 1 -> BigInteger.valueOf(r.nextInt(11) - 5).mod(bigQ);
                    case 2 -> bigQ.shiftRight(1).add(BigInteger.valueOf(r.nextInt(5) - 2));
                    default -> BigInteger.valueOf(r.nextLong()).mod(bigQ);
                };
                coefficients[i] = x;
            }
            long[] residues = new long[k * n];
            for (int j = 0; j < k; j++) {
                BigInteger q = BigInteger.valueOf(level.primes()[j]);
                for (int i = 0; i < n; i++) {
                    residues[j * n + i] = coefficients[i].mod(q).longValueExact();
                }
            }
            double invScale = 1.0 / set.scale;
            double[] actual = encoder.coefficientsAsDoubles(level, residues, invScale);
            for (int i = 0; i < n; i++) {
                double expected = sealToDouble(coefficients[i], bigQ, k, invScale);
                if (expected != actual[i]) {
                    assertEquals(expected, actual[i], "level " + level.chainIndex() + " coefficient " + i + " = " + coefficients[i]);
                }
            }
        }
    }

    /** SEAL's decode of one composed coefficient: word-wise against Q when at or above ⌈Q/2⌉. */
    private static double sealToDouble(BigInteger x, BigInteger bigQ, int k, double invScale) {
        BigInteger threshold = bigQ.add(BigInteger.ONE).shiftRight(1);
        boolean negative = x.compareTo(threshold) >= 0;
        double r = 0.0;
        double scaled = invScale;
        for (int j = 0; j < k; j++, scaled *= 0x1p64) {
            BigInteger w = x.shiftRight(64 * j).and(MASK64);
            BigInteger qw = bigQ.shiftRight(64 * j).and(MASK64);
            if (!negative) {
                r += w.signum() != 0 ? new BigDecimal(w).doubleValue() * scaled : 0.0;
            } else if (w.compareTo(qw) > 0) {
                r += new BigDecimal(w.subtract(qw)).doubleValue() * scaled;
            } else {
                BigInteger d = qw.subtract(w);
                r -= d.signum() != 0 ? new BigDecimal(d).doubleValue() * scaled : 0.0;
            }
        }
        return r;
    }

    private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    @Test
    void slotCountIsHalfTheDegree() {
        assertEquals(2048, Set.B.encoder().slotCount());
        assertEquals(4096, Set.A.encoder().slotCount());
    }

    @Test
    void encodeIsThreadSafe() throws Exception {
        CkksEncoder encoder = Set.A.encoder();
        List<double[]> inputs = new ArrayList<>();
        List<long[]> expected = new ArrayList<>();
        List<double[]> expectedDecoded = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            double[] v = uniform(new Random(100 + i), 4096, -5, 5);
            inputs.add(v);
            Plaintext p = encoder.encode(v, Set.A.scale);
            expected.add(p.data());
            expectedDecoded.add(encoder.decode(p));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    for (int rep = 0; rep < 10; rep++) {
                        int i = (rep + offset) % inputs.size();
                        Plaintext p = encoder.encode(inputs.get(i), Set.A.scale);
                        assertArrayEquals(expected.get(i), p.data());
                        assertArrayEquals(expectedDecoded.get(i), encoder.decode(p));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesTooManyValues() {
        CkksEncoder encoder = Set.B.encoder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(new double[2049], 0x1p30));
        assertTrue(e.getMessage().contains("2049"), e.getMessage());
    }

    @Test
    void refusesNonFiniteValues() {
        CkksEncoder encoder = Set.B.encoder();
        ParmsId first = Set.B.context().firstData().parmsId();
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            double[] values = {1, 2, bad};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(values, 0x1p30));
            assertTrue(e.getMessage().contains("values[2]") && e.getMessage().contains("finite"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(bad, first, 0x1p30));
            assertThrows(IllegalArgumentException.class, () -> encoder.scalarResidues(bad, 0x1p30, Set.B.context().firstData()));
        }
    }

    @Test
    void refusesBadScales() {
        CkksEncoder encoder = Set.B.encoder(); // first data level: 72 bits
        ParmsId first = Set.B.context().firstData().parmsId();
        double[] v = {1.0};
        for (double bad : new double[]{0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, 0x1p71, 0x1p72, 0x1p80}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(v, bad));
            assertTrue(e.getMessage().contains("scale"), e.getMessage());
        }
        // SEAL: (int) log2(scale) + 1 must stay below the level's bit count for vectors...
        encoder.encode(new double[]{1e-9}, 0x1p70);
        // ...and (int) log2(scale) below it for scalars.
        encoder.encode(0.0, first, 0x1p71);
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(0.0, first, 0x1p72));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(1.0, first, -2.0));
    }

    @Test
    void refusesValuesTooLargeForTheLevel() {
        CkksEncoder encoder = Set.B.encoder();
        ContextData last = Set.B.context().lastData(); // 36 bits
        double[] hundreds = new double[2048];
        Arrays.fill(hundreds, 100); // coefficient 0 becomes 100·2^30, past 36 bits
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(hundreds, last.parmsId(), 0x1p30));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(100.0, last.parmsId(), 0x1p30));
        assertThrows(IllegalArgumentException.class, () -> encoder.scalarResidues(100.0, 0x1p30, last));
        encoder.encode(new double[]{1, -1}, last.parmsId(), 0x1p30);
        encoder.encode(1.0, last.parmsId(), 0x1p30);
    }

    @Test
    void refusesForeignLevelsAndBrokenPlaintexts() {
        CkksEncoder encoder = Set.B.encoder();
        ParmsId foreign = Set.A.context().firstData().parmsId();
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(new double[]{1}, foreign, 0x1p30));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(1.0, foreign, 0x1p30));

        Plaintext good = encoder.encode(new double[]{1, 2, 3}, 0x1p30);
        assertThrows(IllegalArgumentException.class, () -> encoder.decode(new Plaintext(foreign, 0x1p30, good.data())));
        assertThrows(IllegalArgumentException.class,
                () -> encoder.decode(new Plaintext(good.parmsId(), 0x1p30, Arrays.copyOf(good.data(), 4096))));
        long[] unreduced = good.data().clone();
        unreduced[5] = Set.B.context().firstData().primes()[0];
        assertThrows(IllegalArgumentException.class, () -> encoder.decode(new Plaintext(good.parmsId(), 0x1p30, unreduced)));
        assertThrows(IllegalArgumentException.class, () -> encoder.decode(new Plaintext(good.parmsId(), 0.0, good.data())));
        assertThrows(IllegalArgumentException.class,
                () -> encoder.decodeComplex(good, new double[2048], new double[100]));
    }

    static void assertClose(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        double w = worst;
        int a = at;
        assertTrue(w <= tolerance, () -> "slot " + a + ": expected " + expected[a] + ", got " + actual[a] + " (error " + w + ")");
    }
}
