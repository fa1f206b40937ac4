package io.umbra.crypto;

import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleSigningTest {
    private static final byte[] DATA = "bundle of acme v2".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignatureVerifiesUnderThePinnedKeyOnlyAndOnlyForTheSignedBytes() throws Exception {
        BundleSigningKey acme = BundleSigningKey.generate();
        BundleSigningKey other = BundleSigningKey.generate();
        BundleVerifier pinned = BundleVerifier.fromKeyset(acme.verificationKeyset());
        byte[] sig = acme.sign(DATA);
        pinned.verify(sig, DATA);
        assertFalse(pinned.verifies(other.sign(DATA), DATA), "signed by another key");
        byte[] altered = DATA.clone();
        altered[0] ^= 1;
        assertFalse(pinned.verifies(sig, altered), "altered data");
        byte[] badSig = sig.clone();
        badSig[badSig.length - 1] ^= 1;
        assertFalse(pinned.verifies(badSig, DATA), "altered signature");
        assertEquals(acme.fingerprint(), pinned.fingerprint());
        assertNotEquals(acme.fingerprint(), other.fingerprint());
    }

    @Test
    void thePinnedKeyHoldsNoSecretAndAPrivateKeysetIsRefused() throws Exception {
        BundleSigningKey key = BundleSigningKey.generate();
        String json = key.verificationKeyset();
        assertTrue(json.contains("Ed25519PublicKey"), json);
        assertFalse(json.contains("Ed25519PrivateKey"), json);
        // the private keyset (as an operator might paste it by mistake) is not accepted as a pin
        String privateJson = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(
                com.google.crypto.tink.KeysetHandle.generateNew(com.google.crypto.tink.KeyTemplates.get("ED25519")),
                com.google.crypto.tink.InsecureSecretKeyAccess.get());
        assertThrows(GeneralSecurityException.class, () -> BundleVerifier.fromKeyset(privateJson));
        assertThrows(GeneralSecurityException.class, () -> BundleVerifier.fromKeyset("{}"));
        assertThrows(GeneralSecurityException.class, () -> BundleVerifier.fromKeyset(""));
    }

    @Test
    void storedWrappedOnceOwnerOnlyAndBoundToTheTenant(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
        BundleSigningKey first = BundleSigningKey.openOrCreate(dir, "acme", kek);
        BundleSigningKey again = BundleSigningKey.openOrCreate(dir, "acme", kek);
        assertEquals(first.fingerprint(), again.fingerprint(), "opened, not regenerated");
        Path wrapped = dir.resolve(BundleSigningKey.WRAPPED_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wrapped)));
        assertEquals(first.verificationKeyset(), Files.readString(dir.resolve(BundleSigningKey.VERIFICATION_FILE)));
        byte[] onDisk = Files.readAllBytes(wrapped);
        // bound to the tenant: the same wrapped bytes do not open as another tenant's key
        assertThrows(GeneralSecurityException.class, () -> BundleSigningKey.unwrap(onDisk, kek, "globex"));
        // nor under another key-encryption key
        KeyEncryptionKey otherKek = KeyEncryptionKey.localKeyset(dir.resolve("other.keyset"));
        assertThrows(GeneralSecurityException.class, () -> BundleSigningKey.unwrap(onDisk, otherKek, "acme"));
        byte[] sig = again.sign(DATA);
        BundleVerifier.fromKeyset(Files.readString(dir.resolve(BundleSigningKey.VERIFICATION_FILE))).verify(sig, DATA);
    }

    @Test
    void mixedFilesAreRefused(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
        BundleSigningKey.openOrCreate(dir, "acme", kek);
        Files.writeString(dir.resolve(BundleSigningKey.VERIFICATION_FILE), BundleSigningKey.generate().verificationKeyset());
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> BundleSigningKey.openOrCreate(dir, "acme", kek));
        assertTrue(e.getMessage().contains("mixed"), e.getMessage());
    }

    @Test
    void signaturesAreDeterministicEd25519() {
        BundleSigningKey key = BundleSigningKey.generate();
        assertArrayEquals(key.sign(DATA), key.sign(DATA), "Ed25519 signs deterministically");
        assertEquals(64 + 5, key.sign(DATA).length, "64-byte signature behind Tink's 5-byte key prefix");
    }
}
