package io.umbra.he.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.umbra.he.interop.NodeSeal;
import io.umbra.he.serial.Seal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CkksEncoder against live SEAL 4.1.2 (node-seal through {@link NodeSeal}): for the same values and
 * scale, every coefficient word of our plaintext equals SEAL's, and our decode returns SEAL's doubles.
 * The cases with coefficients above 2^53 (scale 2^64, 2^140, 2^200) expose every bit of the FFT, so
 * they fail on a single differing root of unity.
 */
class CkksEncoderInteropTest {
    private static NodeSeal seal;
    private static final AtomicLong WORDS = new AtomicLong();
    private static final AtomicLong PLAINTEXTS = new AtomicLong();
    private static final AtomicLong DECODED = new AtomicLong();

    /** A parameter set on both sides: our context and encoder, SEAL's saved parameters. */
    record Params(String name, int n, int[] bits, CkksContext context, CkksEncoder encoder, byte[] sealParams) {
        static Params of(String name, int n, int... bits) {
            CkksContext context = CkksContext.create(EncryptionParameters.create(n, bits));
            return new Params(name, n, bits, context, new CkksEncoder(context), seal.params(n, bits));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Params b;
    private static Params a;
    private static Params c;
    private static Params wide;

    @BeforeAll
    static void start() {
        seal = NodeSeal.shared();
        b = Params.of("b", 4096, 36, 36, 37);
        a = Params.of("a", 8192, 60, 40, 40, 60);
        c = Params.of("c", 16384, 60, 40, 40, 40, 40, 40, 40, 60);
        wide = Params.of("wide", 8192, 60, 60, 60, 38); // 180 bits at the first data level
    }

    @AfterAll
    static void summary() {
        System.out.printf("CkksEncoderInteropTest: %d plaintexts, %d coefficient words byte-identical to SEAL; %d decoded doubles identical%n",
                PLAINTEXTS.get(), WORDS.get(), DECODED.get());
    }

    /** Values of the kinds Umbra encodes, chosen by seed. */
    static double[] values(int slots, int seed) {
        Random r = new Random(seed);
        int count = seed % 5 == 4 ? 1 + r.nextInt(slots) : slots;
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = switch (seed % 4) {
                case 0 -> r.nextDouble() * 2 - 1;                 // normalized features
                case 1 -> r.nextDouble() * 5000;                  // amounts
                case 2 -> switch (i % 6) {                        // edges of rounding
                    case 0 -> 0.0;
                    case 1 -> -0.0;
                    case 2 -> Math.round((r.nextDouble() - 0.5) * 200) / 2.0;
                    case 3 -> (r.nextDouble() - 0.5) * 1e-6;
                    case 4 -> (r.nextDouble() - 0.5) * 2e4;
                    default -> r.nextGaussian();
                };
                default -> r.nextGaussian() * 30;
            };
        }
        return v;
    }

    static Stream<Arguments> setsAndSeeds() {
        List<Arguments> out = new ArrayList<>();
        for (int seed = 0; seed < 12; seed++) {
            out.add(Arguments.of("b", seed));
            out.add(Arguments.of("a", seed));
        }
        for (int seed = 0; seed < 4; seed++) {
            out.add(Arguments.of("c", seed));
        }
        return out.stream();
    }

    private static Params byName(String name) {
        return switch (name) {
            case "b" -> b;
            case "a" -> a;
            case "c" -> c;
            default -> wide;
        };
    }

    private static double scaleOf(Params p) {
        return p == b ? 0x1p30 : 0x1p40;
    }

    @ParameterizedTest(name = "set {0} seed {1}")
    @MethodSource("setsAndSeeds")
    void encodeIsByteIdenticalAndDecodeBitIdentical(String set, int seed) {
        Params p = byName(set);
        double scale = scaleOf(p);
        double[] v = values(p.n / 2, seed);
        byte[] sealPlain = seal.encode(p.sealParams, scale, v);
        Plaintext ours = p.encoder.encode(v, scale);
        assertSamePlaintext(sealPlain, ours, p.context.firstData());
        assertSameDoubles(seal.decode(p.sealParams, sealPlain), p.encoder.decode(ours));
    }

    /** Coefficients above 2^53 carry the FFT's doubles unrounded; SEAL's 128-bit and multi-word paths. */
    @Test
    void highPrecisionScalesMatchEveryBit() {
        double[] amounts = new Random(3).doubles(2048, -500, 500).toArray();
        check(b, amounts, 0x1p64);                      // coefficients of 64–71 bits: the 128-bit path
        double[] unit = new Random(4).doubles(4096, -1, 1).toArray();
        check(wide, unit, 0x1p100);                     // 128-bit path at N = 8192
        check(wide, unit, 0x1p140);                     // above 128 bits: the multi-word path
        double[] slots16k = new Random(5).doubles(8192, -1, 1).toArray();
        check(c, slots16k, 0x1p200);                    // 300-bit level, multi-word, seven primes
    }

