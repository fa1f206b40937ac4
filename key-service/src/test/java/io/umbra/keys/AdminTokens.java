package io.umbra.keys;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.umbra.auth.Roles;
import io.umbra.auth.TokenIssuer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The tests' token issuer, made before the app starts; the app verifies against its JWK set. */
public class AdminTokens implements QuarkusTestResourceLifecycleManager {
    private static final String ISSUER = "umbra-test";
    private static final Path DIR = Path.of("target", "test-credentials");

    @Override
    public Map<String, String> start() {
        return Map.of("mp.jwt.verify.publickey.location", issuer().jwksFile().toAbsolutePath().toString(), "mp.jwt.verify.issuer", ISSUER);
    }

    @Override
    public void stop() {
    }

    private static TokenIssuer issuer() {
        return TokenIssuer.createOrLoad(DIR, ISSUER);
    }

    /** "Bearer …" of a one-hour token of {@code tenant} with {@code role}. */
    static String bearer(String tenant, String role) {
        return "Bearer " + issuer().issue(tenant, tenant + "-" + role, Set.of(role), Duration.ofHours(1));
    }

    static String acmeAdmin() {
        return bearer("acme", Roles.ADMIN);
    }
}
