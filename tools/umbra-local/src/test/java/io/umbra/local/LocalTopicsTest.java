package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.kafka.local.TopicSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Wide envelopes raise the score topics' max.message.bytes and nothing else. */
class LocalTopicsTest {
    static int max(List<TopicSpec> specs, String name) {
        return Integer.parseInt(specs.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().config().get("max.message.bytes"));
    }

    @Test
    void wideEnvelopesRaiseOnlyTheScoreTopics() {
        List<TenantId> acme = List.of(TenantId.of("acme"));
        List<TopicSpec> normal = LocalTopics.forTenants(acme);
        List<TopicSpec> wide = LocalTopics.forTenants(acme, Topics.WIDE_ENVELOPE_BYTES);
        assertEquals(normal.size(), wide.size());
        for (String t : new String[] {"acme.score.requests", "acme.score.results", "acme.score.dlq"}) {
            assertEquals(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES, max(normal, t), t);
            assertEquals((16 << 20) + Topics.RECORD_OVERHEAD_BYTES, max(wide, t), t);
        }
        for (String t : new String[] {"acme.tx.raw", "acme.tx.features", "acme.scores", "acme.alerts", Topics.PUBLIC_KEYS}) {
            assertEquals(max(normal, t), max(wide, t), t);
        }
        assertThrows(IllegalArgumentException.class, () -> LocalTopics.forTenants(acme, 1 << 20));
    }

    /** The local run serving the network (wide envelopes) sizes every topic as production's tenant template does. */
    @Test
    void wideLocalTopicsTakeWhatTheKubernetesTopicsTake() {
        TenantId acme = TenantId.of("acme");
        List<TopicSpec> wide = LocalTopics.forTenants(List.of(acme), io.umbra.k8s.TopicSpecs.ENVELOPE_BYTES);
        int compared = 0;
        for (var topic : io.umbra.k8s.TopicSpecs.kafkaTopics(acme)) {
            Object production = topic.getSpec().getConfig().get("max.message.bytes");
            int expected = production == null ? Topics.KAFKA_DEFAULT_MAX_MESSAGE_BYTES : ((Number) production).intValue();
            assertEquals(expected, max(wide, topic.getSpec().getTopicName()), topic.getSpec().getTopicName());
            compared++;
        }
        assertEquals(Topics.all(acme).size(), compared);
    }

    /** A local run keeps the ciphertext streams as long as production does (hours), every other topic by the broker's default. */
    @Test
    void theCiphertextStreamsKeepTheirRecordsForHoursAsInProduction() {
        TenantId acme = TenantId.of("acme");
        List<TopicSpec> local = LocalTopics.forTenants(List.of(acme), io.umbra.k8s.TopicSpecs.ENVELOPE_BYTES);
        for (var topic : io.umbra.k8s.TopicSpecs.kafkaTopics(acme)) {
            String name = topic.getSpec().getTopicName();
            if (topic.getSpec().getConfig().get("cleanup.policy") != null) {
                continue; // the alerts and audit topics: the local run keeps Kafka's default age, not 400 days
            }
            Object production = topic.getSpec().getConfig().get("retention.ms");
            String here = local.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().config().get("retention.ms");
            assertEquals(production == null ? null : production.toString(), here, name);
        }
        assertEquals(Long.toString(12 * 3_600_000L), local.stream().filter(s -> s.name().equals("acme.score.requests"))
                .findFirst().orElseThrow().config().get("retention.ms"));
    }
}
