package io.umbra.ingest.stream;

import io.umbra.events.DeadLetter;
import io.umbra.events.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Builds the dead-letter records of the ingest topology: the input's key and value byte for byte, its own
 * headers kept, and umbra-events' {@link DeadLetter} headers saying why and where from.
 */
final class DeadLetters {
    /** Our reason when a step after validation fails on a record that passed it (a defect, not bad input). */
    static final String FEATURES_FAILED = "FEATURES_FAILED";

    /**
     * Records whose key and value together exceed this are dead-lettered without them
     * ({@code umbra.dlq.payload.omitted}): the DLQ topic has Kafka's default limit, and the headers need room.
     */
    static final int MAX_PAYLOAD_BYTES = Topics.KAFKA_DEFAULT_MAX_MESSAGE_BYTES - Topics.RECORD_OVERHEAD_BYTES;

    /** Set by the validation step on records it passes on, so a later step can still name the raw record. */
    static final String HEADER_RAW_PARTITION = "umbra.ingest.raw.partition";
    static final String HEADER_RAW_OFFSET = "umbra.ingest.raw.offset";

    private DeadLetters() {
    }

    /**
     * The dead letter of {@code input} (read at {@code topic}/{@code partition}/{@code offset}), keeping its
     * timestamp and its non-Umbra headers.
     */
    static <K> Record<K, Routed> of(Record<K, byte[]> input, byte[] key, String reason, String detail, String service,
                                    String topic, int partition, long offset) {
        int size = (key == null ? 0 : key.length) + (input.value() == null ? 0 : input.value().length);
        boolean omit = size > MAX_PAYLOAD_BYTES;
        DeadLetter letter = new DeadLetter(reason, detail, service, topic, partition, offset, Instant.now(), omit);
        Headers headers = new RecordHeaders();
        for (Header h : input.headers()) {
            if (!h.key().startsWith(DeadLetter.HEADER_PREFIX) && !h.key().startsWith("umbra.ingest.")) {
                headers.add(h);
            }
        }
        for (Map.Entry<String, byte[]> h : letter.toHeaders().entrySet()) {
            headers.add(h.getKey(), h.getValue());
        }
        Routed.DeadLettered value = omit ? new Routed.DeadLettered(null, null) : new Routed.DeadLettered(key, input.value());
        return new Record<>(input.key(), value, input.timestamp(), headers);
    }

    /** The last value of header {@code name} as a long, or {@code fallback}. */
    static long longHeader(Headers headers, String name, long fallback) {
        Header h = headers.lastHeader(name);
        if (h == null || h.value() == null) {
            return fallback;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static byte[] utf8(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }
}
