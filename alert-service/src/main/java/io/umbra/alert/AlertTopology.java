package io.umbra.alert;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.jboss.logging.Logger;

import java.time.Clock;

/**
 * The Kafka Streams edge (exactly_once_v2, application id {@code <t>.alert-service}, see application.properties):
 *
 * <pre>
 * &lt;t&gt;.scores ──► raise ──► &lt;t&gt;.alerts      (keyed by alert id)
 *                    └───► &lt;t&gt;.alert.dlq   (original bytes, DeadLetter headers)
 * &lt;t&gt;.alerts ──► alert store (global, every replica holds every alert) ──► REST, live feed
 * </pre>
 *
 * {@link #RAISED_STORE} remembers, per scores partition, which transactions already have their alert; it is
 * changelogged and written in the same transaction as the alert, so a crash and replay cannot raise twice.
 */
@ApplicationScoped
public class AlertTopology {
    static final String RAISED_STORE = "raised-transactions";
    static final String ALERT_STORE = "alerts";
    static final String ALERTS_SINK = "alerts-out";
    static final String DLQ_SINK = "dead-letters-out";
    private static final Logger LOG = Logger.getLogger(AlertTopology.class);

    @Produces
    @Singleton
    Topology topology(AlertServiceConfig config, AlertPolicy policy, AlertMetrics metrics, AlertFeed feed, Clock clock) {
        TenantId tenant = TenantId.of(config.tenant());
        String scores = Topics.name(tenant, TopicKind.SCORES);
        String alerts = Topics.name(tenant, TopicKind.ALERTS);
        String dlq = Topics.name(tenant, TopicKind.ALERT_DLQ);
        LOG.infof("alert-service for tenant %s (instance %s): %s → %s, dead letters to %s; policy %s", tenant, config.instanceId(),
                scores, alerts, dlq, policy);

        Topology topology = new Topology();
        topology.addSource("scores-in", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), scores);
        topology.addProcessor("raise", () -> new AlertRaiser(tenant, policy, metrics, clock), "scores-in");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RAISED_STORE), Serdes.String(), Serdes.Long()),
                "raise");
        topology.addSink(ALERTS_SINK, alerts, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "raise");
        topology.addSink(DLQ_SINK, dlq, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "raise");

        // The topic is the changelog of a global store: logging stays off, the store restores from <t>.alerts itself.
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERT_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                "alerts-in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), alerts,
                "alert-store", () -> new AlertStoreWriter(tenant, feed));
        return topology;
    }

    @Produces
    @ApplicationScoped
    AlertPolicy policy(AlertServiceConfig config) {
        return AlertPolicy.of(config.alert());
    }

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
