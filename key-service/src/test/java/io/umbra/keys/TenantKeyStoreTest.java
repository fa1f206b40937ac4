package io.umbra.keys;

import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.events.TenantId;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.serial.Seal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key store on a real file system with real he-core and real Tink. */
class TenantKeyStoreTest {
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path tmp;

    @Test
    void firstStartCreatesOwnerOnlyFilesWithTheSecretKeyOnlyWrapped_andARestartReusesThem() throws Exception {
        Path dir = tmp.resolve("keys/acme");
        TenantKeyStore first = TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC());
        assertEquals(1, first.current().version());

        Path v1 = dir.resolve("v1");
        for (String f : List.of(TenantKeyStore.KEK_FILE, "v1/" + TenantKeyStore.VERSION_FILE, "v1/" + TenantKeyStore.PARAMETERS_FILE,
                "v1/" + TenantKeyStore.PUBLIC_KEY_FILE, "v1/" + TenantKeyStore.SECRET_KEY_FILE, "v1/" + TenantKeyStore.MANIFEST_KEYS_FILE)) {
            Path p = dir.resolve(f);
            assertTrue(Files.isRegularFile(p), f + " exists");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), f + " is owner-only");
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(v1)));
        assertFalse(Files.exists(v1.resolve(TenantKeyStore.RELIN_KEYS_FILE)), "no relinearization keys unless asked for");

        // the public files are SEAL objects of set (b)
        CkksContext ctx = CkksContext.create(Seal.loadParameters(Files.readAllBytes(v1.resolve(TenantKeyStore.PARAMETERS_FILE))));
        assertEquals(4096, ctx.n());
        var publicKey = Seal.loadPublicKey(ctx, Files.readAllBytes(v1.resolve(TenantKeyStore.PUBLIC_KEY_FILE)));

        // the secret key file is not a SEAL secret key, and does not hold one in the clear
        byte[] stored = Files.readAllBytes(v1.resolve(TenantKeyStore.SECRET_KEY_FILE));
        assertThrows(RuntimeException.class, () -> Seal.loadSecretKey(ctx, stored));
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve(TenantKeyStore.KEK_FILE));
        byte[] raw = kek.unwrap(stored, TenantKeyStore.secretKeyContext(ACME, 1));
        var secretKey = Seal.loadSecretKey(ctx, raw); // what the KEK wraps is the SEAL secret key...
        assertFalse(containsAnyWindow(stored, raw, 32), "...and no 32 bytes of it appear in the file");
        // ...bound to this tenant and version: another context does not unwrap it
        assertThrows(Exception.class, () -> kek.unwrap(stored, TenantKeyStore.secretKeyContext(TenantId.of("other"), 1)));
        assertThrows(Exception.class, () -> kek.unwrap(stored, TenantKeyStore.secretKeyContext(ACME, 2)));

        // the wrapped secret key belongs to the public key
        double[] values = {0.25, -3.5, 7.0};
        var ct = new Encryptor(ctx, publicKey).encrypt(new CkksEncoder(ctx).encode(values, 0x1p30));
        double[] back = new CkksEncoder(ctx).decode(new Decryptor(ctx, secretKey).decrypt(ct));
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], back[i], 1e-4);
        }

        // nothing secret in the toString of what holds secrets
        assertFalse(first.current().toString().contains(Arrays.toString(raw)));
        assertTrue(first.current().toString().contains("not shown"));

        // a restart reads the same files and rewrites none of them
        byte[] publicKeyBefore = Files.readAllBytes(v1.resolve(TenantKeyStore.PUBLIC_KEY_FILE));
        long secretModified = Files.getLastModifiedTime(v1.resolve(TenantKeyStore.SECRET_KEY_FILE)).toMillis();
        TenantKeyStore second = TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC());
        assertEquals(1, second.versions().size());
        assertEquals(first.current().publicKeyFingerprint(), second.current().publicKeyFingerprint());
        assertArrayEquals(first.current().publicBundle().encode(), second.current().publicBundle().encode(), "the same bundle, byte for byte");
        assertArrayEquals(publicKeyBefore, Files.readAllBytes(v1.resolve(TenantKeyStore.PUBLIC_KEY_FILE)));
        assertArrayEquals(stored, Files.readAllBytes(v1.resolve(TenantKeyStore.SECRET_KEY_FILE)));
        assertEquals(secretModified, Files.getLastModifiedTime(v1.resolve(TenantKeyStore.SECRET_KEY_FILE)).toMillis());
    }

    @Test
    void aMissingKeyEncryptionKeyBesideWrappedKeysStopsTheServiceAndCreatesNothing() throws Exception {
        Path dir = tmp.resolve("acme");
        TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC());
        Files.delete(dir.resolve(TenantKeyStore.KEK_FILE));

        KeyStoreException e = assertThrows(KeyStoreException.class,
                () -> TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("kek.keyset is missing"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(TenantKeyStore.KEK_FILE)), "no new key-encryption key was made");
        assertFalse(Files.exists(dir.resolve("v2")));
    }

    @Test
    void anotherTenantsKeysAreRefused() throws Exception {
        Path dir = tmp.resolve("acme");
        TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC());
        KeyStoreException e = assertThrows(KeyStoreException.class,
                () -> TenantKeyStore.open(dir, TenantId.of("globex"), HeParameterSet.B, false, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("another tenant's"), e.getMessage());
    }

    @Test
    void withAKmsKeyNoLocalKeysetIsMadeAndTheKeysOpenOnlyThroughThatKmsKey() throws Exception {
        String kms = io.umbra.crypto.LocalKmsClient.createMasterKey(tmp.resolve("kms/master.keyset"));
        String otherKms = io.umbra.crypto.LocalKmsClient.createMasterKey(tmp.resolve("kms/other.keyset"));
        Path dir = tmp.resolve("kms-wrapped/acme");
        TenantKeyStore first = TenantKeyStore.open(dir, ACME, java.util.Optional.of(kms), HeParameterSet.B, false, Clock.systemUTC());
        assertFalse(Files.exists(dir.resolve(TenantKeyStore.KEK_FILE)), "no local key-encryption keyset beside KMS-wrapped keys");
        TenantKeyStore again = TenantKeyStore.open(dir, ACME, java.util.Optional.of(kms), HeParameterSet.B, false, Clock.systemUTC());
        assertEquals(first.current().publicKeyFingerprint(), again.current().publicKeyFingerprint());
        assertEquals(first.verificationKeyFingerprint(), again.verificationKeyFingerprint());
        assertThrows(KeyStoreException.class,
                () -> TenantKeyStore.open(dir, ACME, java.util.Optional.of(otherKms), HeParameterSet.B, false, Clock.systemUTC()),
                "another KMS key cannot unwrap them");
        assertThrows(KeyStoreException.class, () -> TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC()),
                "nor a fresh local keyset");
    }

    @Test
    void aRotationOrDestructionByOneReplicaIsPickedUpByAnotherSharingTheDirectory() throws Exception {
        Path dir = tmp.resolve("shared/acme");
        TenantKeyStore a = TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC());
        TenantKeyStore b = TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC());
        assertEquals(a.verificationKeyFingerprint(), b.verificationKeyFingerprint(), "one signing key per tenant");
        KeyVersion v2 = a.rotate(HeParameterSet.B, false, Clock.systemUTC());
        assertEquals(2, v2.version());
        assertEquals(1, b.current().version(), "not yet seen");
        b.refresh();
        assertEquals(2, b.current().version());
        assertEquals(v2.publicKeyFingerprint(), b.current().publicKeyFingerprint());
        assertEquals(v2.createdAt(), a.retiredAt(1).orElseThrow(), "v1 retired when v2 was made");
        assertTrue(a.retiredAt(2).isEmpty(), "the current version is not retired");
        assertThrows(IllegalArgumentException.class, () -> a.destroy(2), "the current version is never destroyed");
        assertTrue(a.destroy(1));
        assertFalse(Files.exists(dir.resolve("v1")));
        b.refresh();
        assertTrue(b.version(1).isEmpty(), "the other replica drops it too");
        TenantKeyStore reopened = TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC());
        assertEquals(List.of(2), reopened.versions().stream().map(KeyVersion::version).toList());
    }

    @Test
    void twoInstancesRacingOnAnEmptyDirectoryEndUpWithOneKeySet() throws Exception {
        Path dir = tmp.resolve("race/acme");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<String> start = () -> TenantKeyStore.open(dir, ACME, HeParameterSet.B, false, Clock.systemUTC()).current()
                    .publicKeyFingerprint();
            List<Future<String>> both = new ArrayList<>(List.of(pool.submit(start), pool.submit(start)));
            assertEquals(both.get(0).get(), both.get(1).get(), "both instances use the same public key");
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(".lock", "bundle-signing.wrapped", "bundle-verification.json", "kek.keyset", "v1"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void relinearizationKeysWhenAskedFor() throws Exception {
        Path dir = tmp.resolve("acme");
        KeyVersion v = TenantKeyStore.open(dir, ACME, HeParameterSet.B, true, Clock.systemUTC()).current();
        assertTrue(v.hasRelinKeys());
        assertTrue(v.publicBundle().hasRelinKeys());
        byte[] relin = Files.readAllBytes(dir.resolve("v1").resolve(TenantKeyStore.RELIN_KEYS_FILE));
        Seal.loadRelinKeys(v.context(), relin);
        assertArrayEquals(relin, v.publicBundle().sealRelinKeys());
    }

    static boolean containsAnyWindow(byte[] haystack, byte[] needle, int window) {
        for (int start = 0; start + window <= needle.length; start += window / 2) {
            byte[] w = Arrays.copyOfRange(needle, start, start + window);
            for (int i = 0; i + window <= haystack.length; i++) {
                if (Arrays.equals(haystack, i, i + window, w, 0, window)) {
                    return true;
                }
            }
        }
        return false;
    }
}
