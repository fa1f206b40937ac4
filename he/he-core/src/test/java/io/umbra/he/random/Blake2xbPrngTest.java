package io.umbra.he.random;

import io.umbra.he.hash.Blake2xb;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Blake2xbPrngTest {
    private static final long[] SEED = {
        0x0123456789abcdefL, 0xfedcba9876543210L, 1, 2, 3, 4, 5, 0x8000000000000000L};

    private static byte[] seedBytes() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : SEED) {
            b.putLong(w);
        }
        return b.array();
    }

    /** SEAL's stream from its definition: block c = BLAKE2Xb(4096 bytes, in = LE64(c), key = seed). */
    private static byte[] expectedStream(int blocks) {
        byte[] stream = new byte[blocks * 4096];
        byte[] key = seedBytes();
        for (int c = 0; c < blocks; c++) {
            byte[] counter = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(c).array();
            Blake2xb.xof(stream, c * 4096, 4096, counter, key);
        }
        return stream;
    }

    @Test
    void streamIsCounterModeBlake2xbKeyedWithTheSeed() {
        byte[] expected = expectedStream(3);
        byte[] got = new byte[expected.length];
        Blake2xbPrng.ofSeed(SEED).generate(got, 0, got.length);
        assertArrayEquals(expected, got);
    }

    @Test
    void readsOfAnySizeWalkTheSameStream() {
        byte[] expected = expectedStream(4);
        ByteBuffer le = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        Random rnd = new Random(11);
        for (int trial = 0; trial < 50; trial++) {
            Blake2xbPrng prng = Blake2xbPrng.ofSeed(SEED);
            int pos = 0;
            while (pos < expected.length - 600) {
                switch (rnd.nextInt(5)) {
                    case 0 -> {
                        assertEquals(le.getLong(pos), prng.nextLong(), "nextLong at " + pos);
                        pos += 8;
                    }
                    case 1 -> {
                        assertEquals(le.getInt(pos), prng.nextInt(), "nextInt at " + pos);
                        pos += 4;
                    }
                    case 2 -> {
                        int bytes = 1 + rnd.nextInt(8);
                        long want = 0;
                        for (int i = bytes - 1; i >= 0; i--) {
                            want = want << 8 | (expected[pos + i] & 0xFF);
                        }
                        assertEquals(want, prng.nextUnsigned(bytes), bytes + " bytes at " + pos);
                        pos += bytes;
                    }
                    case 3 -> {
                        int len = rnd.nextInt(500);
                        byte[] got = new byte[len + 3];
                        prng.generate(got, 3, len);
                        assertArrayEquals(Arrays.copyOfRange(expected, pos, pos + len), Arrays.copyOfRange(got, 3, len + 3));
                        pos += len;
                    }
                    default -> {
                        int count = rnd.nextInt(70);
                        long[] got = new long[count + 1];
                        prng.generate(got, 1, count);
                        for (int i = 0; i < count; i++) {
                            assertEquals(le.getLong(pos + 8 * i), got[1 + i], "word " + i + " at " + pos);
                        }
                        pos += 8 * count;
                    }
                }
            }
        }
    }

    @Test
    void refreshSkipsToTheNextBlockAsSealDoes() {
        byte[] expected = expectedStream(4);
        ByteBuffer le = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);

        Blake2xbPrng fresh = Blake2xbPrng.ofSeed(SEED);
        fresh.refresh(); // nothing generated yet: SEAL fills block 0
        assertEquals(le.getLong(0), fresh.nextLong());

        Blake2xbPrng partial = Blake2xbPrng.ofSeed(SEED);
        partial.generate(new byte[10], 0, 10);
        partial.refresh(); // rest of block 0 dropped
        assertEquals(le.getLong(4096), partial.nextLong());

        Blake2xbPrng exhausted = Blake2xbPrng.ofSeed(SEED);
        exhausted.generate(new byte[4096], 0, 4096);
        exhausted.refresh(); // SEAL had already made block 1 when block 0 ran out, and drops it
        assertEquals(le.getLong(2 * 4096), exhausted.nextLong());
    }

    @Test
    void seedRoundTrips() {
        Blake2xbPrng prng = Blake2xbPrng.ofSeed(SEED);
        assertArrayEquals(SEED, prng.seed());
        assertArrayEquals(seedBytes(), prng.seedBytes());
        Blake2xbPrng same = Blake2xbPrng.ofSeedBytes(seedBytes());
        assertEquals(prng.nextLong(), same.nextLong());
        assertThrows(IllegalArgumentException.class, () -> Blake2xbPrng.ofSeed(new long[7]));
        assertThrows(IllegalArgumentException.class, () -> Blake2xbPrng.ofSeedBytes(new byte[63]));
        assertThrows(IllegalArgumentException.class, () -> prng.nextUnsigned(9));
    }

    @Test
    void osSeedsDiffer() {
        Blake2xbPrng a = Blake2xbPrng.fromOs();
        Blake2xbPrng b = Blake2xbPrng.fromOs();
        assertFalse(Arrays.equals(a.seed(), b.seed()));
        assertFalse(Arrays.equals(new long[8], a.seed()));
    }
}
