package io.umbra.events;

import io.umbra.events.score.Score;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventJsonTest {
    static final Score SCORE = new Score(TenantId.of("acme"), "tx-1", "card-1", 4250, "EUR", "m-1", 0.25, -1.0986, "logreg-v1", 3,
            Instant.parse("2025-11-23T17:42:07.120Z"), Instant.parse("2025-11-23T17:42:08Z"),
            Instant.parse("2025-11-23T17:42:08.300Z"), Instant.parse("2025-11-23T17:42:08.350Z"));

    static String json() {
        return new String(EventJson.write(SCORE), StandardCharsets.UTF_8);
    }

    static Score read(String json) {
        return EventJson.read(json.getBytes(StandardCharsets.UTF_8), Score.class, Score.MAX_JSON_BYTES);
    }

    @Test
    void writesDeterministicIsoTimesInDeclaredOrderWithoutNulls() {
        String json = json();
        assertTrue(json.startsWith("{\"tenant\":\"acme\",\"transactionId\":\"tx-1\",\"cardId\":\"card-1\""), json);
        assertTrue(json.contains("\"eventTime\":\"2025-11-23T17:42:07.120Z\""), json);
        assertTrue(json.contains("\"producedAt\":\"2025-11-23T17:42:08Z\""), json);
        assertArrayEquals(EventJson.write(SCORE), EventJson.write(read(json)));
        assertEquals(SCORE, read(json));
    }

    @Test
    void ignoresUnknownFields() {
        String json = json().replaceFirst("\\{", "{\"addedLater\":{\"nested\":[1,2,3]},\"x\":null,");
        assertEquals(SCORE, read(json));
    }

    @Test
    void refusesAmbiguousJson() {
        String json = json();
        assertRefused(json.replaceFirst("\\{", "{\"cardId\":\"card-2\","), "appears twice");
        assertRefused(json + "{}", "content follows the JSON value");
        assertRefused(json.substring(0, json.length() - 5), "ends early");
        assertRefused(json.replace("\"amountMinor\":4250", "\"amountMinor\":\"4250\""), "amountMinor");
        assertRefused(json.replace("\"amountMinor\":4250", "\"amountMinor\":4250.5"), "amountMinor");
        assertRefused(json.replace("\"cardId\":\"card-1\"", "\"cardId\":17"), "cardId");
        assertRefused(json.replace("\"logit\":-1.0986", "\"logit\":NaN"), "not valid JSON");
        assertRefused(json.replace("\"modelVersion\":3", "\"modelVersion\":null"), "modelVersion");
        assertRefused(json.replace("\"fraudProbability\":0.25", "\"fraudProbability\":1.5"), "fraudProbability");
        assertRefused("null", "null");
        assertRefused("", "empty");
        assertRefused("[" + json + "]", "Score");
    }

    @Test
    void boundsInputBeforeParsing() {
        assertRefused(json().replaceFirst("\\{", "{\"pad\":\"" + "x".repeat(Score.MAX_JSON_BYTES) + "\","), "more than");
        String deep = "[".repeat(100) + "]".repeat(100);
        assertRefused(json().replaceFirst("\\{", "{\"deep\":" + deep + ","), "limits");
        assertRefused(json().replace("\"amountMinor\":4250", "\"amountMinor\":" + "9".repeat(200)), "limits");
        assertThrows(EventFormatException.class, () -> EventJson.read(null, Score.class, 10));
    }

    @Test
    void messagesNeverQuoteThePayload() {
        String secret = "SECRET4111111111111111";
        for (String bad : new String[] {
                json().replace("\"cardId\":\"card-1\"", "\"cardId\":" + secret),
                json().replace("\"cardId\":\"card-1\"", "\"cardId\":[\"" + secret + "\"]"),
                json().replace("\"currency\":\"EUR\"", "\"currency\":\"" + secret + "\""),
                "{\"" + secret + "\":1,\"" + secret + "\":2}",
                secret}) {
            EventFormatException e = assertThrows(EventFormatException.class, () -> read(bad));
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
            assertFalse(e.getMessage().contains("4111"), e.getMessage());
        }
    }

    private static void assertRefused(String json, String messagePart) {
        EventFormatException e = assertThrows(EventFormatException.class, () -> read(json), json.length() > 200 ? "…" : json);
        assertTrue(e.getMessage().startsWith("Score: "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "expected '" + messagePart + "' in: " + e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }
}
