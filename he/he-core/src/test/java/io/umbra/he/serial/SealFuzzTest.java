package io.umbra.he.serial;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static io.umbra.he.serial.SealHostileInputTest.CT_ARRAY_COUNT;
import static io.umbra.he.serial.SealHostileInputTest.CT_ARRAY_SIZE;
import static io.umbra.he.serial.SealHostileInputTest.CT_K;
import static io.umbra.he.serial.SealHostileInputTest.CT_N;
import static io.umbra.he.serial.SealHostileInputTest.CT_SIZE;
import static io.umbra.he.serial.SealHostileInputTest.KS_DIM1;
import static io.umbra.he.serial.SealHostileInputTest.KS_DIM2;
import static io.umbra.he.serial.SealHostileInputTest.PA_K;
import static io.umbra.he.serial.SealHostileInputTest.PA_N;
import static io.umbra.he.serial.SealHostileInputTest.PT_ARRAY_COUNT;
import static io.umbra.he.serial.SealHostileInputTest.PT_ARRAY_SIZE;
import static io.umbra.he.serial.SealHostileInputTest.PT_COUNT;
import static io.umbra.he.serial.SealHostileInputTest.Sample;
import static io.umbra.he.serial.SealHostileInputTest.le;
import static io.umbra.he.serial.SealTestObjects.B;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded random mutator over valid files of every kind and compression mode (bit flips, byte
 * rewrites, truncations, insertions and deletions, rewrites of the length fields with interesting
 * values, with and without the outer size fixed up). The only outcomes allowed: a
 * {@link SealFormatException}, or a successful load of a file that is still valid (which must then
 * save and load again). {@code -Dumbra.fuzz.seed=…} and {@code -Dumbra.fuzz.iterations=…} replay or extend a run.
 */
class SealFuzzTest {
    private static final long[] INTERESTING = {0, 1, 2, 3, 15, 16, 17, 24, 81, 4095, 4096, 4097, 8192, 12288, 24576,
            Integer.MAX_VALUE, 1L << 31, 1L << 32, 1L << 62, Long.MIN_VALUE, Long.MAX_VALUE, -1};
    private static final int[] LENGTH_FIELDS = {8, PA_N, PA_K, CT_SIZE, CT_N, CT_K, CT_ARRAY_SIZE, CT_ARRAY_COUNT,
            PT_COUNT, PT_ARRAY_SIZE, PT_ARRAY_COUNT, KS_DIM1, KS_DIM2, 72, 64 + CT_SIZE, 64 + CT_ARRAY_SIZE, 64 + CT_ARRAY_COUNT};

    private static List<Sample> corpus() {
        List<Sample> base = SealHostileInputTest.samples();
        List<Sample> all = new ArrayList<>(base);
        for (Sample s : base) {
            for (Compression mode : new Compression[]{Compression.ZLIB, Compression.ZSTD}) {
                byte[] body = Arrays.copyOfRange(s.bytes(), 16, s.bytes().length);
                all.add(new Sample(s.name() + " " + mode, SealHostileInputTest.withBody(mode, Payload.compress(mode, body)), s.loader()));
            }
        }
        all.add(new Sample("node-seal size-3 ciphertext", SealTestObjects.fixture("ciphertext-size3-last.zstd"), b -> Seal.loadCiphertext(B, b)));
        all.add(new Sample("node-seal seeded ciphertext", SealTestObjects.fixture("ciphertext-seeded.none"), b -> Seal.loadCiphertext(B, b)));
        return all;
    }

