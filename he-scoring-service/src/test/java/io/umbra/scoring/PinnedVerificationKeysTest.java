package io.umbra.scoring;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import io.umbra.events.TenantId;
import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's per-tenant pins: first read, re-pin without a restart, an unusable re-pin, a tenant's file removed. */
class PinnedVerificationKeysTest {
    private static final TenantId ACME = TenantId.of("acme");

    @Test
    void followsEachTenantsFileThroughRePinsAndRemoval(@TempDir Path dir) throws Exception {
        SignatureConfig.register();
        KeysetHandle first = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
        KeysetHandle second = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
        PinnedVerificationKeys keys = new PinnedVerificationKeys(dir);
        Path file = dir.resolve("acme.json");

        assertTrue(keys.forTenant(ACME).isEmpty(), "no file: no trusted bundle");
        Files.writeString(file, "{\"not\": \"a keyset\"}");
        assertTrue(keys.forTenant(ACME).isEmpty(), "a first file that is not a public keyset: refused");

        pin(file, first, 1);
        assertEquals(fingerprint(first), keys.forTenant(ACME).orElseThrow().fingerprint());

        pin(file, second, 2);
        assertEquals(fingerprint(second), keys.forTenant(ACME).orElseThrow().fingerprint(), "a re-pin takes effect without a restart");

        Files.writeString(file, "garbage");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(3)));
        assertEquals(fingerprint(second), keys.forTenant(ACME).orElseThrow().fingerprint(),
                "an unusable re-pin leaves the key pinned before in force, closed to every other signer");

        Files.delete(file);
        assertTrue(keys.forTenant(ACME).isEmpty(), "a tenant removed from the pins: its bundles are refused");
        assertTrue(keys.forTenant(TenantId.of("globex")).isEmpty());
    }

    private static void pin(Path file, KeysetHandle key, int secondsAhead) throws Exception {
        Files.writeString(file, TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(key.getPublicKeysetHandle()));
        // a distinct modification time even on a file system with coarse timestamps
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    private static String fingerprint(KeysetHandle key) throws Exception {
        return BundleVerifier.fingerprintOf(key.getPublicKeysetHandle());
    }
}
