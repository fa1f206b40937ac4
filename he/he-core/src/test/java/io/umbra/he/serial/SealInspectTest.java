package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.umbra.he.serial.SealTestObjects.A;
import static io.umbra.he.serial.SealTestObjects.B;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Seal#inspect}: the kind is recognised from structure alone, and a context adds levels and a verdict. */
class SealInspectTest {
    private final Random rnd = new Random(3);

    private static void contains(String text, String... parts) {
        for (String p : parts) {
            assertTrue(text.contains(p), "expected '" + p + "' in:\n" + text);
        }
    }

    @Test
    void parameters() {
        String d = Seal.inspect(Seal.save(A.params()));
        contains(d, "SEAL 4.1 object: 153 bytes, compression none", "kind: encryption parameters", "scheme: CKKS (2)",
                "poly modulus degree N: 8192", "4 primes, 200 bits", "1152921504606748673 (60 bits)",
                "parms_id of the key level: " + A.keyLevel().parmsId(), "accepted by Umbra");
        contains(Seal.inspect(A, Seal.save(A.params(), SaveOptions.of(Compression.ZSTD))), "compression zstd (153 bytes uncompressed)",
                "the same as the given context's");
        contains(Seal.inspect(B, Seal.save(A.params())), "not the given context's parameters");
    }

    @Test
    void ciphertexts() {
        Ciphertext ct = SealTestObjects.ciphertext(rnd, A.firstData(), 2, 0x1p40);
        String d = Seal.inspect(Seal.save(ct));
        contains(d, "kind: ciphertext (a public key is a size-2 ciphertext at the key level)", "size: 2 polynomials, N = 8192, 3 primes",
                "scale: 2^40", "NTT form: yes, correction factor 1", "seeded: no", "parms_id: " + A.firstData().parmsId());
        contains(Seal.inspect(A, Seal.save(ct)), "kind: ciphertext\n", "level: chain index 2 (3 primes)", "valid for the given context: yes");
        contains(Seal.inspect(Seal.save(SealTestObjects.seededCiphertext(rnd, A.firstData(), 0x1p40))),
                "seeded: yes, c1 is regenerated from a BLAKE2xb seed");
        contains(Seal.inspect(A, Seal.save(SealTestObjects.publicKey(rnd, A, true))), "kind: public key", "level: the key level (4 primes)",
                "valid for the given context: yes");
        contains(Seal.inspect(B, Seal.save(ct)), "level: parms_id not in the given context", "valid for the given context: no");
        contains(Seal.inspect(SealTestObjects.fixture("ciphertext-size3-last.zstd")), "size: 3 polynomials, N = 4096, 1 primes");
    }

    @Test
    void plaintextsAndSecretKeys() {
        contains(Seal.inspect(Seal.save(SealTestObjects.plaintext(rnd, A.firstData(), 0x1p40))), "kind: plaintext\n", "coefficients: 24576");
        byte[] sk = Seal.save(SealTestObjects.secretKey(rnd, A));
        contains(Seal.inspect(sk), "kind: plaintext (scale 1: perhaps a secret key");
        contains(Seal.inspect(A, sk), "kind: secret key", "valid for the given context: yes");
    }

    @Test
    void keys() {
        contains(Seal.inspect(Seal.save(SealTestObjects.relinKeys(rnd, B, true))), "kind: relinearization keys", "entries: 1, of which 1 hold a key",
                "each key: 2 parts (one per data prime), each a size-2 ciphertext with 3 primes, N = 4096", "keys for: s^2", "seeded: yes (every part)");
        String g = Seal.inspect(B, Seal.save(SealTestObjects.galoisKeys(rnd, B, false, 3, 2 * B.n() - 1, 6561)));
        contains(g, "kind: Galois keys", "entries: 4096, of which 3 hold a key", "3 (rotation by 1)", "6561 (rotation by 8)",
                "8191 (conjugation)", "seeded: no", "valid for the given context: yes");
        contains(Seal.inspect(SealTestObjects.fixture("galoiskeys-seeded-step1.zstd")), "Galois elements: 3 (rotation by 1)");
    }

    @Test
    void unrecognisedAndBroken() {
        byte[] junk = new byte[200];
        new Random(1).nextBytes(junk);
        SealHeader.of(Compression.NONE, junk.length).write(junk, 0);
        contains(Seal.inspect(junk), "kind: unrecognised", "closest reading failed:");
        assertThrows(SealFormatException.class, () -> Seal.inspect(new byte[]{1, 2, 3}));
        byte[] legacy = Seal.save(A.params());
        legacy[3] = 3;
        legacy[4] = 6;
        SealFormatException e = assertThrows(SealFormatException.class, () -> Seal.inspect(legacy));
        contains(e.getMessage(), "found 3.6", "SEAL 3.x");
    }
}
