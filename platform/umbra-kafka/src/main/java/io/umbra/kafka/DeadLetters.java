package io.umbra.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.umbra.events.DeadLetter;

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
    public static final int MAX_DETAIL_CHARS = 1024;

    /** The input is larger than the processor's record size limit; the handler never saw it. */
    public static final String RECORD_TOO_LARGE = "RECORD_TOO_LARGE";
    /** The handler threw; the detail names the exception. */
    public static final String HANDLER_EXCEPTION = "HANDLER_EXCEPTION";
    /** The handler's outputs were refused by the producer or broker (too large, invalid topic...). */
    public static final String OUTPUT_REJECTED = "OUTPUT_REJECTED";

    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]*(,[A-Z][A-Z0-9_]*)*");
    private static final String PREFIX = DeadLetter.HEADER_PREFIX;

    private DeadLetters() {
    }

    /** Whether {@code reason} is upper-case codes separated by ',' and at most 256 characters. */
    public static boolean isValidReason(String reason) {
        return reason != null && reason.length() <= 256 && REASON.matcher(reason).matches();
    }

    /**
     * The dead letter of {@code source} on {@code topic}. Earlier {@code umbra.dlq.*} headers (a record
     * dead-lettered again after a replay) are replaced, the input's other headers kept.
     */
    static ProducerRecord<byte[], byte[]> of(String topic, ConsumerRecord<byte[], byte[]> source, String reason, String detail,
                                             String service, Instant failedAt, boolean omitPayload) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : source.headers()) {
            if (!h.key().startsWith(PREFIX)) {
                headers.add(h);
            }
        }
        headers.add(HEADER_REASON, utf8(reason));
        headers.add(HEADER_DETAIL, utf8(cut(detail, MAX_DETAIL_CHARS)));
        headers.add(HEADER_SERVICE, utf8(service));
        headers.add(HEADER_SOURCE_TOPIC, utf8(source.topic()));
        headers.add(HEADER_SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(HEADER_SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        headers.add(HEADER_FAILED_AT, utf8(failedAt.toString()));
        if (omitPayload) {
            headers.add(HEADER_PAYLOAD_OMITTED, utf8("true"));
        }
        return new ProducerRecord<>(topic, null, null, omitPayload ? null : source.key(), omitPayload ? null : source.value(), headers);
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
