package io.umbra.alert;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Health of the exactly-once loop (Quarkus' own Kafka Streams checks are off: its liveness is DOWN while the
 * service waits for its topics, which would make Kubernetes restart a service that is merely early).
 *
 * <ul>
 *   <li>Readiness: UP once Kafka Streams has reached RUNNING (topics present, stores restored, partitions
 *       assigned); a later rebalance keeps it UP, since the store still answers.</li>
 *   <li>Liveness: DOWN only when Kafka Streams has stopped for good (ERROR, e.g. its global store could not be
 *       updated), so the orchestrator restarts the process.</li>
 * </ul>
 */
@ApplicationScoped
public class StreamsHealth {
    private static final Logger LOG = Logger.getLogger(StreamsHealth.class);

    private final Instance<KafkaStreams> streams;
    private volatile boolean hasRun;

    public StreamsHealth(Instance<KafkaStreams> streams) {
        this.streams = streams;
    }

    @Produces
    KafkaStreams.StateListener stateListener() {
        return (next, previous) -> {
            if (next == KafkaStreams.State.RUNNING) {
                hasRun = true;
            }
            if (next == KafkaStreams.State.ERROR) {
                LOG.error("Kafka Streams stopped in ERROR: no more scores are processed until the service restarts");
            }
        };
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            KafkaStreams.State state = state();
            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING && hasRun;
            var response = HealthCheckResponse.named("alert-service stream").status(up).withData("state", String.valueOf(state));
            if (state == KafkaStreams.State.CREATED) {
                response.withData("waiting", "for the topics to exist (see the log)");
            }
            return response.build();
        };
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> {
            KafkaStreams.State state = state();
            boolean dead = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR;
            return HealthCheckResponse.named("alert-service stream").status(!dead).withData("state", String.valueOf(state)).build();
        };
    }

    private KafkaStreams.State state() {
        return streams.isResolvable() ? streams.get().state() : null;
    }
}
