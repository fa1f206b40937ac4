package io.umbra.encrypt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;

import io.umbra.events.EventFormatException;
import io.umbra.events.EventJson;
import io.umbra.events.TenantId;
import io.umbra.events.envelope.EnvelopeFormatException;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.kafka.BatchHandler;
import io.umbra.kafka.BatchOutcome;
import io.umbra.kafka.tracing.HopTracing;
import io.umbra.events.Topics;

/**
 * One poll of {@code <t>.tx.features} → encrypted batches on {@code <t>.score.requests}. Each record is
 * read as a {@link FeatureVector}; those that cannot be batched are rejected with a reason code (see
 * {@link Reason}); the rest are grouped by feature schema (a batch's columns follow one schema) in poll
 * order and handed to the {@link BatchEncryptor}. Each batch is one output record keyed by its batch id,
 * made from exactly the records in its slots.
 *
 * <p>The keys are read once per poll, so a rotation takes effect at the next batch. Metrics of a poll are
 * staged and reported only when its transaction commits.
 */
public final class FeatureBatchHandler implements BatchHandler {
    /**
     * An optional header naming the tenant a record belongs to. The topic is already the tenant's; a
     * record that says otherwise (here or in a top-level {@code tenant} field) was misrouted and must not
     * be encrypted under this tenant's key.
     */
    public static final String TENANT_HEADER = "umbra.tenant";

    /** Why a feature record went to {@code <t>.encrypt.dlq}. */
    public enum Reason {
        /** Larger than a feature vector may be; not parsed. */
        RECORD_TOO_LARGE,
        /** Not one JSON object. */
        MALFORMED_JSON,
        /** A schema id or version this release does not know: its columns would not match any model. */
        UNSUPPORTED_SCHEMA_VERSION,
        /** The record names another tenant. */
        WRONG_TENANT,
        /** Valid JSON of a known schema, but not a valid vector (wrong dimension, non-finite value, bad id...). */
        INVALID_FEATURES,
        /** Even a one-transaction batch would not fit the score topic's message size. */
        BATCH_TOO_LARGE
    }

    /** What the trace headers leave free of a score request record's room: its key, dead-letter headers, framing. */
    static final int TRACE_HEADROOM_BYTES = 16 * 1024;

    private final TenantId tenant;
    private final String scoreTopic;
    private final Supplier<EncryptionKeys> keys;
    private final BatchEncryptor encryptor;
    private final int maxSlots;
    private final int maxMessageBytes;
    private final EncryptMetrics metrics;
    private final HopTracing tracing = HopTracing.forService("encrypt-service");

    /**
     * @param maxMessageBytes the score topic's {@code max.message.bytes} ({@link Topics#maxMessageBytes} of the configured
     *                        envelope limit): what a batch record and its trace headers must fit in
     */
    public FeatureBatchHandler(TenantId tenant, String scoreTopic, Supplier<EncryptionKeys> keys, BatchEncryptor encryptor,
                               int maxSlots, int maxMessageBytes, EncryptMetrics metrics) {
        this.tenant = tenant;
        this.scoreTopic = scoreTopic;
        this.keys = keys;
        this.encryptor = encryptor;
        this.maxSlots = maxSlots;
        this.maxMessageBytes = maxMessageBytes;
        this.metrics = metrics;
    }

