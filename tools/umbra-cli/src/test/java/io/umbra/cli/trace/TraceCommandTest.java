package io.umbra.cli.trace;

import io.umbra.cli.CommandRun;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;
import io.umbra.kafka.tracing.HopTracing;
import io.umbra.kafka.tracing.TraceContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code umbra trace} on the real embedded broker, over records whose trace headers umbra-kafka's
 * {@link HopTracing} wrote, hop by hop, the calls the services make: three transactions batched together,
 * one of them alerted; a fourth that ingest passed on but no batch carries yet.
 */
class TraceCommandTest {
    private static final String PRODUCER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static EmbeddedKafka kafka;
    private static String batchId;

    @BeforeAll
    static void pipeline() throws Exception {
        kafka = EmbeddedKafka.start();
        List<TopicSpec> topics = new ArrayList<>();
        for (String t : List.of("tx.raw", "tx.features", "score.requests", "score.results", "scores", "alerts")) {
            topics.add(TopicSpec.of("acme." + t, 2));
            topics.add(TopicSpec.of("globex." + t, 1));
        }
        kafka.createTopics(topics);
        HopTracing tracing = HopTracing.headersOnly();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<ConsumerRecord<byte[], byte[]>> slots = new ArrayList<>();
            for (String id : List.of("tx-1", "tx-2", "tx-3", "tx-4")) {
                Headers raw = new RecordHeaders();
                if (id.equals("tx-2")) { // a bank producer that traces: its trace goes on
                    raw.add("traceparent", ("00-" + PRODUCER_TRACE + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.US_ASCII));
                }
                byte[] card = ("card-" + id).getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>("acme.tx.raw", null, card, json("{\"transactionId\":\"" + id + "\",\"cardId\":\"c\"}"), raw)).get();
                Headers features = new RecordHeaders(raw.toArray());
                tracing.transactionHop("ingest", features);
                p.send(new ProducerRecord<>("acme.tx.features", null, card, json("{\"transactionId\":\"" + id + "\",\"features\":[1]}"), features)).get();
                if (!id.equals("tx-4")) {
                    slots.add(new ConsumerRecord<>("acme.tx.features", 0, slots.size(), 0L, TimestampType.CREATE_TIME, 0, 0, card,
                            new byte[0], features, Optional.empty()));
                }
            }
            batchId = UUID.randomUUID().toString();
            byte[] key = batchId.getBytes(StandardCharsets.US_ASCII);
            Headers request = tracing.batch("encrypt batch", slots, Instant.now(), 1 << 20);
            p.send(new ProducerRecord<>("acme.score.requests", null, key, new byte[1000], request)).get();
            Headers result = tracing.batchHop("score batch", request, Instant.now());
            p.send(new ProducerRecord<>("acme.score.results", null, key, new byte[100], result)).get();
            for (int slot = 0; slot < 3; slot++) {
                String id = "tx-" + (slot + 1);
                Headers score = tracing.transactionAfterBatch("decrypt", HopTracing.transactionsOf(result), slot, result, Instant.now());
                p.send(new ProducerRecord<>("acme.scores", null, id.getBytes(StandardCharsets.UTF_8),
                        json("{\"transactionId\":\"" + id + "\",\"fraudProbability\":0." + (slot + 1) + "}"), score)).get();
                if (id.equals("tx-2")) {
                    Headers alert = new RecordHeaders(score.toArray());
                    tracing.transactionHop("alert", alert);
                    p.send(new ProducerRecord<>("acme.alerts", null, "a-1".getBytes(StandardCharsets.UTF_8),
                            json("{\"alertId\":\"a-1\",\"transactionId\":\"tx-2\",\"rule\":\"threshold\"}"), alert)).get();
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anAlertedTransactionShowsEveryHopInOrderOnItsProducersTrace() {
        CommandRun run = CommandRun.umbra("trace", "tx-2", "--tenant", "acme", "--bootstrap", kafka.bootstrapServers()).ok();
        String out = run.out();
        assertTrue(out.startsWith("transaction tx-2 of acme, trace " + PRODUCER_TRACE), out);
        List<String> hops = List.of("produced (the bank)", "ingest-service", "encrypt-service", "he-scoring-service", "key-service", "alert-service");
        int at = -1;
        for (String hop : hops) {
            int next = out.indexOf("  " + hop + "  ");
            assertTrue(next > at, hop + " missing or out of order:\n" + out);
            at = next;
        }
        assertTrue(out.contains("batch " + batchId + ", slot 1 of 3"), out);
        assertTrue(out.contains("fraud probability 0.2"), out);
        assertTrue(out.contains("alert a-1 (rule threshold)"), out);
        assertTrue(out.contains("produced (the bank) → alert-service: "), out);
        assertFalse(out.contains("then:"), out);
    }

    @Test
    void aTransactionWithoutAlertEndsAtItsScoreAndTheTenantIsFoundByItself() {
        String out = CommandRun.umbra("trace", "tx-3", "--bootstrap", kafka.bootstrapServers()).ok().out();
        assertTrue(out.startsWith("transaction tx-3 of acme, trace "), out);
        assertFalse(out.contains(PRODUCER_TRACE), "a transaction without a producer's trace has its own:\n" + out);
        assertTrue(out.contains("slot 2 of 3"), out);
        assertTrue(out.contains("fraud probability 0.3"), out);
        assertTrue(out.contains("then: alert-service: no alert raised"), out);
    }

    @Test
    void aTransactionInNoBatchYetSaysWhereItStands() {
        String out = CommandRun.umbra("trace", "tx-4", "--tenant", "acme", "--bootstrap", kafka.bootstrapServers()).ok().out();
        assertTrue(out.contains("ingest-service"), out);
        assertFalse(out.contains("encrypt-service"), out);
        assertTrue(out.contains("then: in no encrypted batch yet"), out);
    }

    @Test
    void anUnknownTransactionIsAOneLineFailure() {
        CommandRun run = CommandRun.umbra("trace", "tx-404", "--bootstrap", kafka.bootstrapServers());
        assertTrue(run.isOneLineFailure("trace"), run.err());
        assertTrue(run.err().contains("no transaction tx-404"), run.err());
        assertTrue(CommandRun.umbra("trace", "tx-1", "--tenant", "Not A Tenant", "--bootstrap", kafka.bootstrapServers()).isUsageError("trace"));
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static {
        // the header codec the command reads is the one the hops write
        assertEquals(PRODUCER_TRACE, TraceContext.parse(("00-" + PRODUCER_TRACE + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.US_ASCII)).traceIdHex());
    }
}
