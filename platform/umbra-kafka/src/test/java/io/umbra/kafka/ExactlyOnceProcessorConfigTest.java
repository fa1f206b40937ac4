package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What the processor decides without a broker: its settings, its error classes, its outcomes. */
class ExactlyOnceProcessorConfigTest {

    private static ProcessorConfig.Builder valid() {
        return ExactlyOnceProcessor.builder()
                .bootstrapServers("127.0.0.1:9")
                .groupId("acme.ingest-service")
                .topics(List.of("acme.tx.raw"))
                .instanceId("ingest-0")
                .deadLetterTopic(t -> "acme.tx.dlq")
                .handler(r -> Outcome.none());
    }

    @Test
    void namesEveryMissingSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExactlyOnceProcessor.builder().build());
        for (String named : List.of("bootstrapServers", "groupId", "instanceId", "topics", "handler", "deadLetterTopic")) {
            assertTrue(e.getMessage().contains(named), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> valid().topicPattern(java.util.regex.Pattern.compile(".*")).build(),
                "topics and a pattern at once");
        assertThrows(IllegalArgumentException.class, () -> valid().instanceId("pod 0").build());
    }

    @Test
    void theTransactionalIdIsGroupAndInstance() {
        assertEquals("acme.ingest-service-ingest-0", valid().build().transactionalId());
    }

    @Test
    void refusesPropertiesThatWouldBreakExactlyOnce() {
        for (Map.Entry<String, Object> bad : Map.<String, Object>of("isolation.level", "read_uncommitted",
                "enable.auto.commit", true, "group.id", "other").entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> valid().consumerProperty(bad.getKey(), bad.getValue()).build());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
        for (Map.Entry<String, Object> bad : Map.<String, Object>of("transactional.id", "x", "enable.idempotence", false,
                "acks", "1").entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> valid().producerProperty(bad.getKey(), bad.getValue()).build());
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
        // the same values as the processor's own are fine
        valid().consumerProperty("isolation.level", "read_committed").producerProperty("acks", "-1").build();
    }

    @Test
    void fencingIsFatalAndOnlyRecordSpecificErrorsAreDeadLettered() {
        assertTrue(KafkaErrors.isFenced(new KafkaException("commit failed", new ProducerFencedException("newer epoch"))));
        assertTrue(KafkaErrors.isFatal(new InvalidProducerEpochException("old epoch")));
        assertFalse(KafkaErrors.isFatal(new TimeoutException("broker away")));
        assertTrue(KafkaErrors.isRecordSpecific(new RecordTooLargeException("too big")));
        assertFalse(KafkaErrors.isRecordSpecific(new TimeoutException("broker away")));
    }

    @Test
    void anAclRefusalIsNotFatalAndIsNamedHoweverTheClientWrappedIt() {
        var topic = new org.apache.kafka.common.errors.TopicAuthorizationException(java.util.Set.of("acme.score.results"));
        assertFalse(KafkaErrors.isFatal(topic), "the loop waits for the ACL instead of stopping");
        assertEquals(java.util.Optional.of("TopicAuthorizationException: Not authorized to access topics: [acme.score.results]"),
                KafkaErrors.refusal(new KafkaException("Cannot execute transactional method because we are in an error state", topic)));
        // what the transactional producer makes of a topic READ refused while it commits the consumed offsets
        assertTrue(KafkaErrors.refusal(new KafkaException("Cannot execute transactional method because we are in an error state",
                new KafkaException("Unexpected error in TxnOffsetCommitResponse: Topic authorization failed."))).isPresent());
        assertTrue(KafkaErrors.refusal(new org.apache.kafka.common.errors.TransactionalIdAuthorizationException("acme.x-0")).isPresent());
        assertTrue(KafkaErrors.refusal(new KafkaException("commit failed", new ProducerFencedException("newer epoch"))).isEmpty(),
                "a fencing is no refusal: it stops the loop");
        assertTrue(KafkaErrors.refusal(new TimeoutException("broker away")).isEmpty());
        assertTrue(KafkaErrors.isFatal(new org.apache.kafka.common.errors.SaslAuthenticationException("login refused")),
                "a refused login still stops");
    }

    @Test
    void rejectionReasonsAreUpperCaseCodesAndMessagesAreCut() {
        assertThrows(IllegalArgumentException.class, () -> Outcome.reject("bad amount", "x"));
        assertThrows(IllegalArgumentException.class, () -> Outcome.reject(null, "x"));
        Outcome.Reject r = (Outcome.Reject) Outcome.reject("MISSING_FIELD,BAD_MCC", "m".repeat(5000));
        assertEquals(DeadLetters.MAX_DETAIL_CHARS, r.message().length());
        assertEquals("", ((Outcome.Reject) Outcome.reject("X", null)).message());
    }

    @Test
    void aRecordsSizeIsItsKeyValueAndHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ab", new byte[3]);
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 0, 0, 0, TimestampType.CREATE_TIME, 4, 10, new byte[4],
                new byte[10], headers, java.util.Optional.empty());
        assertEquals(4 + 10 + 2 + 3, PollTransaction.sizeOf(r));
    }
}
