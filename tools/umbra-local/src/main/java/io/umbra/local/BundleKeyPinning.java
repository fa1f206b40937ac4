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
 * A later run finds them all and changes nothing. While the run lasts, {@link #repinChanged} follows a
 * signing-key rotation ({@code ./umbra keys rotate-signing}): each public keyset a phase rewrites is pinned again.
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

    /**
     * The re-pin step of a signing-key rotation, done for the operator: where a key directory's public keyset
     * ({@code bundle-verification.json} of a key-service, {@code batch-verification.json} of an encrypt-service)
     * differs from what is pinned, the pin is replaced by it in one atomic move. The services read a changed pin
     * file again by themselves. The local run calls this every second; returns one line per pin replaced.
     */
    List<String> repinChanged(List<TenantId> tenants) {
        List<String> changed = new java.util.ArrayList<>();
        for (TenantId tenant : tenants) {
            repin(pinnedDir.toAbsolutePath().getParent().resolve("keys").resolve(tenant.value()).resolve(BundleSigningKey.VERIFICATION_FILE),
                    pinnedFile(tenant), "tenant " + tenant + ": bundle-verification key", changed);
            repin(batchSigningDirectory(tenant).resolve(BatchSigningKey.VERIFICATION_FILE), batchPinnedFile(tenant),
                    "tenant " + tenant + ": batch-verification key", changed);
        }
        return changed;
    }

    private static void repin(Path source, Path pin, String what, List<String> changed) {
        try {
            if (!Files.exists(source)) {
                return;
            }
            byte[] now = Files.readAllBytes(source);
            if (Files.exists(pin) && java.util.Arrays.equals(now, Files.readAllBytes(pin))) {
                return;
            }
            io.umbra.verify.BundleVerifier verifier = io.umbra.verify.BundleVerifier.fromKeyset(new String(now, java.nio.charset.StandardCharsets.UTF_8));
            io.umbra.files.SecretFiles.replace(pin, now, io.umbra.files.SecretFiles.PUBLIC_FILE);
            changed.add(what + " re-pinned: " + verifier.fingerprint() + " (" + verifier.keyCount() + " key(s)) in " + pin);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            changed.add(what + ": " + source + " not re-pinned (" + e.getMessage() + ")");
        }
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