    private static void check(Params p, double[] v, double scale) {
        byte[] sealPlain = seal.encode(p.sealParams, scale, v);
        Plaintext ours = p.encoder.encode(v, scale);
        assertSamePlaintext(sealPlain, ours, p.context.firstData());
        assertSameDoubles(seal.decode(p.sealParams, sealPlain), p.encoder.decode(ours));
    }

    /** Every data level below the first (SEAL: encode, then drop primes), and decode with 1..k primes. */
    @Test
    void everyLevelMatches() {
        for (Params p : List.of(b, a, c)) {
            double scale = scaleOf(p);
            double[] v = new Random(p.n).doubles(p.n / 2, -2, 2).toArray();
            for (ContextData level = p.context.firstData().next(); level != null; level = level.next()) {
                byte[] sealPlain = seal.encode(p.sealParams, scale, v, level.chainIndex());
                Plaintext ours = p.encoder.encode(v, level.parmsId(), scale);
                assertSamePlaintext(sealPlain, ours, level);
                assertSameDoubles(seal.decode(p.sealParams, sealPlain), p.encoder.decode(ours));
            }
        }
    }

    /**
     * node-seal has no scalar encode; SEAL's {@code encode(double)} is the constant polynomial. Our
     * scalar plaintext equals SEAL's encoding of the constant vector, and SEAL decodes it to the value.
     */
    @Test
    void scalarEncodeMatchesSealsConstantVector() {
        for (Params p : List.of(b, a)) {
            double scale = scaleOf(p);
            for (double value : new double[]{0.0, 1.0, -2.5, 0.125, 3.141592653589793, -1234.5678, 1e-5}) {
                Plaintext scalar = p.encoder.encode(value, p.context.firstData().parmsId(), scale);
                double[] constant = new double[p.n / 2];
                Arrays.fill(constant, value);
                assertSamePlaintext(seal.encode(p.sealParams, scale, constant), scalar, p.context.firstData());
                double[] decoded = seal.decode(p.sealParams, Seal.save(scalar));
                for (double d : decoded) {
                    assertEquals(value, d, 1e-5 * Math.max(1, Math.abs(value)));
                }
            }
        }
    }

    /** The SEAL plaintext's fields (parms_id, count, scale) and then its coefficient words, one by one. */
    static void assertSamePlaintext(byte[] sealBytes, Plaintext ours, ContextData level) {
        ByteBuffer in = ByteBuffer.wrap(sealBytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((short) 0xA15E, in.getShort(0), "SEAL magic");
        assertEquals(sealBytes.length, in.getLong(8), "size in the SEAL header");
        in.position(16);
        ParmsId parmsId = new ParmsId(in.getLong(), in.getLong(), in.getLong(), in.getLong());
        long coeffCount = in.getLong();
        double scale = in.getDouble();
        int arrayStart = in.position();
        assertEquals((short) 0xA15E, in.getShort(arrayStart), "coefficient array magic");
        in.position(arrayStart + 16);
        long count = in.getLong();
        assertEquals(level.parmsId(), parmsId, "SEAL's plaintext is at another level");
        assertEquals(ours.parmsId(), parmsId, "parms_id");
        assertEquals(coeffCount, count);
        assertEquals(ours.coeffCount(), count, "coefficient count");
        assertEquals(Double.doubleToRawLongBits(scale), Double.doubleToRawLongBits(ours.scale()), "scale");
        long[] data = ours.data();
        int differing = 0;
        int first = -1;
        for (int i = 0; i < count; i++) {
            if (in.getLong() != data[i]) {
                if (first < 0) {
                    first = i;
                }
                differing++;
            }
        }
        if (differing > 0) {
            fail(differing + " of " + count + " coefficient words differ from SEAL's, the first at " + first
                    + " (prime " + first / level.n() + ", index " + first % level.n() + ")");
        }
        WORDS.addAndGet(count);
        PLAINTEXTS.incrementAndGet();
    }

    /** Exact equality of doubles (the oracle prints -0 as 0, so the sign of zero is not compared). */
    static void assertSameDoubles(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "slot count");
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail("slot " + i + ": SEAL decodes " + expected[i] + ", we decode " + actual[i]);
            }
        }
        DECODED.addAndGet(expected.length);
        assertTrue(expected.length > 0);
    }
}
