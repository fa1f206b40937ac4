package io.umbra.local;

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
 * it, before any of them starts. A later run finds both and changes nothing.
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
        try {
            Files.createDirectories(pinnedDir);
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

    /** {@code sha256:…} of the tenant's verification key. */
    String fingerprint(TenantId tenant) {
        return fingerprints.get(tenant);
    }
}
