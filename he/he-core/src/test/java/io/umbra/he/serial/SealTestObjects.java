package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.KSwitchKeys;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.ckks.SecretKey;
import io.umbra.he.random.Blake2xbPrng;
import io.umbra.he.random.Sampler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Objects of SEAL's shapes with random reduced coefficients (no key generation needed: the format
 * does not care what the numbers mean), the two parameter sets of the tests, and the node-seal
 * fixtures.
 */
final class SealTestObjects {
    /** Set (a) of docs/SEAL-WIRE.md: CoeffModulus::Create(8192, {60, 40, 40, 60}). */
    static final CkksContext A = CkksContext.create(EncryptionParameters.create(8192, 60, 40, 40, 60));
    /** The node-seal fixtures' set: CoeffModulus::Create(4096, {36, 36, 37}). */
    static final CkksContext B = CkksContext.create(EncryptionParameters.create(4096, 36, 36, 37));

    private SealTestObjects() {
    }

    static long[] random(Random rnd, ContextData level, int polys) {
        int n = level.n();
        long[] primes = level.primes();
        long[] data = new long[polys * primes.length * n];
        int d = 0;
        for (int p = 0; p < polys; p++) {
            for (long q : primes) {
                for (int i = 0; i < n; i++) {
                    data[d++] = Long.remainderUnsigned(rnd.nextLong(), q);
                }
            }
        }
        return data;
    }

    static long[] randomSeed(Random rnd) {
        long[] seed = new long[Blake2xbPrng.SEED_WORDS];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = rnd.nextLong();
        }
        return seed;
    }

    static Ciphertext ciphertext(Random rnd, ContextData level, int size, double scale) {
        return new Ciphertext(level.parmsId(), size, level.n(), level.primeCount(), scale, random(rnd, level, size));
    }

    /** A size-2 ciphertext whose c1 is the expansion of a seed, as symmetric encryption makes it. */
    static Ciphertext seededCiphertext(Random rnd, ContextData level, double scale) {
        Ciphertext ct = ciphertext(rnd, level, 2, scale);
        long[] seed = randomSeed(rnd);
        Sampler.uniform(Blake2xbPrng.ofSeed(seed), level.primes(), level.n(), ct.data(), ct.polyOffset(1));
        ct.seed(seed);
        return ct;
    }

    static Plaintext plaintext(Random rnd, ContextData level, double scale) {
        return new Plaintext(level.parmsId(), scale, random(rnd, level, 1));
    }

    static SecretKey secretKey(Random rnd, CkksContext ctx) {
        return new SecretKey(plaintext(rnd, ctx.keyLevel(), 1.0));
    }

    static PublicKey publicKey(Random rnd, CkksContext ctx, boolean seeded) {
        ContextData key = ctx.keyLevel();
        return new PublicKey(seeded ? seededCiphertext(rnd, key, 1.0) : ciphertext(rnd, key, 2, 1.0));
    }

    private static PublicKey[] switchingKey(Random rnd, CkksContext ctx, boolean seeded) {
        PublicKey[] parts = new PublicKey[ctx.firstData().primeCount()];
        for (int j = 0; j < parts.length; j++) {
            parts[j] = publicKey(rnd, ctx, seeded);
        }
        return parts;
    }

    static RelinKeys relinKeys(Random rnd, CkksContext ctx, boolean seeded) {
        return new RelinKeys(ctx.keyLevel().parmsId(), new PublicKey[][]{switchingKey(rnd, ctx, seeded)});
    }

    /** SEAL's layout: one entry per index g/2 below N, empty except for the given elements. */
    static GaloisKeys galoisKeys(Random rnd, CkksContext ctx, boolean seeded, int... elts) {
        PublicKey[][] table = new PublicKey[ctx.n()][];
        for (int i = 0; i < table.length; i++) {
            table[i] = new PublicKey[0];
        }
        for (int g : elts) {
            table[GaloisKeys.indexOf(g)] = switchingKey(rnd, ctx, seeded);
        }
        return new GaloisKeys(ctx.keyLevel().parmsId(), table);
    }

    static byte[] fixture(String name) {
        String path = "/fixtures/serial/" + name;
        try (InputStream in = SealTestObjects.class.getResourceAsStream(path)) {
            assertNotNull(in, "missing fixture " + path + " (regenerate with src/test/node/fixtures/make-serial-fixtures.mjs)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertSame(Ciphertext expected, Ciphertext actual) {
        assertEquals(expected.parmsId(), actual.parmsId(), "parms_id");
        assertEquals(expected.size(), actual.size(), "size");
        assertEquals(expected.n(), actual.n(), "n");
        assertEquals(expected.primeCount(), actual.primeCount(), "prime count");
        assertEquals(Double.doubleToRawLongBits(expected.scale()), Double.doubleToRawLongBits(actual.scale()), "scale");
        assertArrayEquals(expected.data(), actual.data(), "coefficients");
    }

    static void assertSame(Plaintext expected, Plaintext actual) {
        assertEquals(expected.parmsId(), actual.parmsId(), "parms_id");
        assertEquals(Double.doubleToRawLongBits(expected.scale()), Double.doubleToRawLongBits(actual.scale()), "scale");
        assertArrayEquals(expected.data(), actual.data(), "coefficients");
    }

    static void assertSame(KSwitchKeys expected, KSwitchKeys actual) {
        assertEquals(expected.parmsId(), actual.parmsId(), "parms_id");
        assertEquals(expected.keys().length, actual.keys().length, "dim1");
        for (int i = 0; i < expected.keys().length; i++) {
            assertEquals(expected.keys()[i].length, actual.keys()[i].length, "dim2 of entry " + i);
            for (int j = 0; j < expected.keys()[i].length; j++) {
                assertSame(expected.keys()[i][j].data(), actual.keys()[i][j].data());
                assertArrayEquals(expected.keys()[i][j].data().seed(), actual.keys()[i][j].data().seed(), "seed of entry " + i + " part " + j);
            }
        }
    }
}
