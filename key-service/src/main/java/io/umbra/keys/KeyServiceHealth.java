package io.umbra.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the bundle is published and the decrypt loop runs (DOWN, with why, while it waits for the pinned
 * batch-verification key of a new tenant). Liveness: the loop has not given up (fenced, fatal).
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
                    .status(service.bundlePublished() && service.decrypting())
                    .withData("bundlePublished", service.bundlePublished())
                    .withData("decrypting", service.decrypting());
            service.waitingFor().ifPresent(w -> b.withData("waiting", w));
            return b.build();
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
            return b.build();
        }
    }
}
