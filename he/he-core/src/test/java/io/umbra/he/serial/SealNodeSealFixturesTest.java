package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.ckks.SecretKey;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.umbra.he.serial.SealTestObjects.B;
import static io.umbra.he.serial.SealTestObjects.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files saved by node-seal 7.0.0 (SEAL 4.1.2), made by src/test/node/fixtures/make-serial-fixtures.mjs
 * with N=4096, Create(4096, {36,36,37}): each loads, and saving it again in its own compression mode
 * gives node-seal's bytes exactly, zlib and zstd included. (The live oracle test checks the rest.)
 */
class SealNodeSealFixturesTest {

    /** The body SEAL compressed, recovered with our decompressor. */
    private static byte[] uncompressedBody(byte[] file) {
        SealHeader h = SealHeader.read(file, 0, file.length, "fixture");
        return Payload.decompress(h.compression(), file, 16, file.length - 16, Seal.MAX_DECOMPRESSED_BYTES, "fixture");
    }

    private static void assertSameBody(byte[] compressedFixture, byte[] ourUncompressed) {
        assertArrayEquals(uncompressedBody(compressedFixture), Arrays.copyOfRange(ourUncompressed, 16, ourUncompressed.length),
                "the uncompressed body equals SEAL's");
    }

    @Test
    void parametersInAllThreeModes() {
        for (Compression mode : Compression.values()) {
            byte[] file = fixture("params." + mode.name().toLowerCase());
            EncryptionParameters p = Seal.loadParameters(file);
            assertEquals(B.params(), p);
            assertArrayEquals(file, Seal.save(p, SaveOptions.of(mode)), mode + " re-save");
        }
        assertEquals(129, fixture("params.none").length);
    }

    @Test
    void seededCiphertextExpandsExactlyAsSeal() {
        byte[] seeded = fixture("ciphertext-seeded.none");
        byte[] sealExpanded = fixture("ciphertext-seeded-expanded.zstd");
        Ciphertext ct = Seal.loadCiphertext(B, seeded);
        assertNotNull(ct.seed());
        assertEquals(B.firstData().parmsId(), ct.parmsId());
        assertEquals(0x1p30, ct.scale());
        assertArrayEquals(seeded, Seal.save(ct), "seed-compressed re-save");
        // SEAL loaded the same bytes, regenerated c1, and saved it with zstd: we give the same file.
        assertArrayEquals(sealExpanded, Seal.save(ct, SaveOptions.of(Compression.ZSTD).withExpandedSeeds()));
        assertSameBody(sealExpanded, Seal.save(ct, SaveOptions.DEFAULT.withExpandedSeeds()));

        Ciphertext fromSeal = Seal.loadCiphertext(B, sealExpanded);
        assertNull(fromSeal.seed());
        assertArrayEquals(ct.data(), fromSeal.data());
        assertArrayEquals(sealExpanded, Seal.save(fromSeal, SaveOptions.of(Compression.ZSTD)));
    }

    @Test
    void sizeThreeCiphertextAtTheLastLevel() {
        byte[] file = fixture("ciphertext-size3-last.zstd");
        Ciphertext ct = Seal.loadCiphertext(B, file);
        ContextData last = B.lastData();
        assertEquals(last.parmsId(), ct.parmsId());
        assertEquals(3, ct.size());
        assertEquals(1, ct.primeCount());
        assertEquals(0x1p60 / B.firstData().primes()[1], ct.scale(), 0x1p60 / B.firstData().primes()[1] * 1e-12);
        assertArrayEquals(file, Seal.save(ct, SaveOptions.of(Compression.ZSTD)));
        assertSameBody(file, Seal.save(ct));
    }

    @Test
    void plaintextWithZlib() {
        byte[] file = fixture("plaintext.zlib");
        Plaintext pt = Seal.loadPlaintext(B, file);
        assertEquals(B.firstData().parmsId(), pt.parmsId());
        assertEquals(0x1p30, pt.scale());
        assertArrayEquals(file, Seal.save(pt, SaveOptions.of(Compression.ZLIB)));
        assertSameBody(file, Seal.save(pt));
    }

    @Test
    void keys() {
        byte[] skFile = fixture("secretkey.zstd");
        SecretKey sk = Seal.loadSecretKey(B, skFile);
        assertEquals(B.keyLevel().parmsId(), sk.parmsId());
        assertArrayEquals(skFile, Seal.save(sk, SaveOptions.of(Compression.ZSTD)));

        byte[] pkFile = fixture("publickey-seeded.zstd");
        PublicKey pk = Seal.loadPublicKey(B, pkFile);
        assertNotNull(pk.data().seed());
        assertArrayEquals(pkFile, Seal.save(pk, SaveOptions.of(Compression.ZSTD)));

        byte[] rkFile = fixture("relinkeys-seeded.zstd");
        RelinKeys rk = Seal.loadRelinKeys(B, rkFile);
        assertTrue(rk.hasKey());
        assertEquals(1, rk.keys().length);
        assertEquals(2, rk.keys()[0].length);
        assertArrayEquals(rkFile, Seal.save(rk, SaveOptions.of(Compression.ZSTD)));
        assertSameBody(rkFile, Seal.save(rk));

        byte[] gkFile = fixture("galoiskeys-seeded-step1.zstd");
        GaloisKeys gk = Seal.loadGaloisKeys(B, gkFile);
        assertEquals(B.n(), gk.keys().length, "SEAL sizes the table to N");
        assertTrue(gk.hasKey(3), "rotation by 1 is Galois element 3");
        assertFalse(gk.hasKey(5));
        assertEquals(1, gk.size());
        assertArrayEquals(gkFile, Seal.save(gk, SaveOptions.of(Compression.ZSTD)));
    }

    @Test
    void fixturesAreWhatTheirNamesSay() {
        for (String name : new String[]{"params.none", "plaintext.zlib", "ciphertext-seeded.none", "ciphertext-seeded-expanded.zstd",
                "ciphertext-size3-last.zstd", "secretkey.zstd", "publickey-seeded.zstd", "relinkeys-seeded.zstd", "galoiskeys-seeded-step1.zstd"}) {
            String d = Seal.inspect(B, fixture(name));
            assertTrue(d.contains("valid for the given context: yes") || name.startsWith("params"), name + ":\n" + d);
        }
    }
}
