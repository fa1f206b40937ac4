package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.verify.BundleVerifier;
import io.umbra.verify.PinnedKeyFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants' bundle-verification keys, pinned at provisioning: one file {@code <tenant>.json} per
 * tenant (a Tink public keyset) in a directory — in Kubernetes a ConfigMap mounted into the pool. Each
 * tenant's file is an umbra-verify {@link PinnedKeyFile}, opened when the tenant's first bundle arrives and
 * read again when it changes (a re-pin: a new tenant or a signing-key rotation needs no restart of the
 * pool; a changed file that is unusable leaves the key pinned before in force). A tenant whose file is
 * gone (removed from the ConfigMap) or was never usable has no trusted bundle: nothing of it is scored.
 */
final class PinnedVerificationKeys {
    private static final Logger LOG = LoggerFactory.getLogger(PinnedVerificationKeys.class);

    private final Path dir;
    private final Map<TenantId, PinnedKeyFile> pins = new ConcurrentHashMap<>();

    PinnedVerificationKeys(Path dir) {
        this.dir = dir;
    }

    Path directory() {
        return dir;
    }

    /** The verifier pinned for {@code tenant}, or empty (no file, or a first file that is not a public keyset: logged). */
    Optional<BundleVerifier> forTenant(TenantId tenant) {
        Path file = dir.resolve(tenant.value() + ".json");
        if (!Files.exists(file)) {
            if (pins.remove(tenant) != null) {
                LOG.info("tenant {}: its pinned key file {} is gone; its bundles are refused from now on", tenant, file);
            }
            return Optional.empty();
        }
        PinnedKeyFile pin = pins.get(tenant);
        if (pin != null) {
            return Optional.of(pin.current());
        }
        try {
            pin = PinnedKeyFile.open(file, notice -> LOG.info("tenant {}: {}", tenant, notice));
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("tenant {}: the pinned key file {} is unusable ({}); its bundles are refused", tenant, file, e.getMessage());
            return Optional.empty();
        }
        PinnedKeyFile raced = pins.putIfAbsent(tenant, pin);
        if (raced != null) {
            return Optional.of(raced.current());
        }
        LOG.info("tenant {}: bundle-verification key {} pinned from {}", tenant, pin.current().fingerprint(), file);
        return Optional.of(pin.current());
    }
}
