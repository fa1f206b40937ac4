package io.umbra.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TopicSpecTest {
    @Test
    void parsesNamePartitionsCompactionAndConfig() {
        assertEquals(TopicSpec.of("acme.tx.raw", 1), TopicSpec.parse("acme.tx.raw"));
        assertEquals(TopicSpec.of("acme.tx.raw", 3), TopicSpec.parse(" acme.tx.raw:3 "));
        TopicSpec keys = TopicSpec.parse("umbra.keys.public:1:compact");
        assertEquals(Map.of("cleanup.policy", "compact"), keys.config());
        TopicSpec scores = TopicSpec.parse("acme.score.requests:2:max.message.bytes=8454144:compact");
        assertEquals(2, scores.partitions());
        assertEquals(Map.of("max.message.bytes", "8454144", "cleanup.policy", "compact"), scores.config());
        assertEquals(TopicSpec.of("x", 1).maxMessageBytes(100).compacted(), TopicSpec.parse("x:max.message.bytes=100:compact"));
    }

    @Test
    void refusesWhatKafkaWouldRefuse() {
        for (String bad : List.of("", "a b", "t:0", "t:2:squash", "t:x=1:3")) {
            assertThrows(IllegalArgumentException.class, () -> TopicSpec.parse(bad), bad);
        }
    }

    @Test
    void testResourceReadsCommaSeparatedSpecs() {
        assertEquals(List.of(TopicSpec.of("a", 3), TopicSpec.of("b", 1).compacted()),
                KafkaLocalTestResource.topics("a:3, b:1:compact,"));
        assertEquals(List.of(), KafkaLocalTestResource.topics(""));
    }
}
