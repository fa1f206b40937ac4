package io.umbra.ingest.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the topology has run: Quarkus' own readiness check only says the topics exist, and its state
 * check is a liveness check. DOWN until Kafka Streams first reaches RUNNING; after that a rebalance keeps
 * it UP (POST /transactions works meanwhile), and ERROR, shutdown or not running make it DOWN.
 */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {
    @Inject
    KafkaStreams streams;

    private volatile boolean hasRun;

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.RUNNING) {
            hasRun = true;
        }
        boolean up = state == KafkaStreams.State.RUNNING || hasRun && state == KafkaStreams.State.REBALANCING;
        return HealthCheckResponse.named("ingest pipeline running").status(up).withData("state", state.name()).build();
    }
}
