package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.ckks.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static io.umbra.he.serial.SealTestObjects.A;
import static io.umbra.he.serial.SealTestObjects.B;
import static io.umbra.he.serial.SealTestObjects.assertSame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Save → load → save for every kind, in every compression mode, and docs/SEAL-WIRE.md's known sizes. */
class SealRoundTripTest {
    private final Random rnd = new Random(20241123);

    @Test
    void knownSizesOfSetA() {
        ContextData data = A.firstData();
        assertEquals(153, Seal.save(A.params()).length, "parameters of Create(8192, {60,40,40,60})");
        assertEquals(393_329, Seal.save(SealTestObjects.ciphertext(rnd, data, 2, 0x1p40)).length, "public-key ciphertext");
        assertEquals(196_802, Seal.save(SealTestObjects.seededCiphertext(rnd, data, 0x1p40)).length, "seeded ciphertext");
        assertEquals(524_401, Seal.save(SealTestObjects.publicKey(rnd, A, false)).length, "public key");
        assertEquals(262_232, Seal.save(SealTestObjects.secretKey(rnd, A)).length, "secret key");
        assertEquals(196_696, Seal.save(SealTestObjects.plaintext(rnd, data, 0x1p40)).length, "plaintext");
        assertEquals(787_078, Seal.save(SealTestObjects.relinKeys(rnd, A, true)).length, "seeded relinearization keys");
    }

