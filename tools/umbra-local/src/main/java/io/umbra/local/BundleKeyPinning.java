package io.umbra.local;

import io.umbra.crypto.BatchSigningKey;
import io.umbra.crypto.BundleSigningKey;
import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.events.TenantId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The provisioning step of the local run that a bank does once per tenant: make the tenant's
 * bundle-signing key in its key-service's directory (wrapped by the local key-encryption key, as the
 * key-service itself would) and pin the public half where the encrypt-service and the scoring pool read
 * it, before any of them starts. Likewise the other way round: make the tenant's batch-signing key in its
 * encrypt-service's directory (wrapped by that service's own local key-encryption key) and pin its public
 * half where the key-service reads it, so the key-service opens only batches its encrypt-service signed.
 * A later run finds them all and changes nothing.
 */
final class BundleKeyPinning {
    private final Path pinnedDir;
    private final Map<TenantId, String> fingerprints;

    private BundleKeyPinning(Path pinnedDir, Map<TenantId, String> fingerprints) {
        this.pinnedDir = pinnedDir;
        this.fingerprints = fingerprints;
    }

    /**
     * @param keysRoot  {@code <run>/keys}: each tenant's key-service directory is {@code keysRoot/<tenant>}
     * @param pinnedDir where {@code <tenant>.json} is written for the encrypt-services and the pool
     */
    static BundleKeyPinning provision(Path keysRoot, Path pinnedDir, List<TenantId> tenants) {
        Map<TenantId, String> fingerprints = new LinkedHashMap<>();
        Path batchRoot = batchSigningRoot(pinnedDir);
        Path batchPins = batchPinnedDirectory(pinnedDir);
        try {
            Files.createDirectories(pinnedDir);
            Files.createDirectories(batchPins);
            for (TenantId tenant : tenants) {
                Path dir = batchRoot.resolve(tenant.value());
                Files.createDirectories(dir);
                // the encrypt-service's own key-encryption key: not the key-service's
                KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
                BatchSigningKey key = BatchSigningKey.openOrCreate(dir, tenant.value(), kek);
                Files.writeString(batchPins.resolve(tenant.value() + ".json"), key.verificationKeyset());
            }
            for (TenantId tenant : tenants) {
                Path dir = keysRoot.resolve(tenant.value());
                Files.createDirectories(dir);
                KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset"));
                BundleSigningKey key = BundleSigningKey.openOrCreate(dir, tenant.value(), kek);
                Files.writeString(pinnedDir.resolve(tenant.value() + ".json"), key.verificationKeyset());
                fingerprints.put(tenant, key.fingerprint());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot provision the tenants' bundle-signing keys under " + keysRoot, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a tenant's bundle-signing key under " + keysRoot + " is unusable: " + e.getMessage(), e);
        }
        return new BundleKeyPinning(pinnedDir, Map.copyOf(fingerprints));
    }

    /** The directory the scoring pool reads ({@code UMBRA_BUNDLE_VERIFICATION_KEYS_DIR}). */
    Path pinnedDirectory() {
        return pinnedDir;
    }

    /** The file a tenant's encrypt-service reads ({@code UMBRA_BUNDLE_VERIFICATION_KEY_FILE}). */
    Path pinnedFile(TenantId tenant) {
        return pinnedDir.resolve(tenant.value() + ".json");
    }

    private static Path batchSigningRoot(Path pinnedDir) {
        return pinnedDir.toAbsolutePath().getParent().resolve("batch-signing");
    }

    private static Path batchPinnedDirectory(Path pinnedDir) {
        return pinnedDir.toAbsolutePath().getParent().resolve("pinned-batch-keys");
    }

    /** The encrypt-service's batch-signing directory ({@code UMBRA_BATCH_SIGNING_DIR}). */
    Path batchSigningDirectory(TenantId tenant) {
        return batchSigningRoot(pinnedDir).resolve(tenant.value());
    }

    /** The file a tenant's key-service reads ({@code UMBRA_BATCH_VERIFICATION_KEY_FILE}). */
    Path batchPinnedFile(TenantId tenant) {
        return batchPinnedDirectory(pinnedDir).resolve(tenant.value() + ".json");
    }

    /** {@code sha256:…} of the tenant's verification key. */
    String fingerprint(TenantId tenant) {
        return fingerprints.get(tenant);
    }
}
