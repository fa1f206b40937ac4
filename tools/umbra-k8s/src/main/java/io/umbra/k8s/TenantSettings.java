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
 * @param kekUri the key-encryption key in a KMS ({@code UMBRA_KEK_URI}); absent: the bank's KEK Secret is mounted
 */
public record TenantSettings(Optional<PinnedVerificationKey> verificationKey, Optional<String> jwtIssuer,
                             Optional<String> jwtJwks, Optional<String> kekUri) {
    /** Nothing decided: what a first apply without options renders. */
    public static final TenantSettings NONE = new TenantSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public TenantSettings {
        Objects.requireNonNull(verificationKey, "verificationKey");
        jwtIssuer = nonBlank(jwtIssuer, "jwtIssuer");
        jwtJwks = nonBlank(jwtJwks, "jwtJwks");
        kekUri = nonBlank(kekUri, "kekUri");
        kekUri.ifPresent(uri -> {
            if (!uri.startsWith("gcp-kms://") && !uri.startsWith("aws-kms://")) {
                throw new IllegalArgumentException("the KEK URI must be a Tink KMS key URI, gcp-kms://… or aws-kms://…; got '" + uri + "'");
            }
        });
    }

    public TenantSettings withVerificationKey(PinnedVerificationKey key) {
        return new TenantSettings(Optional.of(key), jwtIssuer, jwtJwks, kekUri);
    }

    /** These settings, with what is absent here taken from {@code earlier} (what the cluster holds). */
    public TenantSettings orElse(TenantSettings earlier) {
        return new TenantSettings(verificationKey.or(earlier::verificationKey), jwtIssuer.or(earlier::jwtIssuer),
                jwtJwks.or(earlier::jwtJwks), kekUri.or(earlier::kekUri));
    }

    private static Optional<String> nonBlank(Optional<String> value, String name) {
        Objects.requireNonNull(value, name);
        return value.map(String::strip).filter(v -> !v.isEmpty());
    }
}
