package io.umbra.he.hash;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Blake2bTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] counting(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void rfc7693AppendixA() {
        // RFC 7693, Appendix A: BLAKE2b-512("abc").
        assertEquals("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            HEX.formatHex(Blake2b.hash(64, ascii("abc"))));
    }

    @Test
    void unkeyedKnownAnswers() {
        assertEquals("786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
                + "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce",
            HEX.formatHex(Blake2b.hash(64, new byte[0])));
        assertEquals("a8add4bdddfd93e4877d2746e62817b116364a1fa7bc148d95090bc7333b3673"
                + "f82401cf7aa2e4cb1ecd90296e3f14cb5413f8ed77be73045b13914cdcd6a918",
            HEX.formatHex(Blake2b.hash(64, ascii("The quick brown fox jumps over the lazy dog"))));
        // Digest length is part of the parameter block, so BLAKE2b-256 is not a truncation of -512.
        assertEquals("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
            HEX.formatHex(Blake2b.hash(32, ascii("abc"))));
    }

    @Test
    void officialKeyedKat() {
        // blake2b-kat.txt (BLAKE2 reference package): key = 00..3f, in = 00..(len-1).
        byte[] key = counting(64);
        assertEquals("10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
                + "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568",
            HEX.formatHex(Blake2b.hash(64, new byte[0], key)));
        assertEquals("961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4"
                + "187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd",
            HEX.formatHex(Blake2b.hash(64, counting(1), key)));
        // Exactly one block of message after the key block, and a length just short of two.
        assertEquals("72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44"
                + "788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4",
            HEX.formatHex(Blake2b.hash(64, counting(128), key)));
        assertEquals("142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e9248"
                + "4be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461",
            HEX.formatHex(Blake2b.hash(64, counting(255), key)));
    }

    @Test
    void fullParameterBlock() {
        // Known answers from CPython's hashlib.blake2b, which exposes every parameter-block field.
        byte[] msg = counting(200);
        Blake2b.Parameters p = new Blake2b.Parameters()
            .digestLength(48).fanout(3).depth(7).leafLength(0x12345678)
            .nodeOffset64(0x0102030405060708L).nodeDepth(9).innerLength(33)
            .salt(ascii("saltsaltsalt1234")).personal(ascii("Umbra-personal!!"));
        Blake2b b = new Blake2b(p, ascii("secret key")).lastNode(true);
        b.update(msg);
        assertEquals("94fb0ae202c8ef6c09d75bf2a4320d66158c1897d7e19dab8eda2b7ce748b3d9"
                + "bf1a560dcda4e7fb9c8a26e4375e8c6b", HEX.formatHex(b.doFinal()));

        Blake2b.Parameters q = new Blake2b.Parameters()
            .digestLength(20).fanout(0).depth(255).leafLength(0xFFFFFFFF)
            .nodeOffset(0xFFFFFFFF).xofLength(0xFFFFFFFF).nodeDepth(255).innerLength(64)
            .salt(ascii("ab")).personal(ascii("xyz"));
        Blake2b c = new Blake2b(q, null);
        c.update(msg);
        assertEquals("88f43144a8feaf18a2fd5b9e22ca80ceaea2e578", HEX.formatHex(c.doFinal()));
    }

    @Test
    void parameterBlockLayout() {
        byte[] block = new Blake2b.Parameters()
            .digestLength(64).keyLength(0).fanout(1).depth(1)
            .leafLength(0x04030201).nodeOffset(0x08070605).xofLength(0x0C0B0A09)
            .nodeDepth(0x0D).innerLength(0x0E).toBytes();
        byte[] expected = new byte[64];
        expected[0] = 64;
        expected[2] = 1;
        expected[3] = 1;
        for (int i = 4; i <= 14; i++) {
            expected[i] = (byte) (i - 3);
        }
        expected[15] = 0x0C;
        expected[16] = 0x0D;
        expected[17] = 0x0E;
        assertArrayEquals(expected, block);
    }

    @Test
    void streamingMatchesOneShotForAnySplit() {
        Random rnd = new Random(7);
        byte[] key = counting(37);
        for (int len : new int[] {0, 1, 127, 128, 129, 255, 256, 257, 1000, 4096}) {
            byte[] msg = new byte[len];
            rnd.nextBytes(msg);
            byte[] expected = Blake2b.hash(64, msg, key);
            for (int trial = 0; trial < 20; trial++) {
                Blake2b b = new Blake2b(64, key);
                int pos = 0;
                while (pos < len) {
                    int step = Math.min(len - pos, rnd.nextInt(300));
                    b.update(msg, pos, step);
                    pos += step;
                }
                assertArrayEquals(expected, b.doFinal(), "length " + len);
            }
            Blake2b reused = new Blake2b(64, key);
            reused.update(new byte[99]);
            reused.reset();
            reused.update(msg);
            assertArrayEquals(expected, reused.doFinal(), "reset, length " + len);
        }
    }

    @Test
    void rejectsOutOfRangeParameters() {
        assertThrows(IllegalArgumentException.class, () -> new Blake2b(0));
        assertThrows(IllegalArgumentException.class, () -> new Blake2b(65));
        assertThrows(IllegalArgumentException.class, () -> new Blake2b(64, new byte[65]));
        assertThrows(IllegalArgumentException.class, () -> new Blake2b.Parameters().salt(new byte[17]));
        assertThrows(IllegalArgumentException.class, () -> new Blake2b.Parameters().innerLength(65));
    }
}
