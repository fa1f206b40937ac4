package io.umbra.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Every service's readiness check {@code kafka-brokers}: DOWN while its {@link BrokerProbe} has had no answer from the
 * brokers for {@link BrokerProbe#STALE_AFTER} (broker gone, network cut, login refused), UP again at the next answer.
 * A service that cannot reach Kafka can do none of its work, whatever its own loop or Kafka Streams says (both keep
 * "running" through a broker outage), so Kubernetes takes it out of its Service and an operator sees why.
 * A CDI bean of umbra-kafka: each service indexes the jar; it starts probing when the application starts, not at the
 * first health request.
 */
@Readiness
@ApplicationScoped
public class BrokerHealth implements HealthCheck {
    private final BrokerProbe probe;

    public BrokerHealth(@ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String bootstrapServers,
                        @ConfigProperty(name = "quarkus.application.name", defaultValue = "umbra") String service) {
        this.probe = BrokerProbe.start(bootstrapServers, service + "-broker-probe");
    }

    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // observing the start creates this bean, and with it the probe, before any probe request arrives
    }

    @Override
    public HealthCheckResponse call() {
        BrokerProbe.Status s = probe.status();
        return HealthCheckResponse.named("kafka-brokers").status(s.reachable()).withData("brokers", s.detail()).build();
    }

    @PreDestroy
    void stop() {
        probe.close();
    }
}
