package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.model.ModelArtifact;
import io.umbra.model.SignedModel;
import io.umbra.model.EncryptedNetwork;
import io.umbra.verify.BundleVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Which model scores which tenant: a default for every tenant, and per tenant a signed model file
 * {@code <tenant>.json} in {@code UMBRA_MODELS_DIR} (a ConfigMap), logistic or network, each verified
 * under the model owner's pinned key before a weight is read. Read once at start: a model change is a
 * rollout, so every replica scores a tenant with the same model.
 */
final class TenantModels {
    private static final Logger LOG = LoggerFactory.getLogger(TenantModels.class);

    private final ScoringModel fallback;
    private final Map<TenantId, ScoringModel> perTenant;

    TenantModels(ScoringModel fallback, Map<TenantId, ScoringModel> perTenant) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.perTenant = Map.copyOf(perTenant);
    }

    /** Every tenant scored by {@code model}. */
    static TenantModels single(ScoringModel model) {
        return new TenantModels(model, Map.of());
    }

    /** The model of {@code tenant}. */
    ScoringModel forTenant(TenantId tenant) {
        return perTenant.getOrDefault(tenant, fallback);
    }

    ScoringModel fallback() {
        return fallback;
    }

    Map<TenantId, ScoringModel> perTenant() {
        return perTenant;
    }

    /**
     * Reads {@code dir}'s {@code <tenant>.json} files, each a signed model verified under {@code pinned}.
     * A file that is not a tenant id, does not verify or does not load stops the start with its name.
     */
    static TenantModels load(ScoringModel fallback, Path dir, BundleVerifier pinned) {
        Map<TenantId, ScoringModel> models = new TreeMap<>(java.util.Comparator.comparing(TenantId::value));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String name = f.getFileName().toString();
                TenantId tenant;
                try {
                    tenant = TenantId.of(name.substring(0, name.length() - ".json".length()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("UMBRA_MODELS_DIR: " + f + " is not named <tenant>.json: " + e.getMessage(), e);
                }
                ModelArtifact artifact = SignedModel.load(f, pinned);
                ScoringModel model = artifact.isNetwork() ? ScoringModel.of(EncryptedNetwork.of(artifact))
                        : ScoringModel.of(artifact.toLogisticModel());
                models.put(tenant, model);
                LOG.info("tenant {}: model {} v{} ({}) from {}, signature verified under {}", tenant, model.modelId(), model.version(),
                        model.kind(), f, pinned.fingerprint());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("UMBRA_MODELS_DIR " + dir + " cannot be read", e);
        }
        return new TenantModels(fallback, models);
    }
}
