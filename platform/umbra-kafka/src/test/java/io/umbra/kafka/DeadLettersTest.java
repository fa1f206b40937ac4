package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.umbra.events.DeadLetter;
import io.umbra.events.Topics;

/** The one dead-letter header builder every service uses. */
class DeadLettersTest {
    private static final Instant AT = Instant.parse("2026-12-01T10:15:30Z");

    @Test
    void keepsTheInputsOwnHeadersReplacesEarlierDeadLetterHeadersAndDropsAServicesBookkeeping() {
        Headers input = new RecordHeaders()
                .add("trace-id", utf8("t-42"))
                .add(DeadLetter.HEADER_REASON, utf8("OLD_REASON"))
                .add(DeadLetter.HEADER_PAYLOAD_OMITTED, utf8("true"))
                .add("umbra.ingest.raw.offset", utf8("7"));
        DeadLetter letter = new DeadLetter("BAD_AMOUNT", "amount is negative", "ingest-service", "acme.tx.raw", 2, 41, AT, false);

        Headers headers = DeadLetters.headers(input, letter, "umbra.ingest.");

        List<String> keys = new ArrayList<>();
        Map<String, byte[]> byKey = new LinkedHashMap<>();
        for (Header h : headers) {
            keys.add(h.key());
            byKey.put(h.key(), h.value());
        }
        assertEquals("trace-id", keys.get(0), "the input's own headers come first, kept");
        assertEquals(1, keys.stream().filter(DeadLetter.HEADER_REASON::equals).count(), "replaced, not doubled");
        assertFalse(keys.contains("umbra.ingest.raw.offset"));
        assertFalse(keys.contains(DeadLetter.HEADER_PAYLOAD_OMITTED), "a stale payload-omitted flag does not survive");
        byKey.remove("trace-id");
        assertEquals(letter, DeadLetter.fromHeaders(byKey), "umbra-events reads back exactly what was written");
        assertEquals("t-42", DeadLetters.header(headers, "trace-id"));
        assertNull(DeadLetters.header(headers, "absent"));
    }

    @Test
    void thePayloadIsLeftOutOnlyWhenItWouldNotFitADefaultSizedTopic() {
        int limit = Topics.KAFKA_DEFAULT_MAX_MESSAGE_BYTES - Topics.RECORD_OVERHEAD_BYTES;
        assertFalse(DeadLetters.mustOmitPayload(new byte[10], new byte[limit - 10]));
        assertTrue(DeadLetters.mustOmitPayload(new byte[10], new byte[limit - 9]));
        assertFalse(DeadLetters.mustOmitPayload(null, null));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
