package io.umbra.alert;

import io.umbra.kafka.streams.TraceHop;
import io.umbra.kafka.tracing.HopTracing;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;

/**
 * The Kafka Streams edge (exactly_once_v2, application id {@code <t>.alert-service}, see application.properties):
 *
 * <pre>
 * &lt;t&gt;.scores ──► raise ──► &lt;t&gt;.alerts      (keyed by alert id)
 *          │         └───► &lt;t&gt;.alert.dlq   (original bytes, DeadLetter headers)
 *          └──► card history (window store by card, changelogged; {@link CardHistory})
 * &lt;t&gt;.alerts ──► alert store (global, every replica holds every alert) ──► REST, live feed
 * </pre>
 *
 * {@link #RAISED_STORE} remembers, per scores partition, which transactions already have their alert; it is
 * changelogged and written in the same transaction as the alert, so a crash and replay cannot raise twice. It keeps
 * a transaction for {@code umbra.alert.raised-retention} ({@code UMBRA_ALERT_RAISED_RETENTION}, default 8 days: the
 * scores topic's 7 days of retention and a day): a score older than that cannot be replayed from the topic, and the
 * global alert store (400 days, the alerts topic's retention) still answers for it.
 */
@ApplicationScoped
public class AlertTopology {
    /** A window store (it was a key-value store named {@code raised-transactions}, which grew with every alert ever raised). */
    static final String RAISED_STORE = "raised-transactions-window";
    static final String ALERT_STORE = "alerts";
    static final String ALERTS_SINK = "alerts-out";
    static final String DLQ_SINK = "dead-letters-out";
    private static final Logger LOG = Logger.getLogger(AlertTopology.class);

    @Produces
    @Singleton
    Topology topology(AlertServiceConfig config, AlertPolicy policy, AlertMetrics metrics, AlertFeed feed, Clock clock,
                      CardHistory cardHistory,
                      @ConfigProperty(name = "umbra.alert.raised-retention", defaultValue = "P8D") Duration raisedRetention) {
        TenantId tenant = TenantId.of(config.tenant());
        String scores = Topics.name(tenant, TopicKind.SCORES);
        String alerts = Topics.name(tenant, TopicKind.ALERTS);
        String dlq = Topics.name(tenant, TopicKind.ALERT_DLQ);
        LOG.infof("alert-service for tenant %s (instance %s): %s → %s, dead letters to %s; policy %s", tenant, config.instanceId(),
                scores, alerts, dlq, policy);

        Topology topology = new Topology();
        topology.addSource("scores-in", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), scores);
        // the transaction's trace: the alert hop's span in the headers, which an alert record carries on
        topology.addProcessor("trace-alert", TraceHop.node(HopTracing.forService("alert-service"), "alert"), "scores-in");
        topology.addProcessor("raise", () -> new AlertRaiser(tenant, policy, metrics, clock), "trace-alert");
        // window size = retention: one window per transaction id, stamped when its alert was raised; whole segments
        // expire after the retention (the changelog is compact + delete), so the store holds only the alerts of the
        // last raisedRetention, not every alert ever raised
        topology.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(RAISED_STORE, raisedRetention, raisedRetention, false),
                Serdes.String(), Serdes.Long()), "raise");
        topology.addSink(ALERTS_SINK, alerts, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "raise");
        topology.addSink(DLQ_SINK, dlq, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "raise");
        // the card's recent transactions for an alert's detail: same source, same task, same exactly-once transaction
        topology.addProcessor("card-history", () -> new CardHistory.Writer(tenant), "scores-in");
        topology.addStateStore(cardHistory.storeBuilder(), "card-history");

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
