package io.umbra.encrypt;

import io.umbra.kafka.KafkaErrors;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: UP once the batch loop runs (a verified bundle is loaded and the input topic exists) and
 * while that bundle is within its signed validity. Liveness: DOWN once the loop gave up.
 */
public final class EncryptHealth {
    private EncryptHealth() {
    }

    /** Says so when the loop stopped because a newer incarnation took its transactional id over (however the client wrapped it). */
    private static void fenced(EncryptPipeline pipeline, HealthCheckResponseBuilder b) {
        if (pipeline.failure().filter(KafkaErrors::isFenced).isPresent()) {
            b.withData("fenced", "another incarnation with this instance id took over; this one stopped and must be restarted");
        }
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
            fenced(pipeline, b);
            boolean stale = pipeline.keysStale();
            if (stale) {
                b.withData("bundleStale", "the bundle in use passed its signed validity; is the key-service re-signing?");
            }
            return b.status(pipeline.isRunning() && !stale).build();
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
            fenced(pipeline, b);
            // Fenced or fatally failed: restarting the pod is the way back.
            return b.status(pipeline.failure().isEmpty()).build();
        }
    }
}
