package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.verify.BundleVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants' bundle-verification keys, pinned at provisioning: one file {@code <tenant>.json} per
 * tenant (a Tink public keyset) in a directory — in Kubernetes a ConfigMap mounted into the pool. A file
 * is read when its tenant's first bundle arrives and read again when it changes (a re-pin), so a new
 * tenant needs no restart of the pool. A tenant without a file has no trusted bundle: nothing of it is scored.
 */
final class PinnedVerificationKeys {
    private static final Logger LOG = LoggerFactory.getLogger(PinnedVerificationKeys.class);

    private final Path dir;
    private final Map<TenantId, Pinned> cache = new ConcurrentHashMap<>();

    private record Pinned(FileTime modified, BundleVerifier verifier) {
    }

    PinnedVerificationKeys(Path dir) {
        this.dir = dir;
    }

    Path directory() {
        return dir;
    }

    /** The verifier pinned for {@code tenant}, or empty (no file, or a file that is not a public keyset: logged). */
    Optional<BundleVerifier> forTenant(TenantId tenant) {
        Path file = dir.resolve(tenant.value() + ".json");
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            cache.remove(tenant);
            return Optional.empty();
        }
        Pinned known = cache.get(tenant);
        if (known != null && known.modified().equals(modified)) {
            return Optional.of(known.verifier());
        }
        try {
            BundleVerifier verifier = BundleVerifier.fromKeyset(Files.readString(file, StandardCharsets.UTF_8));
            cache.put(tenant, new Pinned(modified, verifier));
            LOG.info("tenant {}: bundle-verification key {} pinned from {}", tenant, verifier.fingerprint(), file);
            return Optional.of(verifier);
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("tenant {}: the pinned key file {} is unusable ({}); its bundles are refused", tenant, file, e.getMessage());
            cache.remove(tenant);
            return Optional.empty();
        }
    }
}
