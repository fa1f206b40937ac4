package io.umbra.ingest.stream;

import io.umbra.events.EventJson;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.tx.RawTransaction;
import io.umbra.ingest.FeatureExtractor;
import io.umbra.ingest.IngestMetrics;
import io.umbra.ingest.TenantStreamsConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;

/**
 * The last step: a first-seen transaction becomes its {@link FeatureVector}, keyed by card id again (so
 * {@code <t>.tx.features} is partitioned like {@code <t>.tx.raw}: a card's vectors on one partition).
 *
 * <p>Its input passed validation, so a failure here is a defect, not bad input; the record still goes to
 * the dead-letter topic ({@code FEATURES_FAILED}, naming the raw record's partition and offset) rather than
 * stopping the partition.
 */
final class FeatureProcessor implements Processor<String, byte[], String, Routed> {
    private static final Logger LOG = Logger.getLogger(FeatureProcessor.class);

    private final FeatureExtractor extractor;
    private final IngestMetrics metrics;
    private final String rawTopic;
    private ProcessorContext<String, Routed> context;

    FeatureProcessor(FeatureExtractor extractor, IngestMetrics metrics, String rawTopic) {
        this.extractor = extractor;
        this.metrics = metrics;
        this.rawTopic = rawTopic;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        FeatureVector vector;
        try {
            RawTransaction transaction = EventJson.read(record.value(), RawTransaction.class, FeatureVector.MAX_JSON_BYTES);
            vector = extractor.extract(transaction);
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
}
