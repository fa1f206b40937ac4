package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.ckks.SecretKey;
import io.umbra.he.interop.NodeSeal;
import io.umbra.he.interop.NodeSeal.Keys;
import io.umbra.he.interop.NodeSeal.Kind;
import io.umbra.he.interop.NodeSeal.NodeSealException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.umbra.he.serial.SealTestObjects.A;
import static io.umbra.he.serial.SealTestObjects.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both directions against live SEAL 4.1.2 (node-seal, through {@link NodeSeal}): objects SEAL makes
 * load here and save back to SEAL's bytes; objects we save load in SEAL, which re-saves them (seeded
 * ones expanded by SEAL's own PRNG) to exactly our expanded bytes.
 */
class SealNodeSealInteropTest {
    private static final double[] VALUES = {3.25, -1.5, 0.0, 42.0, 1e-3};
    private static NodeSeal seal;
    private static byte[] paramsA;
    private static byte[] paramsB;
    private static Keys keysB;

    @BeforeAll
    static void start() {
        seal = NodeSeal.shared();
        paramsA = seal.params(8192, 60, 40, 40, 60);
        paramsB = seal.params(4096, 36, 36, 37);
        keysB = seal.keygenSeeded(paramsB, true, 1, -1);
    }

    private static byte[] expanded(byte[] ours, CkksContext ctx, Kind kind) {
        return switch (kind) {
            case CIPHERTEXT -> Seal.save(Seal.loadCiphertext(ctx, ours), SaveOptions.DEFAULT.withExpandedSeeds());
            case PUBLIC_KEY -> Seal.save(Seal.loadPublicKey(ctx, ours), SaveOptions.DEFAULT.withExpandedSeeds());
            case RELIN_KEYS -> Seal.save(Seal.loadRelinKeys(ctx, ours), SaveOptions.DEFAULT.withExpandedSeeds());
            case GALOIS_KEYS -> Seal.save(Seal.loadGaloisKeys(ctx, ours), SaveOptions.DEFAULT.withExpandedSeeds());
            default -> ours;
        };
    }

    @Test
    void parametersAreSealsBytes() {
        assertArrayEquals(paramsA, Seal.save(A.params()));
        assertArrayEquals(paramsB, Seal.save(B.params()));
        assertEquals(A.params(), Seal.loadParameters(paramsA));
        assertArrayEquals(paramsA, seal.loadSave(null, Kind.PARAMS, Seal.save(A.params())));
    }

    @Test
    void sealsKeysLoadAndSaveBackIdentically() {
        SecretKey sk = Seal.loadSecretKey(B, keysB.secretKey());
        assertArrayEquals(keysB.secretKey(), Seal.save(sk));
        PublicKey pk = Seal.loadPublicKey(B, keysB.publicKey());
        assertArrayEquals(keysB.publicKey(), Seal.save(pk));
        PublicKey pkSeeded = Seal.loadPublicKey(B, keysB.publicKeySeeded());
        assertNotNull(pkSeeded.data().seed());
        assertArrayEquals(keysB.publicKeySeeded(), Seal.save(pkSeeded));
        RelinKeys rk = Seal.loadRelinKeys(B, keysB.relinKeys());
        assertArrayEquals(keysB.relinKeys(), Seal.save(rk));
        GaloisKeys gk = Seal.loadGaloisKeys(B, keysB.galoisKeys());
        assertTrue(gk.hasKey(3));
        assertEquals(2, gk.size(), "steps 1 and -1");
        assertArrayEquals(keysB.galoisKeys(), Seal.save(gk));

        // SEAL expands the seeds when it loads; so do we, to the same words.
        for (Kind kind : new Kind[]{Kind.PUBLIC_KEY, Kind.RELIN_KEYS, Kind.GALOIS_KEYS}) {
            byte[] seeded = switch (kind) {
                case PUBLIC_KEY -> keysB.publicKeySeeded();
                case RELIN_KEYS -> keysB.relinKeys();
                default -> keysB.galoisKeys();
            };
            assertArrayEquals(seal.loadSave(paramsB, kind, seeded), expanded(seeded, B, kind), kind + " expanded");
        }
    }

