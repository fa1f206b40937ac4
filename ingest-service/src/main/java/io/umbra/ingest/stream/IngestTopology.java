package io.umbra.ingest.stream;

import io.umbra.kafka.streams.TraceHop;
import io.umbra.kafka.tracing.HopTracing;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
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
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;

/**
 * The ingest pipeline of one tenant, as a Kafka Streams topology (run by Quarkus with
 * {@code processing.guarantee=exactly_once_v2}: outputs, dead letters, store writes and consumed offsets
 * commit in one Kafka transaction). One sub-topology, no repartition topic:
 *
 * <pre>
 * &lt;t&gt;.tx.raw (key: card id, as producers send it; bytes)
 *   → screen: validate ──────────────────────────────── refused → &lt;t&gt;.tx.dlq (original bytes, reason headers)
 *                      ─ valid, but not keyed by its card id → back to &lt;t&gt;.tx.raw, keyed by card id (read again)
 *   → drop duplicates by transaction id (window store "seen-in-card-partition", changelogged)
 *   → features, keyed by card id ─────────────────────── failed → &lt;t&gt;.tx.dlq
 *   → &lt;t&gt;.tx.features
 * </pre>
 *
 * With feature schema 2 the feature step keeps each card's history in the key-value store
 * {@code card-history} (RocksDB, changelogged) in the same task.
 *
 * <p>Why no repartition: producers key {@code <t>.tx.raw} by card id, so every copy of a transaction
 * (same transaction id, same card) lands on the card's partition, and a duplicate check local to that
 * partition's task is exact. A valid record that arrives under another key (a null key, another id) could sit
 * on another partition, where that check would not see its twin: it is written back to {@code <t>.tx.raw}
 * under its card id, in the same transaction, and checked when it comes round on the card's partition. What
 * this does not catch: a producer that keys by card id but picks partitions with another function than
 * Kafka's default (murmur2 of the key bytes; librdkafka's default differs) puts a card's records on the
 * "wrong" partition, where neither the check nor the card's history meets the others (docs in the README).
 * The order of a card's transactions is the order of its raw partition.
 */
@ApplicationScoped
public class IngestTopology {
    /**
     * The dedupe store, one per raw partition; its changelog is {@code <t>.ingest-service-seen-in-card-partition-changelog}.
     * (Until 2026-12 the store was {@code seen-transactions}, behind a repartition by transaction id.)
     */
    public static final String SEEN_STORE = "seen-in-card-partition";

    /** The per-card history store of schema 2; its changelog is {@code <t>.ingest-service-card-history-changelog}. */
    public static final String CARD_STORE = "card-history";

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

        // Not keyed by its card id: back to the raw topic under the card id (Kafka's default partitioner on the
        // key bytes, as producers use), to be read again on the card's partition.
        screened.filter((key, routed) -> routed instanceof Routed.Rekeyed, Named.as("screen-not-keyed-by-card"))
                .map((key, routed) -> KeyValue.pair(((Routed.Rekeyed) routed).cardId(), ((Routed.Rekeyed) routed).value()),
                        Named.as("key-by-card-id-again"))
                .to(raw, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-under-card-id"));

        // No repartition: process() never inserts one, and the record is on its card's partition.
        KStream<String, byte[]> firstSeen = screened
                .filter((key, routed) -> routed instanceof Routed.Forward, Named.as("screen-passed"))
                .map((key, routed) -> forward(routed), Named.as("key-by-transaction-id"))
                .process(() -> new DuplicateFilter(SEEN_STORE, metrics), Named.as("drop-duplicates"), SEEN_STORE);

        KStream<String, Routed> featured;
        if (!extractor.needsCardHistory()) {
            // Schema 1: no state beyond the dedupe store.
            featured = firstSeen.process(() -> new FeatureProcessor(extractor, metrics, raw), Named.as("features"));
        } else {
            // Schema 2: this task meets every transaction of its partition's cards, in that partition's order.
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CARD_STORE),
                    Serdes.String(), Serdes.ByteArray()));
            featured = firstSeen.process(() -> new FeatureProcessor(extractor, metrics, raw, CARD_STORE, cardIdleRetention),
                    Named.as("card-features"), CARD_STORE);
        }
        toDeadLetters(featured, dlq, "features");

        featured.filter((key, routed) -> routed instanceof Routed.Forward, Named.as("features-passed"))
                .map((key, routed) -> forward(routed), Named.as("key-by-card-id"))
                // the transaction's trace: its ingest span in the headers (the producer's traceparent continued)
                .processValues(TraceHop.values(HopTracing.forService("ingest-service"), "ingest"), Named.as("trace-ingest"))
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

    private static KeyValue<String, byte[]> forward(Routed routed) {
        Routed.Forward forward = (Routed.Forward) routed;
        return KeyValue.pair(forward.key(), forward.value());
    }
}