    @Test
    void mutatedFilesOnlyEverFailWithSealFormatException() {
        long seed = Long.getLong("umbra.fuzz.seed", 0x5EA1F022L);
        int iterations = Integer.getInteger("umbra.fuzz.iterations", 5000);
        List<Sample> corpus = corpus();
        List<Function<byte[], Object>> anyLoader = List.of(Seal::loadParameters, b -> Seal.loadCiphertext(B, b),
                b -> Seal.loadPlaintext(B, b), b -> Seal.loadSecretKey(B, b), b -> Seal.loadPublicKey(B, b),
                b -> Seal.loadRelinKeys(B, b), b -> Seal.loadGaloisKeys(B, b), Seal::inspect, b -> Seal.inspect(B, b));
        Random rnd = new Random(seed);
        int loaded = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int it = 0; it < iterations; it++) {
            Sample s = corpus.get(rnd.nextInt(corpus.size()));
            StringBuilder how = new StringBuilder();
            byte[] m = mutate(s.bytes(), rnd, how);
            Function<byte[], Object> loader = rnd.nextInt(8) == 0 ? anyLoader.get(rnd.nextInt(anyLoader.size())) : s.loader();
            try {
                Object o = loader.apply(m);
                loaded++;
                if (rnd.nextInt(4) == 0) {
                    resave(o);
                }
            } catch (SealFormatException e) {
                refused++;
            } catch (Throwable t) {
                throw new AssertionError("iteration " + it + " (seed " + seed + ") on " + s.name() + " mutated by " + how
                        + " threw " + t, t);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("seal fuzz: seed %d, %d iterations in %.2f s, %d refused, %d still valid%n", seed, iterations, seconds, refused, loaded);
        assertTrue(refused > iterations / 2, "most mutations must be refused");
        // Typically 2-4 s for 5,000 iterations on 2 cores; the guard only catches a gross slowdown on a busy machine.
        assertTrue(seconds < 20 || iterations > 5000, "5,000 iterations should take well under 10 s, took " + seconds);
    }

    private static void resave(Object o) {
        switch (o) {
            case io.umbra.he.ckks.Ciphertext ct -> Seal.loadCiphertext(B, Seal.save(ct));
            case io.umbra.he.ckks.Plaintext pt -> Seal.loadPlaintext(B, Seal.save(pt));
            case io.umbra.he.ckks.SecretKey sk -> Seal.loadSecretKey(B, Seal.save(sk));
            case io.umbra.he.ckks.PublicKey pk -> Seal.loadPublicKey(B, Seal.save(pk));
            case io.umbra.he.ckks.RelinKeys rk -> Seal.loadRelinKeys(B, Seal.save(rk));
            case io.umbra.he.ckks.GaloisKeys gk -> Seal.loadGaloisKeys(B, Seal.save(gk));
            case io.umbra.he.ckks.EncryptionParameters p -> Seal.loadParameters(Seal.save(p));
            default -> {
            }
        }
    }

    /** One to three random mutations; the structure lives in the first bytes, so they are hit more often. */
    static byte[] mutate(byte[] original, Random rnd, StringBuilder how) {
        byte[] b = original.clone();
        int count = 1 + rnd.nextInt(3);
        for (int i = 0; i < count && b.length > 0; i++) {
            int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(b.length, 160)) : rnd.nextInt(b.length);
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    int bit = rnd.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    how.append(" flip@").append(at).append('.').append(bit);
                }
                case 1 -> {
                    int v = switch (rnd.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> 0xFF;
                        case 2 -> 0x80;
                        default -> rnd.nextInt(256);
                    };
                    b[at] = (byte) v;
                    how.append(" byte@").append(at).append('=').append(v);
                }
                case 2 -> {
                    b = Arrays.copyOf(b, at);
                    how.append(" cut@").append(at);
                }
                case 3 -> {
                    int field = LENGTH_FIELDS[rnd.nextInt(LENGTH_FIELDS.length)];
                    if (field + 8 <= b.length) {
                        long old = le(b).getLong(field);
                        long v = switch (rnd.nextInt(3)) {
                            case 0 -> INTERESTING[rnd.nextInt(INTERESTING.length)];
                            case 1 -> old + (rnd.nextBoolean() ? 1 : -1);
                            default -> old * 2;
                        };
                        le(b).putLong(field, v);
                        how.append(" u64@").append(field).append('=').append(v);
                    }
                }
                case 4 -> {
                    int n = 1 + rnd.nextInt(16);
                    byte[] c = new byte[b.length + n];
                    System.arraycopy(b, 0, c, 0, at);
                    for (int k = 0; k < n; k++) {
                        c[at + k] = (byte) rnd.nextInt(256);
                    }
                    System.arraycopy(b, at, c, at + n, b.length - at);
                    b = c;
                    how.append(" insert@").append(at).append('+').append(n);
                }
                case 5 -> {
                    int n = Math.min(1 + rnd.nextInt(16), b.length - at);
                    byte[] c = new byte[b.length - n];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + n, c, at, b.length - at - n);
                    b = c;
                    how.append(" delete@").append(at).append('-').append(n);
                }
                default -> {
                    int at8 = rnd.nextInt(Math.max(1, b.length - 8));
                    if (at8 + 8 <= b.length) {
                        long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
                        le(b).putLong(at8, v);
                        how.append(" anyu64@").append(at8).append('=').append(v);
                    }
                }
            }
        }
        if (rnd.nextInt(3) != 0 && b.length >= 16) {
            le(b).putLong(8, b.length); // keep the outer size consistent so the mutation is reached
            how.append(" sized");
        }
        return b;
    }
}
