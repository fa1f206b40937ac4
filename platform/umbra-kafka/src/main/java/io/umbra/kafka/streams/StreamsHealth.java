package io.umbra.kafka.streams;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.umbra.kafka.LoopHealth;

/**
 * Health of a Kafka Streams service's exactly-once topology, named {@code <quarkus.application.name> stream}.
 * Quarkus' own Streams readiness only says the topics exist, and its liveness is DOWN while the service waits
 * for them, which would make Kubernetes restart a service that is merely early.
 *
 * <ul>
 *   <li>Readiness: UP once Kafka Streams has reached RUNNING (topics present, stores restored, partitions
 *       assigned); a later rebalance keeps it UP. Before that, and in ERROR or shutdown, DOWN. DOWN too, with
 *       a {@code notAuthorized} detail in {@link LoopHealth}'s words (the broker's refusal, naming the topic,
 *       group or transactional id, never a credential), while the broker keeps refusing the stream an ACL it
 *       needs ({@link StreamThreadFailures#notAuthorized()}: its threads fail and are replaced with back-off);
 *       UP again by itself once the ACL is granted back and the replacement thread has run 10 s without failing.</li>
 *   <li>Liveness: DOWN only when Kafka Streams has stopped for good (ERROR), so the orchestrator restarts
 *       the process. Not for a missing ACL: a restart would not grant it.</li>
 * </ul>
 */
@ApplicationScoped
public class StreamsHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsHealth.class);

    private final Instance<KafkaStreams> streams;
    private final StreamThreadFailures failures;
    private final String name;
    private volatile boolean hasRun;

    public StreamsHealth(Instance<KafkaStreams> streams, StreamThreadFailures failures,
                         @ConfigProperty(name = "quarkus.application.name") String service) {
        this.streams = streams;
        this.failures = failures;
        this.name = service + " stream";
    }

    @Produces
    KafkaStreams.StateListener stateListener() {
        return (next, previous) -> {
            if (next == KafkaStreams.State.RUNNING) {
                hasRun = true;
            }
            failures.state(next);
            if (next == KafkaStreams.State.ERROR) {
                LOG.error("Kafka Streams stopped in ERROR: no more records are processed until the service restarts");
            }
        };
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            KafkaStreams.State state = state();
            if (state == KafkaStreams.State.RUNNING) {
                hasRun = true; // also when the listener was registered after the first transition
            }
            Optional<String> notAuthorized = failures.notAuthorized();
            var response = HealthCheckResponse.named(name).withData("state", String.valueOf(state));
            LoopHealth.describe(response, Optional.empty(), notAuthorized);
            response.status(ready(state, hasRun, notAuthorized));
            if (state == KafkaStreams.State.CREATED) {
                response.withData("waiting", "for the topics to exist (see the log)");
            }
            return response.build();
        };
    }

    /** Readiness: running (or rebalancing after it ran) and not refused an ACL. */
    static boolean ready(KafkaStreams.State state, boolean hasRun, Optional<String> notAuthorized) {
        boolean running = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING && hasRun;
        return running && notAuthorized.isEmpty();
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> {
            KafkaStreams.State state = state();
            boolean dead = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR;
            return HealthCheckResponse.named(name).status(!dead).withData("state", String.valueOf(state)).build();
        };
    }

    private KafkaStreams.State state() {
        return streams.isResolvable() ? streams.get().state() : null;
    }
}
