package io.umbra.encrypt;

import io.umbra.kafka.LoopHealth;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: UP once the batch loop runs (a verified bundle is loaded and the input topic exists) and
 * while that bundle is within its signed validity; DOWN with {@code notAuthorized} while the broker refuses the loop an
 * ACL (UP again once it is granted), with {@code fenced} once a newer incarnation took over. Liveness: DOWN once the
 * loop gave up.
 */
public final class EncryptHealth {
    private EncryptHealth() {
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final EncryptPipeline pipeline;

        public Ready(EncryptPipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("encrypt-batch-loop")
                    .withData("tenant", pipeline.tenant().value())
                    .withData("keyVersion", pipeline.keyVersion());
            pipeline.waitingFor().ifPresent(w -> b.withData("waitingFor", w));
            pipeline.failure().ifPresent(f -> b.withData("failure", f.getClass().getSimpleName()));
            boolean blocked = LoopHealth.describe(b, pipeline.failure(), pipeline.notAuthorized());
            boolean stale = pipeline.keysStale();
            if (stale) {
                b.withData("bundleStale", "the bundle in use passed its signed validity; is the key-service re-signing?");
            }
            return b.status(pipeline.isRunning() && !stale && !blocked).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final EncryptPipeline pipeline;

        public Live(EncryptPipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("encrypt-batch-loop");
            pipeline.failure().ifPresent(f -> b.withData("failure", f.getClass().getSimpleName() + ": " + f.getMessage()));
            LoopHealth.describe(b, pipeline.failure(), java.util.Optional.empty());
            // Fenced or fatally failed: restarting the pod is the way back.
            return b.status(pipeline.failure().isEmpty()).build();
        }
    }
}
