package io.umbra.keys;

import io.umbra.kafka.LoopHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the bundle is published and the decrypt loop runs (DOWN, with why, while it waits for the pinned
 * batch-verification key of a new tenant; with {@code notAuthorized} while the broker refuses the loop an ACL, UP again
 * once it is granted; with {@code fenced} once a newer incarnation took the transactional id over). Liveness: the loop
 * has not given up (fenced, fatal).
 */
public final class KeyServiceHealth {
    private KeyServiceHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        KeyService service;

        @Override
        public HealthCheckResponse call() {
            var b = HealthCheckResponse.named("key-service")
                    .withData("bundlePublished", service.bundlePublished())
                    .withData("decrypting", service.decrypting());
            service.waitingFor().ifPresent(w -> b.withData("waiting", w));
            boolean blocked = LoopHealth.describe(b, service.decryptFailure(), service.decryptNotAuthorized());
            return b.status(service.bundlePublished() && service.decrypting() && !blocked).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        @Inject
        KeyService service;

        @Override
        public HealthCheckResponse call() {
            var failure = service.decryptFailure();
            var b = HealthCheckResponse.named("key-service decrypt loop").status(failure.isEmpty());
            failure.ifPresent(f -> b.withData("stoppedBecause", f.getClass().getSimpleName()));
            LoopHealth.describe(b, failure, java.util.Optional.empty());
            return b.build();
        }
    }
}
