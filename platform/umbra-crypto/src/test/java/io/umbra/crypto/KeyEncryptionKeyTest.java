package io.umbra.crypto;

import io.umbra.events.TenantId;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyEncryptionKeyTest {
    private static final byte[] AD = "acme/ckks-secret-key/v1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aCreationThatLosesTheRaceLeavesTheWinnersKeysetInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kek.keyset");
        KeyEncryptionKey winner = KeyEncryptionKey.localKeyset(file);
        byte[] before = Files.readAllBytes(file);
        byte[] wrapped = winner.wrap("secret".getBytes(StandardCharsets.UTF_8), "ad".getBytes(StandardCharsets.UTF_8));
        // the loser checked for the file before the winner wrote it, and creates now
        KeyEncryptionKey.createKeysetFile(file, "key-encryption keyset");
        assertArrayEquals(before, Files.readAllBytes(file), "the existing keyset was not replaced");
        assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8),
                KeyEncryptionKey.localKeyset(file).unwrap(wrapped, "ad".getBytes(StandardCharsets.UTF_8)));
        try (var left = Files.list(dir)) {
            assertEquals(List.of("kek.keyset"), left.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void aKeysetThatOthersMayReadIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kek.keyset");
        byte[] wrapped = KeyEncryptionKey.localKeyset(file).wrap(new byte[] {1, 2, 3}, new byte[0]);
        for (String perms : List.of("rw-r-----", "rw----r--", "rw-rw----")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
            GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> KeyEncryptionKey.localKeyset(file), perms);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("may be read or written by others"), e.getMessage());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertArrayEquals(new byte[] {1, 2, 3}, KeyEncryptionKey.localKeyset(file).unwrap(wrapped, new byte[0]), "owner-only: used");
    }

    @Test
    void createsAnOwnerOnlyKeysetOnceAndNeverOverwritesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys").resolve("kek.bin");
        KeyEncryptionKey first = KeyEncryptionKey.localKeyset(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        byte[] before = Files.readAllBytes(file);
        byte[] wrapped = first.wrap("secret".getBytes(StandardCharsets.US_ASCII), AD);

        KeyEncryptionKey again = KeyEncryptionKey.localKeyset(file);
        assertArrayEquals(before, Files.readAllBytes(file), "the keyset file is never rewritten");
        assertArrayEquals("secret".getBytes(StandardCharsets.US_ASCII), again.unwrap(wrapped, AD));
    }

    @Test
    void aWrappedSecretIsBoundToItsAssociatedDataAndKey(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("a.bin"));
        byte[] wrapped = kek.wrap(new byte[] {1, 2, 3}, AD);
        assertThrows(GeneralSecurityException.class, () -> kek.unwrap(wrapped, "globex/ckks-secret-key/v1".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(GeneralSecurityException.class, () -> KeyEncryptionKey.localKeyset(dir.resolve("b.bin")).unwrap(wrapped, AD));
        wrapped[wrapped.length - 1] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> kek.unwrap(wrapped, AD));
    }

    @Test
    void manifestKeysSurviveWrappingForTheirOwnerOnly(@TempDir Path dir) throws Exception {
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.bin"));
        ManifestKeys keys = ManifestKeys.generate();
        byte[] wrapped = keys.wrap(kek, "acme/v1");
        ManifestKeys back = ManifestKeys.unwrap(wrapped, kek, "acme/v1");
        assertArrayEquals(keys.publicKeyset(), back.publicKeyset());

        UUID batch = UUID.randomUUID();
        BatchManifest m = new BatchManifest(TenantId.of("acme"), batch, 1,
                List.of(new ManifestEntry("tx-1", "c-1", 1, "EUR", "m", Instant.EPOCH)));
        assertEquals(m, back.opener().open(new ManifestSealer(keys.publicKeyset()).seal(m), TenantId.of("acme"), batch, 1, 1));
        assertThrows(GeneralSecurityException.class, () -> ManifestKeys.unwrap(wrapped, kek, "globex/v1"));
    }
}
