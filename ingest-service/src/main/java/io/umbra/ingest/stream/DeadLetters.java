package io.umbra.ingest.stream;

import io.umbra.events.DeadLetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Builds the dead-letter records of the ingest topology: the input's key and value byte for byte (left out
 * when too large for the DLQ topic), and the headers of umbra-kafka's one builder
 * ({@link io.umbra.kafka.DeadLetters#headers}): the input's own, and umbra-events' {@link DeadLetter} saying
 * why and where from.
 */
final class DeadLetters {
    /** Our reason when a step after validation fails on a record that passed it (a defect, not bad input). */
    static final String FEATURES_FAILED = "FEATURES_FAILED";

    /** Set by the validation step on records it passes on, so a later step can still name the raw record. */
    static final String HEADER_RAW_PARTITION = "umbra.ingest.raw.partition";
    static final String HEADER_RAW_OFFSET = "umbra.ingest.raw.offset";
    private static final String INGEST_HEADER_PREFIX = "umbra.ingest.";

    private DeadLetters() {
    }

    /**
     * The dead letter of {@code input} (read at {@code topic}/{@code partition}/{@code offset}), keeping its
     * timestamp and its non-Umbra headers.
     */
    static <K> Record<K, Routed> of(Record<K, byte[]> input, byte[] key, String reason, String detail, String service,
                                    String topic, int partition, long offset) {
        boolean omit = io.umbra.kafka.DeadLetters.mustOmitPayload(key, input.value());
        DeadLetter letter = new DeadLetter(reason, detail, service, topic, partition, offset, Instant.now(), omit);
        // the one dead-letter header builder; this step's own raw-coordinate headers are left behind
        Headers headers = io.umbra.kafka.DeadLetters.headers(input.headers(), letter, INGEST_HEADER_PREFIX);
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
