package io.umbra.scoring;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN until the exactly-once loop runs and the public bundles have been read to the end
 * once (before that, every batch would wait for its keys). Liveness: DOWN once the loop has stopped by
 * itself (fenced by a replica with the same instance id, or a fatal error), so the pod is restarted.
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
        return () -> HealthCheckResponse.named("he-scoring").status(pipeline.ready())
                .withData("bundlesKnown", pipeline.bundlesKnown()).build();
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.named("he-scoring-loop").status(pipeline.failure().isEmpty())
                .withData("failure", pipeline.failure().map(t -> t.getClass().getSimpleName()).orElse("none")).build();
    }
}