    @Test
    void setARelinKeysHaveTheKnownSize() {
        Keys keysA = seal.keygenSeeded(paramsA, true);
        assertEquals(787_078, keysA.relinKeys().length);
        assertArrayEquals(keysA.relinKeys(), Seal.save(Seal.loadRelinKeys(A, keysA.relinKeys())));
        assertArrayEquals(keysA.publicKey(), Seal.save(Seal.loadPublicKey(A, keysA.publicKey())));
        assertEquals(524_401, keysA.publicKey().length);
        assertEquals(262_232, keysA.secretKey().length);
    }

    @Test
    void sealsCiphertexts() {
        byte[] fresh = seal.encrypt(paramsB, keysB.publicKey(), 0x1p30, VALUES);
        assertArrayEquals(fresh, Seal.save(Seal.loadCiphertext(B, fresh)));
        byte[] seeded = seal.encryptSymmetric(paramsB, keysB.secretKey(), 0x1p30, VALUES);
        Ciphertext ct = Seal.loadCiphertext(B, seeded);
        assertArrayEquals(seeded, Seal.save(ct));
        assertArrayEquals(seal.loadSave(paramsB, Kind.CIPHERTEXT, seeded), Seal.save(ct, SaveOptions.DEFAULT.withExpandedSeeds()));
        byte[] squared = seal.square(paramsB, fresh);
        Ciphertext three = Seal.loadCiphertext(B, squared);
        assertEquals(3, three.size());
        assertArrayEquals(squared, Seal.save(three));
    }

    @Test
    void sealLoadsWhatWeSave() {
        Random rnd = new Random(7);
        SecretKey sk = SealTestObjects.secretKey(rnd, B);
        assertArrayEquals(Seal.save(sk), seal.loadSave(paramsB, Kind.SECRET_KEY, Seal.save(sk)));
        for (boolean seeded : new boolean[]{false, true}) {
            byte[] pk = Seal.save(SealTestObjects.publicKey(rnd, B, seeded));
            assertArrayEquals(expanded(pk, B, Kind.PUBLIC_KEY), seal.loadSave(paramsB, Kind.PUBLIC_KEY, pk));
            byte[] rk = Seal.save(SealTestObjects.relinKeys(rnd, B, seeded));
            assertArrayEquals(expanded(rk, B, Kind.RELIN_KEYS), seal.loadSave(paramsB, Kind.RELIN_KEYS, rk));
            byte[] gk = Seal.save(SealTestObjects.galoisKeys(rnd, B, seeded, 3, 2 * B.n() - 1));
            assertArrayEquals(expanded(gk, B, Kind.GALOIS_KEYS), seal.loadSave(paramsB, Kind.GALOIS_KEYS, gk));
        }
        for (var level : B.levels().subList(1, B.levels().size())) {
            byte[] pt = Seal.save(SealTestObjects.plaintext(rnd, level, 0x1p20));
            assertArrayEquals(pt, seal.loadSave(paramsB, Kind.PLAINTEXT, pt));
            byte[] ct3 = Seal.save(SealTestObjects.ciphertext(rnd, level, 3, 0x1p20));
            assertArrayEquals(ct3, seal.loadSave(paramsB, Kind.CIPHERTEXT, ct3));
            byte[] seeded = Seal.save(SealTestObjects.seededCiphertext(rnd, level, 0x1p20));
            assertArrayEquals(expanded(seeded, B, Kind.CIPHERTEXT), seal.loadSave(paramsB, Kind.CIPHERTEXT, seeded));
        }
    }

    @Test
    void whatWeRefuseForUnreducedCoefficientsSealRefusesToo() {
        Random rnd = new Random(8);
        byte[] ct = Seal.save(SealTestObjects.ciphertext(rnd, B.firstData(), 2, 0x1p20));
        // first coefficient (polynomial 0, prime 0) := q_0
        long q0 = B.firstData().primes()[0];
        int at = 16 + CiphertextCodec.FIXED_BYTES + 24;
        java.nio.ByteBuffer.wrap(ct).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at, q0);
        assertThrows(SealFormatException.class, () -> Seal.loadCiphertext(B, ct));
        NodeSealException e = assertThrows(NodeSealException.class, () -> seal.loadSave(paramsB, Kind.CIPHERTEXT, ct));
        assertTrue(e.refused(), e.getMessage());
    }
}
