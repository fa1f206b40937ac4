package io.umbra.he.random;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Known answers from real SEAL: node-seal 7.0.0 (SEAL 4.1.2) saved seeded symmetric ciphertexts and
 * the same ciphertexts after loading, when SEAL has regenerated c1 from the seed. Expanding the seed
 * with our PRNG and uniform sampler must give SEAL's c1 word for word. Fixtures: see
 * {@code src/test/resources/fixtures/prng/README.md}.
 */
class SamplerSeedExpansionTest {
    /** CoeffModulus.Create(4096, {36, 36, 37}); the 37-bit prime is the special prime. */
    private static final long[] PRIMES = {68719230977L, 68719403009L, 137438822401L};

    /** The parts of a saved CKKS ciphertext this test needs (docs/SEAL-WIRE.md, "Ciphertext"). */
    private record Saved(long[] parmsId, int n, int k, long[] values, byte[] seed) {
    }

    private static Saved read(String name, boolean seeded) throws IOException {
        byte[] bytes;
        try (InputStream in = SamplerSeedExpansionTest.class.getResourceAsStream("/fixtures/prng/" + name)) {
            assertNotNull(in, name);
            bytes = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((short) 0xA15E, b.getShort(0), "SEAL magic");
        assertEquals(bytes.length, b.getLong(8), "object size");
        b.position(16);
        long[] parmsId = {b.getLong(), b.getLong(), b.getLong(), b.getLong()};
        assertEquals(1, b.get(), "NTT form");
        assertEquals(2, b.getLong(), "ciphertext size");
        int n = (int) b.getLong();
        int k = (int) b.getLong();
        b.getDouble(); // scale
        b.getLong();   // correction factor
        b.position(b.position() + 16); // coefficient array header
        int count = (int) b.getLong();
        assertEquals((seeded ? 1 : 2) * k * n, count);
        long[] values = new long[count];
        b.asLongBuffer().get(values);
        b.position(b.position() + 8 * count);
        byte[] seed = null;
        if (seeded) {
            b.position(b.position() + 16); // seed object header
            assertEquals(1, b.get(), "PRNG type blake2xb");
            seed = new byte[Blake2xbPrng.SEED_BYTES];
            b.get(seed);
        }
        assertEquals(bytes.length, b.position());
        return new Saved(parmsId, n, k, values, seed);
    }

    private static void expandsLikeSeal(String level) throws IOException {
        Saved seeded = read(level + "-seeded.bin", true);
        Saved expanded = read(level + "-expanded.bin", false);
        int n = seeded.n();
        int k = seeded.k();
        assertArrayEquals(seeded.parmsId(), expanded.parmsId());
        assertArrayEquals(seeded.values(), Arrays.copyOf(expanded.values(), k * n), "c0 is kept as saved");

        long[] c1 = new long[k * n];
        Sampler.uniform(Blake2xbPrng.ofSeedBytes(seeded.seed()), Arrays.copyOf(PRIMES, k), n, c1, 0);
        assertArrayEquals(Arrays.copyOfRange(expanded.values(), k * n, 2 * k * n), c1);
    }

    @Test
    void firstDataLevelTwoPrimes() throws IOException {
        expandsLikeSeal("n4096-level0");
    }

    @Test
    void nextLevelOnePrime() throws IOException {
        expandsLikeSeal("n4096-level1");
    }
}
