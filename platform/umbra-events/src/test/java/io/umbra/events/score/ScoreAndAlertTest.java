package io.umbra.events.score;

import io.umbra.events.EventFormatException;
import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreAndAlertTest {
    static final Instant T0 = Instant.parse("2025-11-23T17:42:07.120Z");
    static final Score SCORE = new Score(TenantId.of("acme"), "tx-1", "card-3f9a0c71", 129999, "USD", "shop-7731",
            Score.probabilityOf(2.5), 2.5, "logreg-fraud", 4, T0, T0.plusMillis(800), T0.plusMillis(950), T0.plusMillis(990));

    @Test
    void scoreJsonRoundTrips() {
        byte[] json = SCORE.toJson();
        assertEquals(SCORE, Score.fromJson(json));
        assertArrayEquals(json, Score.fromJson(json).toJson());
        String s = new String(json, StandardCharsets.UTF_8);
        assertTrue(s.contains("\"decryptedAt\":\"2025-11-23T17:42:08.110Z\""), s);
    }

    @Test
    void probabilityIsTheLogisticFunctionWithoutOverflow() {
        assertEquals(0.5, Score.probabilityOf(0));
        assertEquals(1 / (1 + Math.exp(-2.5)), Score.probabilityOf(2.5), 1e-15);
        assertEquals(1.0, Score.probabilityOf(1000));
        assertEquals(0.0, Score.probabilityOf(-1000));
        assertEquals(1 - Score.probabilityOf(3), Score.probabilityOf(-3), 1e-15);
    }

    @Test
    void scoreRefusesImpossibleValues() {
        String json = new String(SCORE.toJson(), StandardCharsets.UTF_8);
        for (String bad : new String[] {
                json.replaceFirst("\"fraudProbability\":[^,]*", "\"fraudProbability\":1.01"),
                json.replaceFirst("\"fraudProbability\":[^,]*", "\"fraudProbability\":-0.1"),
                json.replaceFirst("\"logit\":[^,]*", "\"logit\":1e400"),
                json.replace("\"modelVersion\":4", "\"modelVersion\":0"),
                json.replace(",\"decryptedAt\":\"2025-11-23T17:42:08.110Z\"", "")}) {
            assertThrows(EventFormatException.class, () -> Score.fromJson(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void alertsMoveForwardOnly() {
        Alert open = Alert.open(SCORE, "score-above-0.9", T0.plusSeconds(1));
        assertEquals(AlertStatus.OPEN, open.status());
        assertEquals(open.createdAt(), open.updatedAt());
        assertEquals(SCORE.fraudProbability(), open.score());
        Alert ack = open.moveTo(AlertStatus.ACKNOWLEDGED, T0.plusSeconds(60));
        Alert resolved = ack.moveTo(AlertStatus.RESOLVED, T0.plusSeconds(600));
        assertEquals(open.alertId(), resolved.alertId());
        assertEquals(T0.plusSeconds(600), resolved.updatedAt());
        open.moveTo(AlertStatus.RESOLVED, T0.plusSeconds(2));
        assertThrows(IllegalStateException.class, () -> resolved.moveTo(AlertStatus.OPEN, T0.plusSeconds(700)));
        assertThrows(IllegalStateException.class, () -> ack.moveTo(AlertStatus.ACKNOWLEDGED, T0.plusSeconds(700)));
        assertThrows(IllegalArgumentException.class, () -> open.moveTo(AlertStatus.RESOLVED, T0));
    }

    @Test
    void alertJsonRoundTrips() {
        Alert a = Alert.open(SCORE, "score-above-0.9", T0.plusSeconds(1)).moveTo(AlertStatus.ACKNOWLEDGED, T0.plusSeconds(5));
        byte[] json = a.toJson();
        assertEquals(a, Alert.fromJson(json));
        String s = new String(json, StandardCharsets.UTF_8);
        assertTrue(s.startsWith("{\"alertId\":\"" + a.alertId() + "\",\"tenant\":\"acme\""), s);
        assertTrue(s.contains("\"status\":\"ACKNOWLEDGED\""), s);
        assertThrows(EventFormatException.class,
                () -> Alert.fromJson(s.replace("ACKNOWLEDGED", "acknowledged").getBytes(StandardCharsets.UTF_8)));
        assertThrows(EventFormatException.class,
                () -> Alert.fromJson(s.replace("\"status\":\"ACKNOWLEDGED\"", "\"status\":1").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void alertsKeepWhoAcknowledgedAndWhoResolved() {
        Alert open = Alert.open(SCORE, "score-above-0.9", T0.plusSeconds(1));
        assertTrue(!new String(open.toJson(), StandardCharsets.UTF_8).contains("acknowledged"), "an open alert names nobody");
        Alert ack = open.moveTo(AlertStatus.ACKNOWLEDGED, T0.plusSeconds(60), "ana@acme");
        Alert resolved = ack.moveTo(AlertStatus.RESOLVED, T0.plusSeconds(600), "bob@acme");
        assertEquals("ana@acme", resolved.acknowledgedBy());
        assertEquals(T0.plusSeconds(60), resolved.acknowledgedAt());
        assertEquals("bob@acme", resolved.resolvedBy());
        assertEquals(T0.plusSeconds(600), resolved.resolvedAt());
        assertEquals(resolved, Alert.fromJson(resolved.toJson()));
        // written before the fields existed: still read, with nobody named
        String old = new String(open.moveTo(AlertStatus.ACKNOWLEDGED, T0.plusSeconds(5)).toJson(), StandardCharsets.UTF_8);
        assertTrue(old.contains("\"acknowledgedAt\""), old);
        Alert legacy = Alert.fromJson(old.replaceAll(",\"acknowledgedAt\":\"[^\"]*\"", "").getBytes(StandardCharsets.UTF_8));
        assertEquals(null, legacy.acknowledgedBy());
        assertEquals(AlertStatus.ACKNOWLEDGED, legacy.status());
        assertThrows(IllegalArgumentException.class, () -> open.moveTo(AlertStatus.ACKNOWLEDGED, T0.plusSeconds(5), "bad\nname"));
        assertThrows(IllegalArgumentException.class, () -> open.moveTo(AlertStatus.ACKNOWLEDGED, T0.plusSeconds(5), "x".repeat(257)));
    }
}
