package io.umbra.ingest.stream;

import io.umbra.events.EventJson;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.tx.RawTransaction;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.ingest.FeatureExtractor;
import io.umbra.ingest.IngestConfig;
import io.umbra.ingest.IngestMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;

/**
 * The ingest pipeline of one tenant, as a Kafka Streams topology (run by Quarkus with
 * {@code processing.guarantee=exactly_once_v2}: outputs, dead letters, store writes and consumed offsets
 * commit in one Kafka transaction).
 *
 * <pre>
 * &lt;t&gt;.tx.raw (key: card id, as producers send it; bytes)
 *   → screen: validate ──────────────────────────────── refused → &lt;t&gt;.tx.dlq (original bytes, reason headers)
 *   → key by transaction id → repartition topic &lt;t&gt;.ingest-service-by-transaction-id-repartition
 *   → drop duplicates (window store "seen-transactions", changelogged)
 *   → features, keyed by card id ─────────────────────── failed → &lt;t&gt;.tx.dlq
 *   → &lt;t&gt;.tx.features
 * </pre>
 *
 * With feature schema 2 the feature step is preceded by a second hop, keyed by card id
 * ({@code <t>.ingest-service-by-card-id-repartition}), and keeps each card's history in the key-value store
 * {@code card-history} (RocksDB, changelogged); schema 1 has neither.
 *
 * Why the repartition: producers key by card id, but nothing stops a retry arriving with another key (a
 * different producer, a null key) and so on another partition, where a store local to the first partition
 * would never see it. Routing every copy of one transaction id to one partition makes the duplicate check
 * exact across partitions. The price: after it, one card's transactions may be processed by different
 * tasks, so their order on {@code <t>.tx.features} follows arrival at the repartition, not the raw topic.
 * Schema 1's features depend on one transaction only, so that costs nothing; schema 2's per-card history
 * re-keys by card id (the second repartition) before its store, and a card's order is then that partition's.
 */
@ApplicationScoped
public class IngestTopology {
    /** The dedupe store; its changelog is {@code <t>.ingest-service-seen-transactions-changelog}. */
    public static final String SEEN_STORE = "seen-transactions";
    /** Names the repartition topic: {@code <t>.ingest-service-by-transaction-id-repartition}. */
    public static final String BY_TRANSACTION_ID = "by-transaction-id";

    /** The per-card history store of schema 2; its changelog is {@code <t>.ingest-service-card-history-changelog}. */
    public static final String CARD_STORE = "card-history";
    /** Names schema 2's repartition topic: {@code <t>.ingest-service-by-card-id-repartition}. */
    public static final String BY_CARD_ID = "by-card-id";

    @Produces
    public Topology topology(TenantId tenant, IngestConfig config, TransactionValidator validator, FeatureExtractor extractor,
                             IngestMetrics metrics) {
        return build(tenant, config.dedupe().retention(), validator, extractor, metrics, config.cardState().idleRetention());
    }

    /** The topology of schema 1, buildable without CDI. */
    public static Topology build(TenantId tenant, Duration dedupeRetention, TransactionValidator validator,
                                 FeatureExtractor extractor, IngestMetrics metrics) {
        return build(tenant, dedupeRetention, validator, extractor, metrics, Duration.ofDays(90));
    }

    /** The topology of {@code extractor}'s schema, buildable without CDI. */
    public static Topology build(TenantId tenant, Duration dedupeRetention, TransactionValidator validator,
                                 FeatureExtractor extractor, IngestMetrics metrics, Duration cardIdleRetention) {
        String raw = Topics.name(tenant, TopicKind.TX_RAW);
        String features = Topics.name(tenant, TopicKind.TX_FEATURES);
        String dlq = Topics.name(tenant, TopicKind.TX_DLQ);

        StreamsBuilder builder = new StreamsBuilder();
        // Window size = retention: one window per id; only the window's start (first seen) matters.
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SEEN_STORE, dedupeRetention, dedupeRetention, false),
                Serdes.String(), Serdes.Long()));

        // Bytes in: nothing can fail to deserialize, every judgement happens in the screening step.
        KStream<byte[], Routed> screened = builder
                .stream(raw, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-transactions"))
                .process(() -> new ScreeningProcessor(validator, metrics), Named.as("screen"));
        toDeadLetters(screened, dlq, "screen");

        KStream<String, byte[]> firstSeen = screened
                .filter((key, routed) -> routed instanceof Routed.Forward, Named.as("screen-passed"))
                .map((key, routed) -> forward(routed), Named.as("key-by-transaction-id"))
                .repartition(Repartitioned.<String, byte[]>as(BY_TRANSACTION_ID)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()))
                .process(() -> new DuplicateFilter(SEEN_STORE, metrics), Named.as("drop-duplicates"), SEEN_STORE);

        KStream<String, Routed> featured;
        if (!extractor.needsCardHistory()) {
            // Schema 1: no state, no second hop.
            featured = firstSeen.process(() -> new FeatureProcessor(extractor, metrics, raw), Named.as("features"));
        } else {
            // Schema 2: every transaction of a card to one task, in that partition's order, before its history.
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CARD_STORE),
                    Serdes.String(), Serdes.ByteArray()));
            featured = firstSeen
                    .selectKey((transactionId, json) -> cardIdOf(json, transactionId), Named.as("key-by-card-for-history"))
                    .repartition(Repartitioned.<String, byte[]>as(BY_CARD_ID)
                            .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()))
                    .process(() -> new FeatureProcessor(extractor, metrics, raw, CARD_STORE, cardIdleRetention),
                            Named.as("card-features"), CARD_STORE);
        }
        toDeadLetters(featured, dlq, "features");

        featured.filter((key, routed) -> routed instanceof Routed.Forward, Named.as("features-passed"))
                .map((key, routed) -> forward(routed), Named.as("key-by-card-id"))
                .to(features, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("feature-vectors"));
        return builder.build();
    }

    private static <K> void toDeadLetters(KStream<K, Routed> stream, String dlq, String step) {
        stream.filter((key, routed) -> routed instanceof Routed.DeadLettered, Named.as(step + "-refused"))
                .map((key, routed) -> {
                    Routed.DeadLettered letter = (Routed.DeadLettered) routed;
                    return KeyValue.pair(letter.key(), letter.value());
                }, Named.as(step + "-dead-letter"))
                .to(dlq, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(step + "-dead-letters"));
    }

    /**
     * The card id of the canonical transaction JSON; if it cannot be read (a defect: it passed validation), the
     * transaction id, so that the feature step still meets the record and dead-letters it.
     */
    private static String cardIdOf(byte[] json, String transactionId) {
        try {
            return EventJson.read(json, RawTransaction.class, FeatureVector.MAX_JSON_BYTES).cardId();
        } catch (RuntimeException e) {
            return transactionId;
        }
    }

    private static KeyValue<String, byte[]> forward(Routed routed) {
        Routed.Forward forward = (Routed.Forward) routed;
        return KeyValue.pair(forward.key(), forward.value());
    }
}
