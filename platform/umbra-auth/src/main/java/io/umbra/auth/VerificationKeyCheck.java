package io.umbra.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Says once, at start, when the service has no key to verify tokens with. Such a service is closed, not open:
 * its default JWK set ({@link #NO_KEY_LOCATION}) holds no key, so SmallRye JWT refuses every token with 401.
 */
@ApplicationScoped
public class VerificationKeyCheck {
    /** The default of {@code mp.jwt.verify.publickey.location} in a service's application.properties: an empty JWK set. */
    public static final String NO_KEY_LOCATION = "classpath:META-INF/umbra-auth/no-verification-key.jwks";
    static final String LOCATION_PROPERTY = "mp.jwt.verify.publickey.location";

    private static final Logger LOG = Logger.getLogger(VerificationKeyCheck.class);

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        problem(ConfigProvider.getConfig().getOptionalValue(LOCATION_PROPERTY, String.class))
                .ifPresent(LOG::error);
    }

    /** What is wrong with the configured key location, if anything; a URL is not fetched here. */
    static Optional<String> problem(Optional<String> location) {
        if (location.isEmpty() || location.get().isBlank() || location.get().equals(NO_KEY_LOCATION)) {
            return Optional.of("No JWT verification key is configured (set UMBRA_JWT_JWKS to the JWK set's path or URL):"
                    + " every API call will be refused with 401. Health and metrics stay open.");
        }
        String l = location.get();
        if (l.contains("://") || l.startsWith("classpath:")) {
            return Optional.empty();
        }
        Path file = Path.of(l.startsWith("file:") ? l.substring("file:".length()) : l);
        if (!Files.isReadable(file)) {
            return Optional.of("The JWT verification key set " + file + " (UMBRA_JWT_JWKS) cannot be read:"
                    + " every API call will be refused with 401 until it exists.");
        }
        return Optional.empty();
    }
}
