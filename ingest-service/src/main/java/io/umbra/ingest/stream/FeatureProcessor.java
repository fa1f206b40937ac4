package io.umbra.ingest.stream;

import io.umbra.events.EventJson;
import io.umbra.events.features.CardHistory;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.tx.RawTransaction;
import io.umbra.ingest.FeatureExtractor;
import io.umbra.ingest.IngestMetrics;
import io.umbra.ingest.TenantStreamsConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The last step: a first-seen transaction becomes its {@link FeatureVector}, keyed by card id again (so
 * {@code <t>.tx.features} is partitioned like {@code <t>.tx.raw}: a card's vectors on one partition).
 *
 * <p>Schema 1: the vector depends on the transaction alone. Schema 2 ({@code cardStore} set): the records
 * arrive keyed by card id (a repartition by card id precedes this step), so one task sees every transaction
 * of a card, in its partition's order; the card's {@link CardHistory} is read from the persistent,
 * changelogged key-value store, the vector computed against it, and the advanced history written back. The
 * store write, the vector and the consumed offset commit in one Kafka transaction (exactly_once_v2), so
 * after a crash the history is exactly what the committed vectors saw: replayed records find the state they
 * found the first time.
 *
 * <p>Its input passed validation, so a failure here is a defect, not bad input; the record still goes to
 * the dead-letter topic ({@code FEATURES_FAILED}, naming the raw record's partition and offset) rather than
 * stopping the partition. A stored history that cannot be read (also a defect) is logged and replaced by an
 * empty one: the card starts over rather than failing forever.
 */
final class FeatureProcessor implements Processor<String, byte[], String, Routed> {
    private static final Logger LOG = Logger.getLogger(FeatureProcessor.class);
    /** How often idle cards are looked for (wall clock). */
    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
    /** At most this many idle cards are forgotten per sweep, so one sweep never holds up the task for long. */
    static final int SWEEP_MAX_DELETES = 100_000;

    private final FeatureExtractor extractor;
    private final IngestMetrics metrics;
    private final String rawTopic;
    private final String cardStore;
    private final Duration idleRetention;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, byte[]> histories;

    /** Schema 1: no state. */
    FeatureProcessor(FeatureExtractor extractor, IngestMetrics metrics, String rawTopic) {
        this(extractor, metrics, rawTopic, null, null);
    }

    /** Schema 2: per-card histories in {@code cardStore}, forgotten after {@code idleRetention} without a transaction. */
    FeatureProcessor(FeatureExtractor extractor, IngestMetrics metrics, String rawTopic, String cardStore, Duration idleRetention) {
        this.extractor = extractor;
        this.metrics = metrics;
        this.rawTopic = rawTopic;
        this.cardStore = cardStore;
        this.idleRetention = idleRetention;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        if (cardStore != null) {
            this.histories = context.getStateStore(cardStore);
            context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::forgetIdleCards);
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        FeatureVector vector;
        try {
            RawTransaction transaction = EventJson.read(record.value(), RawTransaction.class, FeatureVector.MAX_JSON_BYTES);
            if (histories == null) {
                vector = extractor.extract(transaction);
            } else {
                CardHistory history = history(transaction.cardId());
                vector = extractor.extract(history, transaction, context.currentSystemTimeMs());
                histories.put(transaction.cardId(), history.toBytes());
            }
        } catch (RuntimeException e) {
            int partition = (int) DeadLetters.longHeader(record.headers(), DeadLetters.HEADER_RAW_PARTITION, 0);
            long offset = DeadLetters.longHeader(record.headers(), DeadLetters.HEADER_RAW_OFFSET, 0);
            LOG.errorf("features of the transaction from %s-%d@%d could not be computed (%s); dead-lettered",
                    rawTopic, partition, offset, e.getClass().getSimpleName());
            metrics.deadLettered(DeadLetters.FEATURES_FAILED);
            context.forward(DeadLetters.of(record, record.key().getBytes(StandardCharsets.UTF_8), DeadLetters.FEATURES_FAILED,
                    "features could not be computed: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    TenantStreamsConfig.SERVICE, rawTopic, partition, offset));
            return;
        }
        metrics.featuresOut();
        // No headers go on: a producer's headers stay at ingest, and ours were only for this topology.
        context.forward(new Record<>(record.key(), new Routed.Forward(vector.cardId(), vector.toJson()), record.timestamp(),
                new RecordHeaders()));
    }

    private CardHistory history(String cardId) {
        byte[] stored = histories.get(cardId);
        if (stored == null) {
            return new CardHistory();
        }
        try {
            return CardHistory.fromBytes(stored);
        } catch (IllegalArgumentException e) {
            // Never a card id in the log: the store name and the cause only.
            LOG.errorf("a card history in store %s could not be read (%s); that card starts over", cardStore, e.getMessage());
            return new CardHistory();
        }
    }

    /** Deletes the histories of cards idle for longer than the retention (a tombstone each in the compacted changelog). */
    private void forgetIdleCards(long now) {
        long cutoff = now - idleRetention.toMillis();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = histories.all()) {
            while (all.hasNext() && idle.size() < SWEEP_MAX_DELETES) {
                KeyValue<String, byte[]> entry = all.next();
                long updated;
                try {
                    updated = CardHistory.fromBytes(entry.value).updatedAtWallMs();
                } catch (IllegalArgumentException e) {
                    updated = Long.MIN_VALUE;
                }
                if (updated < cutoff) {
                    idle.add(entry.key);
                }
            }
        }
        for (String card : idle) {
            histories.delete(card);
        }
        if (!idle.isEmpty()) {
            LOG.infof("forgot %d card histories idle for more than %s", idle.size(), idleRetention);
        }
    }
}
