package io.umbra.he.hash;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Blake2xbTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = counting(64);
    private static final byte[] IN = counting(256);

    private static byte[] counting(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** The BLAKE2 package's variant, which keeps the key length in the output blocks' parameters. */
    private static String xof(int outLen) {
        byte[] out = new byte[outLen];
        new Blake2xb(true).expand(out, 0, outLen, IN, 0, IN.length, KEY);
        return HEX.formatHex(out);
    }

    /**
     * testvectors/blake2-kat.json of the BLAKE2 reference package: keyed BLAKE2Xb, in = 00..ff,
     * key = 00..3f. These vectors differ from SEAL's BLAKE2Xb in one parameter byte (see
     * {@link Blake2xb}); they check everything else, SamplerSeedExpansionTest checks SEAL's variant.
     */
    @Test
    void officialKeyedKat() {
        assertEquals("4c", xof(1));
        assertEquals("f765", xof(2));
        assertEquals("fcb867", xof(3));
        assertEquals("51c6ffd0", xof(4));
        assertEquals("97bf92fb1a8a4d2c4ae3350a4cf3da0d", xof(16));
        assertEquals("59e0a84c92424cafcbbe55acf314d17519e5d5046a5acc6f172afb8451d34f18c9cb63993fe4804d3c1e1cb7f03f"
                + "09b376b6850020c0da43c1912c5a1dd99340a2ed516756e164d82cfe16b947643899473ae192c32f958aa677abd24bee"
                + "ecaefa59d8f877dcd731ce7fc50b5c3ea2115d26b224c1517d335414717bcc5201dc5fb9f7568640926ddeb77e5eb204"
                + "8d623651e354091e68bacd13b178fc32b304f19d522395d0586cfb94f885ae6ac1c05219178d0d79539b81f1448ccae9"
                + "5527746c583c83dfc9400161d31607fba2d168a21d28367c5cbeef5a0369a6dfe56203a6e2cfd3def44ed4d96ab2a1b2"
                + "e072bcd4ee6c72a678e078ed36d4455f87", xof(255));
        assertEquals("dbff4a91961d07c8cbdfa91a99d7d2d3b880fcfc21bded8bf496bfb7e21af270a6a17b04cc903974d03c28d344ac"
                + "bfd46ff4bfa6222dab266641a5fdd89eb6b01be39260a48343355c7052d16b48e47afe352b92e350637f17e2f1cbec08"
                + "86c312a25fdcadff87a5ad430ccb9a553e6446889fee472bfddcbd87133bccd50b55e8d172a82a22da5bed68c922dfe7"
                + "ffd7a3567191a8dd2f3e1c9b08e697a625d779fc62559b89139e8137cf7c7bf5f4e445b6312072c1e13f3ed05bcb0e0b"
                + "547683c94328e11b3e2155c8dcfe48bb231a9687a2540f9da9364cc4d41b6989e43f4e3a850ea9b359a01bdcee2ffd70"
                + "b3ef17d44626aa43d05a570de333301d4ffc", xof(256));
    }

    @Test
    void sealVariantDiffersOnlyWhenKeyed() {
        byte[] sealKeyed = Blake2xb.xof(100, IN, KEY);
        byte[] katKeyed = new byte[100];
        new Blake2xb(true).expand(katKeyed, 0, 100, IN, 0, IN.length, KEY);
        assertEquals(false, Arrays.equals(sealKeyed, katKeyed));

        byte[] sealUnkeyed = Blake2xb.xof(100, IN, null);
        byte[] katUnkeyed = new byte[100];
        new Blake2xb(true).expand(katUnkeyed, 0, 100, IN, 0, IN.length, null);
        assertArrayEquals(sealUnkeyed, katUnkeyed);
    }

    @Test
    void outputBlocksFollowTheReferenceConstruction() {
        // Rebuild BLAKE2Xb from plain BLAKE2b with explicit parameter blocks, as blake2xb.c does it.
        int outLen = 150;
        Blake2b rootHash = new Blake2b(new Blake2b.Parameters().xofLength(outLen), KEY);
        rootHash.update(IN);
        byte[] root = rootHash.doFinal();
        byte[] expected = new byte[outLen];
        for (int i = 0, pos = 0; pos < outLen; i++) {
            int size = Math.min(64, outLen - pos);
            Blake2b node = new Blake2b(new Blake2b.Parameters().digestLength(size).fanout(0).depth(0)
                .leafLength(64).nodeOffset(i).xofLength(outLen).innerLength(64), null);
            node.update(root);
            System.arraycopy(node.doFinal(), 0, expected, pos, size);
            pos += size;
        }
        assertArrayEquals(expected, Blake2xb.xof(outLen, IN, KEY));
    }

    @Test
    void reusedEngineAndOffsetsGiveTheSameBytes() {
        Blake2xb engine = new Blake2xb();
        byte[] a = Blake2xb.xof(4096, new byte[] {1, 2, 3}, KEY);
        byte[] out = new byte[4096 + 10];
        engine.expand(out, 3, 100, IN, 0, 256, null); // dirty the engine with another shape first
        byte[] in = {9, 1, 2, 3, 9};
        engine.expand(out, 5, 4096, in, 1, 3, KEY);
        assertArrayEquals(a, Arrays.copyOfRange(out, 5, 4101));
        // Lengths are in the parameter blocks, so a shorter output is not a prefix of a longer one.
        byte[] shorter = Blake2xb.xof(64, new byte[] {1, 2, 3}, KEY);
        assertEquals(false, Arrays.equals(shorter, Arrays.copyOf(a, 64)));
    }
}