    @Override
    public BatchOutcome handle(List<ConsumerRecord<byte[], byte[]>> records) {
        java.time.Instant started = java.time.Instant.now();
        EncryptionKeys current = keys.get();
        if (current == null) {
            // Not started before keys exist; if it ever happens, aborting and replaying is the safe answer.
            throw new IllegalStateException("no public bundle of tenant " + tenant + " is loaded");
        }
        BatchOutcome.Builder out = BatchOutcome.builder();
        Map<FeatureSchema, Group> bySchema = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Parsed parsed = parse(record);
            if (parsed.reason != null) {
                out.reject(record, parsed.reason.name(), parsed.detail);
            } else {
                Group g = bySchema.computeIfAbsent(parsed.vector.schema(), s -> new Group());
                g.vectors.add(parsed.vector);
                g.records.add(record);
            }
        }
        List<BatchEncryptor.EncryptedBatch> made = new ArrayList<>();
        for (Map.Entry<FeatureSchema, Group> e : bySchema.entrySet()) {
            Group g = e.getValue();
            List<BatchEncryptor.EncryptedBatch> batches;
            try {
                batches = encryptor.encrypt(current, e.getKey(), g.vectors, maxSlots);
            } catch (EnvelopeFormatException tooLarge) {
                for (ConsumerRecord<byte[], byte[]> r : g.records) {
                    out.reject(r, Reason.BATCH_TOO_LARGE.name(), tooLarge.getMessage());
                }
                continue;
            }
            for (BatchEncryptor.EncryptedBatch b : batches) {
                byte[] key = b.request().batchId().toString().getBytes(StandardCharsets.US_ASCII);
                byte[] value = b.request().encode();
                List<ConsumerRecord<byte[], byte[]>> slots = g.records.subList(b.from(), b.to());
                // the batch's span, linking its transactions; their contexts ride along unless the record would not fit
                // (from the topic's configured limit: with 16 MiB envelopes a batch over 8 MiB still carries them)
                int room = maxMessageBytes - value.length - key.length - TRACE_HEADROOM_BYTES;
                out.emit(new ProducerRecord<>(scoreTopic, null, key, value, tracing.batch("encrypt batch", slots, started, room)), slots);
                made.add(b);
            }
        }
        // Staged only once the whole call succeeded: a call that throws is retried record by record.
        for (BatchEncryptor.EncryptedBatch b : made) {
            metrics.stageBatch(b.slotCount(), maxSlots, b.encryptNanos());
        }
        return out.build();
    }

    @Override
    public void batchCommitted() {
        metrics.commitStaged();
    }

    @Override
    public void batchAborted() {
        metrics.dropStaged();
    }

    private Parsed parse(ConsumerRecord<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value != null && value.length > FeatureVector.MAX_JSON_BYTES) {
            return Parsed.refused(Reason.RECORD_TOO_LARGE, "the feature vector is " + value.length + " bytes, more than the "
                    + FeatureVector.MAX_JSON_BYTES + " allowed");
        }
        JsonNode tree;
        try {
            tree = EventJson.readTree(value, "FeatureVector", FeatureVector.MAX_JSON_BYTES);
        } catch (EventFormatException e) {
            return Parsed.refused(Reason.MALFORMED_JSON, e.getMessage());
        }
        if (!tree.isObject()) {
            return Parsed.refused(Reason.MALFORMED_JSON, "FeatureVector: the payload is not a JSON object");
        }
        if (namesAnotherTenant(record, tree)) {
            return Parsed.refused(Reason.WRONG_TENANT, "the record names another tenant than " + tenant.value());
        }
        JsonNode id = tree.get("schemaId");
        JsonNode version = tree.get("schemaVersion");
        if (id != null && id.isTextual() && version != null && version.canConvertToInt() && version.isIntegralNumber()
                && FeatureSchema.KNOWN.stream().noneMatch(s -> s.id().equals(id.asText()) && s.version() == version.asInt())) {
            return Parsed.refused(Reason.UNSUPPORTED_SCHEMA_VERSION, "feature schema version " + version.asInt()
                    + " is not one this release reads; known: " + FeatureSchema.KNOWN.stream().map(s -> s.id() + " v" + s.version()).toList());
        }
        try {
            return new Parsed(FeatureVector.fromJson(value), null, null);
        } catch (EventFormatException | IllegalArgumentException e) {
            return Parsed.refused(Reason.INVALID_FEATURES, e.getMessage());
        }
    }

    private boolean namesAnotherTenant(ConsumerRecord<byte[], byte[]> record, JsonNode tree) {
        for (Header h : record.headers().headers(TENANT_HEADER)) {
            if (h.value() == null || !tenant.value().equals(new String(h.value(), StandardCharsets.UTF_8))) {
                return true;
            }
        }
        JsonNode t = tree.get("tenant");
        return t != null && !t.isNull() && !(t.isTextual() && tenant.value().equals(t.asText()));
    }

    private record Parsed(FeatureVector vector, Reason reason, String detail) {
        static Parsed refused(Reason reason, String detail) {
            return new Parsed(null, reason, detail);
        }
    }

    private static final class Group {
        final List<FeatureVector> vectors = new ArrayList<>();
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    }
}
