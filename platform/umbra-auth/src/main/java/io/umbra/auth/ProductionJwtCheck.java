package io.umbra.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The production profile's API part ({@code UMBRA_PRODUCTION=true}; umbra-kafka's {@code ProductionProfile}
 * has the Kafka part): a service with an API does not start unless its token issuer is set explicitly
 * ({@code UMBRA_JWT_ISSUER}, not the development default {@code umbra-local}) and its key set is a mounted
 * file or an {@code https} URL ({@code UMBRA_JWT_JWKS}; plain http would let anyone on the path swap the keys).
 */
@ApplicationScoped
public class ProductionJwtCheck {
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        List<String> problems = problems(System.getenv());
        if (!problems.isEmpty()) {
            throw new IllegalStateException("UMBRA_PRODUCTION=true, but: " + String.join("; ", problems));
        }
    }

    /** What keeps {@code env} from being a production API configuration; empty outside the production profile. */
    static List<String> problems(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        String production = env.get("UMBRA_PRODUCTION");
        if (production == null || !production.strip().toLowerCase(Locale.ROOT).equals("true")) {
            return out;
        }
        String issuer = env.get("UMBRA_JWT_ISSUER");
        if (issuer == null || issuer.isBlank()) {
            out.add("UMBRA_JWT_ISSUER is not set (the development default umbra-local is not accepted in production)");
        } else if (issuer.strip().equals("umbra-local")) {
            out.add("UMBRA_JWT_ISSUER is the development issuer umbra-local");
        }
        String jwks = env.get("UMBRA_JWT_JWKS");
        if (jwks == null || jwks.isBlank()) {
            out.add("UMBRA_JWT_JWKS is not set");
        } else if (jwks.contains("://") && !jwks.toLowerCase(Locale.ROOT).startsWith("https://") && !jwks.startsWith("file:")) {
            out.add("UMBRA_JWT_JWKS must be an https URL or a mounted file, not " + jwks.substring(0, jwks.indexOf("://") + 3) + "…");
        }
        return out;
    }
}
