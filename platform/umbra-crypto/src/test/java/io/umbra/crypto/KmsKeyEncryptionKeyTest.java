package io.umbra.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KMS path of {@link KeyEncryptionKey}, through Tink's KmsClient mechanism with the local KMS. */
class KmsKeyEncryptionKeyTest {
    private static final byte[] AD = "acme/ckks-secret-key/v1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void wrapsAndUnwrapsThroughTheKmsKeyNamedByItsUri(@TempDir Path dir) throws Exception {
        String uri = LocalKmsClient.createMasterKey(dir.resolve("master.keyset"));
        assertTrue(uri.startsWith("local-kms:///"), uri);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.keyset"))));

        // larger than any cloud KMS accepts in one request: envelope encryption makes that one small KMS call
        byte[] secret = new byte[300_000];
        new Random(7).nextBytes(secret);
        byte[] wrapped = KeyEncryptionKey.fromKmsUri(uri).wrap(secret, AD);

        // a second instance (a restarted service) unwraps through the KMS
        assertArrayEquals(secret, KeyEncryptionKey.fromKmsUri(uri).unwrap(wrapped, AD));
        assertTrue(KeyEncryptionKey.fromKmsUri(uri).toString().contains(uri));
    }

    @Test
    void aBlobWrappedUnderOneKmsKeyDoesNotUnwrapUnderAnother(@TempDir Path dir) throws Exception {
        KeyEncryptionKey bankA = KeyEncryptionKey.fromKmsUri(LocalKmsClient.createMasterKey(dir.resolve("a.keyset")));
        KeyEncryptionKey bankB = KeyEncryptionKey.fromKmsUri(LocalKmsClient.createMasterKey(dir.resolve("b.keyset")));
        byte[] wrapped = bankA.wrap("the secret key".getBytes(StandardCharsets.US_ASCII), AD);

        assertThrows(GeneralSecurityException.class, () -> bankB.unwrap(wrapped, AD));
        assertThrows(GeneralSecurityException.class, () -> KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset")).unwrap(wrapped, AD));
        assertArrayEquals("the secret key".getBytes(StandardCharsets.US_ASCII), bankA.unwrap(wrapped, AD));
    }

    @Test
    void theAssociatedDataIsBoundAndTamperingIsRefused(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.fromKmsUri(LocalKmsClient.createMasterKey(dir.resolve("m.keyset")));
        byte[] wrapped = kek.wrap(new byte[] {1, 2, 3}, AD);

        assertThrows(GeneralSecurityException.class,
                () -> kek.unwrap(wrapped, "globex/ckks-secret-key/v1".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(GeneralSecurityException.class, () -> kek.unwrap(wrapped, new byte[0]));
        byte[] altered = wrapped.clone();
        altered[altered.length - 1] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> kek.unwrap(altered, AD));
        byte[] alteredDataKey = wrapped.clone();
        alteredDataKey[6] ^= 1; // inside the KMS-encrypted data key
        assertThrows(GeneralSecurityException.class, () -> kek.unwrap(alteredDataKey, AD));
        assertArrayEquals(new byte[] {1, 2, 3}, kek.unwrap(wrapped, AD));
    }

    @Test
    void anUnsupportedUriNamesTheSupportedPrefixesAndTheJarToAdd() {
        GeneralSecurityException gcp = assertThrows(GeneralSecurityException.class,
                () -> KeyEncryptionKey.fromKmsUri("gcp-kms://projects/p/locations/europe-west3/keyRings/umbra/cryptoKeys/kek"));
        assertTrue(gcp.getMessage().contains("com.google.crypto.tink:tink-gcpkms"), gcp.getMessage());
        assertTrue(gcp.getMessage().contains("aws-kms://"), gcp.getMessage());
        assertTrue(gcp.getMessage().contains("local-kms://"), gcp.getMessage());

        GeneralSecurityException vault = assertThrows(GeneralSecurityException.class,
                () -> KeyEncryptionKey.fromKmsUri("hcvault://vault.bank.internal/transit/keys/umbra?token=s.SECRETTOKEN"));
        String message = vault.getMessage();
        assertTrue(message.contains("'hcvault'") && message.contains("gcp-kms://") && message.contains("aws-kms://")
                && message.contains("local-kms://"), message);
        assertFalse(message.contains("SECRETTOKEN"), "an unknown URI is not echoed: it may carry a credential");
    }

    @Test
    void aCloudClientOnTheClasspathIsRegisteredOncePerKeyWithDefaultCredentials() throws Exception {
        // the test class path holds a stand-in for tink-awskms' AwsKmsClient (same name, same register method)
        String one = "aws-kms://arn:aws:kms:eu-central-1:111122223333:key/1111aaaa";
        String two = "aws-kms://arn:aws:kms:eu-central-1:111122223333:key/2222bbbb";
        KeyEncryptionKey kek = KeyEncryptionKey.fromKmsUri(one);
        byte[] wrapped = kek.wrap("ckks secret".getBytes(StandardCharsets.US_ASCII), AD);
        assertArrayEquals("ckks secret".getBytes(StandardCharsets.US_ASCII), KeyEncryptionKey.fromKmsUri(one).unwrap(wrapped, AD));
        assertThrows(GeneralSecurityException.class, () -> KeyEncryptionKey.fromKmsUri(two).unwrap(wrapped, AD));

        List<List<Optional<String>>> calls = com.google.crypto.tink.integration.awskms.AwsKmsClient.REGISTRATIONS;
        assertEquals(List.of(List.of(Optional.of(one), Optional.empty()), List.of(Optional.of(two), Optional.empty())), calls,
                "bound to each key once, with the platform's default credentials (IRSA)");
        assertTrue(KmsClientLookup.supportedPrefixes().contains("aws-kms:// (AWS KMS: client present)"), KmsClientLookup.supportedPrefixes());
    }

    @Test
    void aLocalKmsKeyThatDoesNotExistIsAClearErrorAndIsNotCreated(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.keyset");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> KeyEncryptionKey.fromKmsUri(LocalKmsClient.keyUri(missing)));
        assertTrue(e.getMessage().contains("no master key at " + missing), e.getMessage());
        assertFalse(Files.exists(missing));

        GeneralSecurityException relative = assertThrows(GeneralSecurityException.class,
                () -> KeyEncryptionKey.fromKmsUri("local-kms://keys/master.keyset"));
        assertTrue(relative.getMessage().contains("absolute path"), relative.getMessage());
    }

    @Test
    void openUsesTheKmsKeyWhenAUriIsConfiguredAndNeverTouchesTheLocalKeyset(@TempDir Path dir) throws Exception {
        String uri = LocalKmsClient.createMasterKey(dir.resolve("kms").resolve("master.keyset"));
        Path localKeyset = dir.resolve("keys").resolve("kek.keyset");

        KeyEncryptionKey kek = KeyEncryptionKey.open(Optional.of(uri), localKeyset);
        byte[] wrapped = kek.wrap(new byte[] {9}, AD);
        assertFalse(Files.exists(localKeyset), "no local kek.keyset appears when a KMS key is configured");
        assertFalse(Files.exists(localKeyset.getParent()));
        assertArrayEquals(new byte[] {9}, KeyEncryptionKey.fromKmsUri(uri).unwrap(wrapped, AD));

        // without a URI (or a blank one, as an empty environment variable gives) the local keyset is used
        KeyEncryptionKey local = KeyEncryptionKey.open(Optional.of("  "), localKeyset);
        assertTrue(Files.exists(localKeyset));
        assertThrows(GeneralSecurityException.class, () -> local.unwrap(wrapped, AD));
        assertArrayEquals(new byte[] {9}, KeyEncryptionKey.open(Optional.empty(), localKeyset).unwrap(local.wrap(new byte[] {9}, AD), AD));
    }
}
