package io.umbra.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.umbra.events.DeadLetter;
import io.umbra.events.Topics;

/**
 * The dead-letter record: the input's key, value and headers byte for byte (so it can be replayed once
 * the cause is fixed, and ciphertext stays ciphertext), plus headers saying why, UTF-8 text each.
 *
 * <p>The header names are defined once, in umbra-events' {@link DeadLetter}, which also reads them
 * back ({@code DeadLetter.fromHeaders}).
 */
public final class DeadLetters {
    /** A machine-readable reason code, e.g. {@code MISSING_FIELD} or {@code MISSING_FIELD,BAD_MCC}. */
    public static final String HEADER_REASON = DeadLetter.HEADER_REASON;
    /** A human message: names fields, never quotes the payload; at most {@value #MAX_DETAIL_CHARS} characters. */
    public static final String HEADER_DETAIL = DeadLetter.HEADER_DETAIL;
    /** The service that gave up on the record. */
    public static final String HEADER_SERVICE = DeadLetter.HEADER_SERVICE;
    public static final String HEADER_SOURCE_TOPIC = DeadLetter.HEADER_SOURCE_TOPIC;
    public static final String HEADER_SOURCE_PARTITION = DeadLetter.HEADER_SOURCE_PARTITION;
    public static final String HEADER_SOURCE_OFFSET = DeadLetter.HEADER_SOURCE_OFFSET;
    /** When the service gave up, ISO-8601. */
    public static final String HEADER_FAILED_AT = DeadLetter.HEADER_FAILED_AT;
    /**
     * {@code true} when the key and value were left out: the record was too large even for the
     * dead-letter topic. Find the original at source topic/partition/offset while retention keeps it.
     */
    public static final String HEADER_PAYLOAD_OMITTED = DeadLetter.HEADER_PAYLOAD_OMITTED;
    public static final int MAX_DETAIL_CHARS = DeadLetter.MAX_DETAIL_CHARS;

    /** The input is larger than the processor's record size limit; the handler never saw it. */
    public static final String RECORD_TOO_LARGE = "RECORD_TOO_LARGE";
    /** The handler threw; the detail names the exception. */
    public static final String HANDLER_EXCEPTION = "HANDLER_EXCEPTION";
    /** The handler's outputs were refused by the producer or broker (too large, invalid topic...). */
    public static final String OUTPUT_REJECTED = "OUTPUT_REJECTED";

    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]*(,[A-Z][A-Z0-9_]*)*");
    private static final String PREFIX = DeadLetter.HEADER_PREFIX;
    /** The largest key + value a dead letter carries on a topic with Kafka's default {@code max.message.bytes}. */
    private static final int MAX_DEFAULT_TOPIC_PAYLOAD_BYTES = Topics.KAFKA_DEFAULT_MAX_MESSAGE_BYTES - Topics.RECORD_OVERHEAD_BYTES;

    private DeadLetters() {
    }

    /** Whether {@code reason} is upper-case codes separated by ',' and at most 256 characters. */
    public static boolean isValidReason(String reason) {
        return reason != null && reason.length() <= 256 && REASON.matcher(reason).matches();
    }

    /**
     * The dead letter of {@code source} on {@code topic}, as the exactly-once loop sends it: the input's key,
     * value and headers (see {@link #headers}), or none of key and value when {@code omitPayload}.
     */
    static ProducerRecord<byte[], byte[]> of(String topic, ConsumerRecord<byte[], byte[]> source, String reason, String detail,
                                             String service, Instant failedAt, boolean omitPayload) {
        DeadLetter letter = new DeadLetter(reason, detail, service, source.topic(), source.partition(), source.offset(), failedAt,
                omitPayload);
        return new ProducerRecord<>(topic, null, null, omitPayload ? null : source.key(), omitPayload ? null : source.value(),
                headers(source.headers(), letter));
    }

    /**
     * The headers of a dead letter, the one way every service builds them (the exactly-once loop and the
     * Kafka Streams topologies alike): the input's own headers in order, except earlier {@code umbra.dlq.*}
     * headers (a record dead-lettered again after a replay: replaced, never doubled) and those starting with
     * one of {@code dropPrefixes} (a service's own bookkeeping headers), then {@code letter}'s headers.
     */
    public static Headers headers(Iterable<Header> input, DeadLetter letter, String... dropPrefixes) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : input) {
            if (!h.key().startsWith(PREFIX) && !startsWithAny(h.key(), dropPrefixes)) {
                headers.add(h);
            }
        }
        for (Map.Entry<String, byte[]> h : letter.toHeaders().entrySet()) {
            headers.add(h.getKey(), h.getValue());
        }
        return headers;
    }

    /**
     * Whether a dead letter of an input with this key and value must leave them out
     * ({@code umbra.dlq.payload.omitted}) to fit a topic of Kafka's default size limit with room for its headers.
     */
    public static boolean mustOmitPayload(byte[] key, byte[] value) {
        long size = (key == null ? 0L : key.length) + (value == null ? 0L : value.length);
        return size > MAX_DEFAULT_TOPIC_PAYLOAD_BYTES;
    }

    private static boolean startsWithAny(String key, String[] prefixes) {
        for (String prefix : prefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The text of header {@code name} of a dead-letter record, or null. */
    public static String header(Iterable<Header> headers, String name) {
        String value = null;
        for (Header h : headers) {
            if (h.key().equals(name) && h.value() != null) {
                value = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