    @Test
    void parametersOfSetAHaveSealsBytes() {
        byte[] b = Seal.save(A.params());
        // header: 5E A1, 0x10, 4.1, none, 0 0, size 153
        assertArrayEquals(new byte[]{0x5E, (byte) 0xA1, 0x10, 4, 1, 0, 0, 0, (byte) 153, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(b, 16));
        assertEquals(2, b[16], "scheme CKKS");
        assertEquals(A.params(), Seal.loadParameters(b));
        assertArrayEquals(b, Seal.save(Seal.loadParameters(b)));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void parameters(Compression mode) {
        for (CkksContext ctx : new CkksContext[]{A, B}) {
            byte[] b = Seal.save(ctx.params(), SaveOptions.of(mode));
            assertEquals(mode.wireValue(), b[5]);
            EncryptionParameters p = Seal.loadParameters(b);
            assertEquals(ctx.params(), p);
            assertArrayEquals(b, Seal.save(p, SaveOptions.of(mode)));
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void ciphertextsAtEveryLevelAndSize(Compression mode) {
        SaveOptions o = SaveOptions.of(mode);
        for (ContextData level : B.levels().subList(1, B.levels().size())) {
            for (int size : new int[]{2, 3, 16}) {
                Ciphertext ct = SealTestObjects.ciphertext(rnd, level, size, 0x1p30 * 1.5);
                byte[] b = Seal.save(ct, o);
                Ciphertext back = Seal.loadCiphertext(B, b);
                assertSame(ct, back);
                assertNull(back.seed());
                assertArrayEquals(b, Seal.save(back, o));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void seededCiphertextStaysSeeded(Compression mode) {
        for (ContextData level : B.levels().subList(1, B.levels().size())) {
            Ciphertext ct = SealTestObjects.seededCiphertext(rnd, level, 0x1p25);
            byte[] seeded = Seal.save(ct, SaveOptions.of(mode));
            Ciphertext back = Seal.loadCiphertext(B, seeded);
            assertSame(ct, back); // c1 regenerated from the seed
            assertArrayEquals(ct.seed(), back.seed());
            assertArrayEquals(seeded, Seal.save(back, SaveOptions.of(mode)));

            byte[] expanded = Seal.save(back, SaveOptions.of(mode).withExpandedSeeds());
            Ciphertext unseeded = ct.copy();
            unseeded.seed(null);
            assertArrayEquals(Seal.save(unseeded, SaveOptions.of(mode)), expanded);
            Ciphertext fromExpanded = Seal.loadCiphertext(B, expanded);
            assertSame(ct, fromExpanded);
            assertNull(fromExpanded.seed());
        }
        Ciphertext a = SealTestObjects.seededCiphertext(rnd, A.firstData(), 0x1p40);
        assertEquals(196_802, Seal.save(a).length);
        assertEquals(393_329, Seal.save(a, SaveOptions.DEFAULT.withExpandedSeeds()).length);
    }

    @Test
    void aSeedOnALargerCiphertextIsNotUsed() {
        Ciphertext ct = SealTestObjects.ciphertext(rnd, B.firstData(), 3, 0x1p20);
        ct.seed(SealTestObjects.randomSeed(rnd));
        Ciphertext back = Seal.loadCiphertext(B, Seal.save(ct));
        assertSame(ct, back);
        assertNull(back.seed());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void plaintextsAndSecretKeys(Compression mode) {
        SaveOptions o = SaveOptions.of(mode);
        for (ContextData level : B.levels().subList(1, B.levels().size())) {
            Plaintext pt = SealTestObjects.plaintext(rnd, level, 0x1p30);
            byte[] b = Seal.save(pt, o);
            Plaintext back = Seal.loadPlaintext(B, b);
            assertSame(pt, back);
            assertArrayEquals(b, Seal.save(back, o));
        }
        SecretKey sk = SealTestObjects.secretKey(rnd, B);
        byte[] b = Seal.save(sk, o);
        SecretKey back = Seal.loadSecretKey(B, b);
        assertSame(sk.data(), back.data());
        assertArrayEquals(b, Seal.save(back, o));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void publicKeys(Compression mode) {
        SaveOptions o = SaveOptions.of(mode);
        for (boolean seeded : new boolean[]{false, true}) {
            PublicKey pk = SealTestObjects.publicKey(rnd, B, seeded);
            byte[] b = Seal.save(pk, o);
            PublicKey back = Seal.loadPublicKey(B, b);
            assertSame(pk.data(), back.data());
            assertEquals(seeded, back.data().seed() != null);
            assertArrayEquals(b, Seal.save(back, o));
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void relinearizationAndGaloisKeys(Compression mode) {
        SaveOptions o = SaveOptions.of(mode);
        for (boolean seeded : new boolean[]{false, true}) {
            RelinKeys rk = SealTestObjects.relinKeys(rnd, B, seeded);
            byte[] b = Seal.save(rk, o);
            RelinKeys rkBack = Seal.loadRelinKeys(B, b);
            assertSame(rk, rkBack);
            assertTrue(rkBack.hasKey());
            assertArrayEquals(b, Seal.save(rkBack, o));

            GaloisKeys gk = SealTestObjects.galoisKeys(rnd, B, seeded, 3, 2 * B.n() - 1);
            byte[] g = Seal.save(gk, o);
            GaloisKeys gkBack = Seal.loadGaloisKeys(B, g);
            assertSame(gk, gkBack);
            assertTrue(gkBack.hasKey(3));
            assertFalse(gkBack.hasKey(5));
            assertArrayEquals(g, Seal.save(gkBack, o));
        }
        // Seeded keys written expanded load as the same keys, without seeds.
        RelinKeys rk = SealTestObjects.relinKeys(rnd, B, true);
        RelinKeys expanded = Seal.loadRelinKeys(B, Seal.save(rk, o.withExpandedSeeds()));
        assertArrayEquals(rk.keys()[0][1].data().data(), expanded.keys()[0][1].data().data());
        assertNull(expanded.keys()[0][1].data().seed());
    }

    @Test
    void compressionShrinksAndKeepsTheHeaderSize() {
        Ciphertext ct = SealTestObjects.ciphertext(rnd, B.firstData(), 2, 0x1p30);
        int none = Seal.save(ct).length;
        for (Compression mode : new Compression[]{Compression.ZLIB, Compression.ZSTD}) {
            byte[] b = Seal.save(ct, SaveOptions.of(mode));
            assertTrue(b.length < none, mode + " should shrink 37-bit coefficients in 64-bit words");
            assertEquals(b.length, java.nio.ByteBuffer.wrap(b, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        }
    }
}
