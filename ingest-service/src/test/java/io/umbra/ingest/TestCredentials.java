package io.umbra.ingest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.umbra.auth.Roles;
import io.umbra.auth.TokenIssuer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The token issuer of the tests, made before the app starts so that the app verifies against its JWK set
 * ({@code UMBRA_JWT_JWKS} in a real run). The keyset lives in a fixed directory under target/, so the test
 * classes get the same issuer back with {@link #issuer()} whatever class loader runs them.
 */
public class TestCredentials implements QuarkusTestResourceLifecycleManager {
    static final String ISSUER = "umbra-test";
    static final Path DIR = Path.of("target", "test-credentials");

    @Override
    public Map<String, String> start() {
        TokenIssuer issuer = issuer();
        return Map.of("mp.jwt.verify.publickey.location", issuer.jwksFile().toAbsolutePath().toString(),
                "mp.jwt.verify.issuer", ISSUER);
    }

    @Override
    public void stop() {
    }

    static TokenIssuer issuer() {
        return TokenIssuer.createOrLoad(DIR, ISSUER);
    }

    /** A one-hour token of {@code tenant} with {@code roles}. */
    static String token(String tenant, String... roles) {
        return issuer().issue(tenant, tenant + "-" + String.join("-", roles), Set.of(roles), Duration.ofHours(1));
    }

    /** {@code Authorization} header value of a submitter of {@code tenant}. */
    static String submitter(String tenant) {
        return "Bearer " + token(tenant, Roles.SUBMITTER);
    }
}
