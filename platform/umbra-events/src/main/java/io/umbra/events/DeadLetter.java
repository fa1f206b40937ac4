package io.umbra.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Why a record went to a dead-letter topic. The dead-letter record keeps the original key and value
 * byte for byte (so it can be replayed once the cause is fixed, and so a score envelope stays
 * ciphertext); this travels beside it as Kafka record headers, {@link #toHeaders()} /
 * {@link #fromHeaders}.
 *
 * @param reason       a machine-readable code, e.g. {@code MISSING_FIELD} or, for several, {@code MISSING_FIELD,BAD_MCC}
 * @param detail       a human message naming fields, never the payload; cut to {@value #MAX_DETAIL_CHARS} characters
 * @param service      the service that gave up, e.g. {@code ingest-service}
 * @param sourceTopic  the topic the record was read from
 * @param partition    its partition
 * @param offset       its offset
 * @param failedAt     when the service gave up
 * @param payloadOmitted true when the key and value were left out because the record was too large even for the
 *                       dead-letter topic: the original is at source topic / partition / offset while retention keeps it
 */
public record DeadLetter(String reason, String detail, String service, String sourceTopic, int partition, long offset,
                         Instant failedAt, boolean payloadOmitted) {
    public static final String HEADER_REASON = "umbra.dlq.reason";
    public static final String HEADER_DETAIL = "umbra.dlq.detail";
    public static final String HEADER_SERVICE = "umbra.dlq.service";
    public static final String HEADER_SOURCE_TOPIC = "umbra.dlq.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "umbra.dlq.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "umbra.dlq.source.offset";
    public static final String HEADER_FAILED_AT = "umbra.dlq.failed.at";
    /** Present, with the value {@code true}, only when the payload was left out. */
    public static final String HEADER_PAYLOAD_OMITTED = "umbra.dlq.payload.omitted";
    /** Every header of a dead letter starts with this. */
    public static final String HEADER_PREFIX = "umbra.dlq.";
    public static final int MAX_DETAIL_CHARS = 1024;

    public DeadLetter {
        if (reason == null || !reason.matches("[A-Z][A-Z0-9_]*(,[A-Z][A-Z0-9_]*)*") || reason.length() > 256) {
            throw new IllegalArgumentException("dead-letter reason must be upper-case codes separated by ',' (at most 256 characters)");
        }
        detail = detail == null ? "" : detail.length() <= MAX_DETAIL_CHARS ? detail : detail.substring(0, MAX_DETAIL_CHARS - 1) + "…";
        Identifiers.require("service", service);
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative");
        }
        Objects.requireNonNull(failedAt, "failedAt");
    }

    /** The headers to put on the dead-letter record, UTF-8 text each. */
    public Map<String, byte[]> toHeaders() {
        Map<String, byte[]> h = new LinkedHashMap<>();
        h.put(HEADER_REASON, utf8(reason));
        h.put(HEADER_DETAIL, utf8(detail));
        h.put(HEADER_SERVICE, utf8(service));
        h.put(HEADER_SOURCE_TOPIC, utf8(sourceTopic));
        h.put(HEADER_SOURCE_PARTITION, utf8(Integer.toString(partition)));
        h.put(HEADER_SOURCE_OFFSET, utf8(Long.toString(offset)));
        h.put(HEADER_FAILED_AT, utf8(failedAt.toString()));
        if (payloadOmitted) {
            h.put(HEADER_PAYLOAD_OMITTED, utf8("true"));
        }
        return h;
    }

    /** The dead letter in {@code headers}, or an {@link EventFormatException} naming the header that is missing or wrong. */
    public static DeadLetter fromHeaders(Map<String, byte[]> headers) {
        try {
            return new DeadLetter(text(headers, HEADER_REASON), text(headers, HEADER_DETAIL), text(headers, HEADER_SERVICE),
                    text(headers, HEADER_SOURCE_TOPIC), Integer.parseInt(text(headers, HEADER_SOURCE_PARTITION)),
                    Long.parseLong(text(headers, HEADER_SOURCE_OFFSET)), Instant.parse(text(headers, HEADER_FAILED_AT)),
                    headers.containsKey(HEADER_PAYLOAD_OMITTED) && "true".equals(text(headers, HEADER_PAYLOAD_OMITTED)));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new EventFormatException("dead-letter headers: partition, offset or time is not a number / an ISO-8601 instant", e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EventFormatException("dead-letter headers: " + e.getMessage(), e);
        }
    }

    private static String text(Map<String, byte[]> headers, String name) {
        byte[] v = headers.get(name);
        if (v == null) {
            throw new EventFormatException("dead-letter headers: " + name + " is missing");
        }
        if (v.length > 4 * MAX_DETAIL_CHARS) {
            throw new EventFormatException("dead-letter headers: " + name + " is longer than " + 4 * MAX_DETAIL_CHARS + " bytes");
        }
        return new String(v, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
