package io.umbra.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterTest {
    @Test
    void roundTripsThroughHeaders() {
        DeadLetter d = new DeadLetter("MISSING_FIELD,BAD_MCC", "cardId is missing; mcc '541' is not…", "ingest-service",
                "acme.tx.raw", 3, 1_234_567L, Instant.parse("2025-11-23T18:00:00.123Z"), false);
        Map<String, byte[]> h = d.toHeaders();
        assertEquals("acme.tx.raw", new String(h.get(DeadLetter.HEADER_SOURCE_TOPIC), StandardCharsets.UTF_8));
        assertEquals(d, DeadLetter.fromHeaders(h));
        assertEquals(7, h.size());
        DeadLetter omitted = new DeadLetter("RECORD_TOO_LARGE", "", "scoring", "acme.score.requests", 0, 9, Instant.EPOCH, true);
        assertEquals("true", new String(omitted.toHeaders().get(DeadLetter.HEADER_PAYLOAD_OMITTED), StandardCharsets.UTF_8));
        assertEquals(omitted, DeadLetter.fromHeaders(omitted.toHeaders()));
        assertTrue(h.keySet().stream().allMatch(k -> k.startsWith(DeadLetter.HEADER_PREFIX)));
    }

    @Test
    void cutsLongDetailsAndRefusesBadHeaders() {
        DeadLetter d = new DeadLetter("X", "y".repeat(5000), "svc", "acme.tx.raw", 0, 0, Instant.EPOCH, false);
        assertEquals(DeadLetter.MAX_DETAIL_CHARS, d.detail().length());
        assertThrows(IllegalArgumentException.class, () -> new DeadLetter("not a code", "", "svc", "t", 0, 0, Instant.EPOCH, false));
        Map<String, byte[]> h = new java.util.HashMap<>(d.toHeaders());
        h.remove(DeadLetter.HEADER_SERVICE);
        EventFormatException e = assertThrows(EventFormatException.class, () -> DeadLetter.fromHeaders(h));
        assertTrue(e.getMessage().contains(DeadLetter.HEADER_SERVICE), e.getMessage());
        h.put(DeadLetter.HEADER_SERVICE, "svc".getBytes(StandardCharsets.UTF_8));
        h.put(DeadLetter.HEADER_SOURCE_OFFSET, "12x".getBytes(StandardCharsets.UTF_8));
        assertThrows(EventFormatException.class, () -> DeadLetter.fromHeaders(h));
    }
}
