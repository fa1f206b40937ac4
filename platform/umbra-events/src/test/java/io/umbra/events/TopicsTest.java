package io.umbra.events;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicsTest {
    private static final TenantId ACME = TenantId.of("acme");

    @Test
    void namesEveryTopicOnce() {
        Map<TopicKind, String> expected = Map.ofEntries(
                Map.entry(TopicKind.TX_RAW, "acme.tx.raw"),
                Map.entry(TopicKind.TX_FEATURES, "acme.tx.features"),
                Map.entry(TopicKind.TX_DLQ, "acme.tx.dlq"),
                Map.entry(TopicKind.ENCRYPT_DLQ, "acme.encrypt.dlq"),
                Map.entry(TopicKind.SCORE_REQUESTS, "acme.score.requests"),
                Map.entry(TopicKind.SCORE_RESULTS, "acme.score.results"),
                Map.entry(TopicKind.SCORE_DLQ, "acme.score.dlq"),
                Map.entry(TopicKind.DECRYPT_DLQ, "acme.decrypt.dlq"),
                Map.entry(TopicKind.SCORES, "acme.scores"),
                Map.entry(TopicKind.ALERTS, "acme.alerts"),
                Map.entry(TopicKind.ALERT_DLQ, "acme.alert.dlq"),
                Map.entry(TopicKind.AUDIT, "acme.audit"),
                Map.entry(TopicKind.DECRYPTED, "acme.decrypted"));
        assertEquals(TopicKind.values().length, expected.size());
        expected.forEach((kind, name) -> assertEquals(name, Topics.name(ACME, kind)));
        assertEquals(TopicKind.values().length, Topics.all(ACME).stream().map(TenantTopic::name).distinct().count());
        assertEquals("umbra.keys.public", Topics.PUBLIC_KEYS);
        assertEquals("acme.", Topics.aclPrefix(ACME));
    }

    @Test
    void parsesEveryTopicBack() {
        for (TenantId t : List.of(ACME, TenantId.of("bank-42"), TenantId.of("b2"))) {
            for (TenantTopic topic : Topics.all(t)) {
                assertEquals(topic, Topics.parse(topic.name()));
            }
        }
    }

    @Test
    void refusesWhatIsNotATenantTopic() {
        assertThrows(IllegalArgumentException.class, () -> Topics.parse(null));
        for (String bad : List.of("", "acme", "acme.", "acme.tx", "acme.tx.raw.x", "Acme.tx.raw", "a.tx.raw", "umbra.tx.raw",
                "umbra-ops.tx.raw", "kube-system.scores", "default.scores", ".tx.raw", "ac_me.tx.raw", "acme..tx.raw",
                Topics.PUBLIC_KEYS, "x".repeat(10_000))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Topics.parse(bad), bad);
            assertTrue(e.getMessage().length() < 400, e.getMessage());
            assertTrue(Topics.tryParse(bad).isEmpty(), bad);
        }
        assertEquals(TopicKind.TX_RAW, Topics.parse("acme.tx.raw").kind());
        String msg = assertThrows(IllegalArgumentException.class, () -> Topics.parse(Topics.PUBLIC_KEYS)).getMessage();
        assertTrue(msg.contains("shared"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Topics.parse("acme.tx.cooked")).getMessage();
        assertTrue(msg.contains("tx.raw") && msg.contains("score.requests"), msg);
    }

    @Test
    void scoringPoolPatternMatchesExactlyTheScoreRequestTopics() {
        List<String> candidates = new ArrayList<>(List.of("acme.score.requests", "bank-42.score.requests",
                "b2.score.requests", "umbrax.score.requests", "defaultx.score.requests", "acme.score.results",
                "acme.score.requestsx", "acme.score.requests.x", "acmescore.requests", "Acme.score.requests",
                "umbra.score.requests", "umbra-x.score.requests", "default.score.requests", "kube-a.score.requests",
                "a.score.requests", "-acme.score.requests", "acme-.score.requests", "acme.score-requests",
                "x".repeat(40) + ".score.requests", "x".repeat(41) + ".score.requests", "acme.tx.raw",
                Topics.PUBLIC_KEYS));
        for (TopicKind k : TopicKind.values()) {
            candidates.add(Topics.name(ACME, k));
        }
        int matched = 0;
        for (String topic : candidates) {
            boolean parsed = Topics.tryParse(topic).map(t -> t.kind() == TopicKind.SCORE_REQUESTS).orElse(false);
            assertEquals(parsed, Topics.SCORE_REQUESTS_PATTERN.matcher(topic).matches(), topic);
            matched += parsed ? 1 : 0;
        }
        assertEquals(7, matched);
        assertTrue(Topics.pattern(TopicKind.SCORE_RESULTS).matcher("acme.score.results").matches());
        assertFalse(Topics.pattern(TopicKind.SCORE_RESULTS).matcher("acme.scoreXresults").matches());
    }

    @Test
    void scoreTopicsAllowOneEncryptedBatchPerRecord() {
        for (TopicKind k : TopicKind.values()) {
            boolean score = k == TopicKind.SCORE_REQUESTS || k == TopicKind.SCORE_RESULTS || k == TopicKind.SCORE_DLQ;
            assertEquals(score, k.scoringZone(), k.name());
            assertEquals(score ? 8 * 1024 * 1024 + 64 * 1024 : 1_048_588, k.maxMessageBytes(), k.name());
        }
    }
}
