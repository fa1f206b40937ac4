package io.umbra.k8s;

import java.util.Objects;
import java.util.Optional;

/**
 * What one bank's overlay takes besides its tenant id: decided at onboarding, not in the template.
 *
 * @param verificationKey the bank's pinned bundle-verification key (from its key-service's
 *     {@code GET /keys/verification-key}). Absent: the encrypt-service is rendered at 0 replicas (it cannot
 *     start without one) and the scoring pool does not list the tenant.
 * @param jwtIssuer the {@code iss} of the bank identity provider's API tokens ({@code UMBRA_JWT_ISSUER})
 * @param jwtJwks where the provider's JWK set is ({@code UMBRA_JWT_JWKS}, a URL); both absent: the APIs refuse every call
 * @param kekUri the key-encryption key in a KMS ({@code UMBRA_KEK_URI}) of the key-service and the
 *     encrypt-service; absent: the bank's KEK Secrets are mounted
 * @param batchVerificationKey the encrypt-service's pinned batch-verification key (the public half of its
 *     batch-signing key, {@code batch-verification.json} in its signing directory). Absent: the key-service
 *     is rendered at 0 replicas (it refuses to start without one).
 * @param model the model the tenant is served ({@link ServedModel}: the signed model, its signed card, the owner's
 *     verification key). Absent: the alert-service is rendered at 0 replicas (it would alert on a threshold no model
 *     vouches for), the ingest writes {@link TenantOverlay#DEFAULT_FEATURE_SCHEMA}, and the pool holds no model for the tenant.
 */
public record TenantSettings(Optional<PinnedVerificationKey> verificationKey, Optional<String> jwtIssuer,
                             Optional<String> jwtJwks, Optional<String> kekUri,
                             Optional<PinnedVerificationKey> batchVerificationKey, Optional<ServedModel> model) {
    /** Nothing decided: what a first apply without options renders. */
    public static final TenantSettings NONE = new TenantSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    /** No batch-verification key decided. */
    public TenantSettings(Optional<PinnedVerificationKey> verificationKey, Optional<String> jwtIssuer,
                          Optional<String> jwtJwks, Optional<String> kekUri) {
        this(verificationKey, jwtIssuer, jwtJwks, kekUri, Optional.empty());
    }

    /** No served model decided. */
    public TenantSettings(Optional<PinnedVerificationKey> verificationKey, Optional<String> jwtIssuer,
                          Optional<String> jwtJwks, Optional<String> kekUri, Optional<PinnedVerificationKey> batchVerificationKey) {
        this(verificationKey, jwtIssuer, jwtJwks, kekUri, batchVerificationKey, Optional.empty());
    }

    public TenantSettings {
        Objects.requireNonNull(verificationKey, "verificationKey");
        Objects.requireNonNull(batchVerificationKey, "batchVerificationKey");
        Objects.requireNonNull(model, "model");
        jwtIssuer = nonBlank(jwtIssuer, "jwtIssuer");
        jwtJwks = nonBlank(jwtJwks, "jwtJwks");
        kekUri = nonBlank(kekUri, "kekUri");
        jwtJwks.ifPresent(url -> {
            // the manifests run every service with UMBRA_PRODUCTION=true, which refuses any other key set
            if (!url.toLowerCase(java.util.Locale.ROOT).startsWith("https://")) {
                throw new IllegalArgumentException("the JWK set must be an https URL (the services run with UMBRA_PRODUCTION=true and refuse"
                        + " any other); got '" + url + "'");
            }
        });
        kekUri.ifPresent(uri -> {
            if (!uri.startsWith("gcp-kms://") && !uri.startsWith("aws-kms://")) {
                throw new IllegalArgumentException("the KEK URI must be a Tink KMS key URI, gcp-kms://… or aws-kms://…; got '" + uri + "'");
            }
        });
    }

    public TenantSettings withVerificationKey(PinnedVerificationKey key) {
        return new TenantSettings(Optional.of(key), jwtIssuer, jwtJwks, kekUri, batchVerificationKey, model);
    }

    public TenantSettings withBatchVerificationKey(PinnedVerificationKey key) {
        return new TenantSettings(verificationKey, jwtIssuer, jwtJwks, kekUri, Optional.of(key), model);
    }

    public TenantSettings withModel(ServedModel served) {
        return new TenantSettings(verificationKey, jwtIssuer, jwtJwks, kekUri, batchVerificationKey, Optional.of(served));
    }

    /** These settings, with what is absent here taken from {@code earlier} (what the cluster holds). */
    public TenantSettings orElse(TenantSettings earlier) {
        return new TenantSettings(verificationKey.or(earlier::verificationKey), jwtIssuer.or(earlier::jwtIssuer),
                jwtJwks.or(earlier::jwtJwks), kekUri.or(earlier::kekUri), batchVerificationKey.or(earlier::batchVerificationKey),
                model.or(earlier::model));
    }

    private static Optional<String> nonBlank(Optional<String> value, String name) {
        Objects.requireNonNull(value, name);
        return value.map(String::strip).filter(v -> !v.isEmpty());
    }
}
