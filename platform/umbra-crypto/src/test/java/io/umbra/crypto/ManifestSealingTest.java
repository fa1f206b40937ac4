package io.umbra.crypto;

import io.umbra.events.TenantId;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestEntry;
import io.umbra.events.manifest.SealedManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ManifestSealingTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    private static BatchManifest manifest(TenantId tenant, UUID batch, int version) {
        return new BatchManifest(tenant, batch, version, List.of(
                new ManifestEntry("tx-1", "card-9", 12_345, "EUR", "m-1", Instant.parse("2026-11-28T09:00:00Z")),
                new ManifestEntry("tx-2", "card-7", 99, "USD", "m-2", Instant.parse("2026-11-28T09:00:01Z"))));
    }

    @Test
    void opensOnlyForTheTenantBatchAndKeyVersionItWasSealedFor() throws Exception {
        ManifestKeys keys = ManifestKeys.generate();
        ManifestSealer sealer = new ManifestSealer(keys.publicKeyset());
        UUID batch = UUID.randomUUID();
        BatchManifest m = manifest(ACME, batch, 3);
        SealedManifest sealed = sealer.seal(m);

        assertEquals(m, keys.opener().open(sealed, ACME, batch, 3, 2));
        assertFalse(new String(sealed.bytes(), StandardCharsets.ISO_8859_1).contains("card-9"), "card ids are not in clear");

        refused("MANIFEST_NOT_OPENED", () -> keys.opener().open(sealed, GLOBEX, batch, 3, 2));
        refused("MANIFEST_NOT_OPENED", () -> keys.opener().open(sealed, ACME, UUID.randomUUID(), 3, 2));
        refused("MANIFEST_NOT_OPENED", () -> keys.opener().open(sealed, ACME, batch, 4, 2));
        refused("MANIFEST_MISMATCH", () -> keys.opener().open(sealed, ACME, batch, 3, 5));
        byte[] altered = sealed.bytes();
        altered[altered.length / 2] ^= 1;
        refused("MANIFEST_NOT_OPENED", () -> keys.opener().open(new SealedManifest(altered), ACME, batch, 3, 2));
        refused("MANIFEST_NOT_OPENED", () -> ManifestKeys.generate().opener().open(sealed, ACME, batch, 3, 2));
    }

    @Test
    void aSealerRefusesAKeysetWithAPrivateKey(@TempDir Path dir) throws Exception {
        ManifestKeys keys = ManifestKeys.generate();
        byte[] wrapped = keys.wrap(KeyEncryptionKey.localKeyset(dir.resolve("kek.bin")), "acme/v1");
        assertThrows(GeneralSecurityException.class, () -> new ManifestSealer(wrapped));
        assertThrows(GeneralSecurityException.class, () -> new ManifestSealer(new byte[] {1, 2, 3}));
    }

    private static void refused(String reason, Runnable open) {
        ManifestRefusedException e = assertThrows(ManifestRefusedException.class, open::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertFalse(e.getMessage().contains("card-"), "the message never quotes the manifest");
    }
}
