package io.umbra.scoring;

import io.umbra.kafka.LoopHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN until the exactly-once loop runs and the public bundles have been read to the end
 * once (before that, every batch would wait for its keys); DOWN with {@code notAuthorized} while the broker refuses
 * the loop an ACL (the loop retries and is UP again once the ACL is granted), with {@code fenced} once a replica with
 * the same instance id took over. Liveness: DOWN once the loop has stopped by itself (fenced, or a fatal error), so
 * the pod is restarted.
 */
@ApplicationScoped
public class ScoringHealth {
    private final ScoringPipeline pipeline;

    public ScoringHealth(ScoringPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("he-scoring").withData("bundlesKnown", pipeline.bundlesKnown());
            boolean blocked = LoopHealth.describe(b, pipeline.failure(), pipeline.notAuthorized());
            return b.status(pipeline.ready() && !blocked).build();
        };
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("he-scoring-loop")
                    .withData("failure", pipeline.failure().map(t -> t.getClass().getSimpleName()).orElse("none"));
            LoopHealth.describe(b, pipeline.failure(), java.util.Optional.empty());
            return b.status(pipeline.failure().isEmpty()).build();
        };
    }
}
