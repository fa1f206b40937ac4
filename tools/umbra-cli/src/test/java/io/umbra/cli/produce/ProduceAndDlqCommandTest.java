package io.umbra.cli.produce;

import io.umbra.cli.CommandRun;
import io.umbra.events.DeadLetter;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;
import io.umbra.kafka.DeadLetters;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code umbra produce} and {@code umbra dlq} against the real embedded broker: good lines of a bank's file land on
 * {@code <t>.tx.raw} keyed by card, bad ones are reported by line and never sent; dead letters written through
 * umbra-kafka's one dead-letter builder (the path every service takes) are listed with their reasons, saved,
 * corrected and re-submitted. Each test uses its own tenant, so their topics do not mix.
 */
class ProduceAndDlqCommandTest {
    private static EmbeddedKafka kafka;

    @TempDir
    static Path dir;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start();
        List<TopicSpec> topics = new ArrayList<>();
        for (String t : List.of("acme", "globex", "initech")) {
            topics.add(TopicSpec.of(t + ".tx.raw", 3));
            topics.add(TopicSpec.of(t + ".tx.dlq", 2));
        }
        kafka.createTopics(topics);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String tx(String id, String card) {
        return "{\"schemaVersion\":1,\"transactionId\":\"" + id + "\",\"cardId\":\"" + card + "\",\"amountMinor\":4250,\"currency\":\"EUR\","
                + "\"merchantId\":\"m-1\",\"mcc\":\"5411\",\"country\":\"DE\",\"channel\":\"POS\",\"timestamp\":\"" + now() + "\"}";
    }

    /** Every committed record of {@code topic}, waiting until there are {@code expected} (or 30 s passed). */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(out::add); // and nothing more
        }
        return out;
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void goodLinesOfAJsonLinesFileAreSentKeyedByCardAndBadOnesAreReportedByLine() throws Exception {
        String a1 = tx("p-a1", "card-a");
        String b1 = tx("p-b1", "card-b");
        String a2 = tx("p-a2", "card-a");
        Path file = dir.resolve("tx.jsonl");
        Files.writeString(file, String.join("\n", a1, tx("p-bad", "card-c").replace("\"cardId\":\"card-c\",", ""), "", b1,
                "not json at all", a2, tx("p-neg", "card-d").replace("4250", "-1")) + "\n");

        CommandRun run = CommandRun.umbra("produce", "--tenant", "acme", "--file", file, "--bootstrap", kafka.bootstrapServers());

        assertEquals(ProduceCommand.SOME_REFUSED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("line 2: MISSING_FIELD: cardId is missing"), run.out());
        assertTrue(run.out().contains("line 5: MALFORMED_JSON: "), run.out());
        assertTrue(run.out().contains("line 7: NEGATIVE_AMOUNT: amountMinor must not be negative"), run.out());
        assertTrue(run.out().contains("sent 3 transactions to acme.tx.raw (keyed by cardId, acknowledged); 3 lines refused"), run.out());

        List<ConsumerRecord<byte[], byte[]>> raw = readAll("acme.tx.raw", 3);
        assertEquals(3, raw.size(), "only the good lines: " + raw);
        for (ConsumerRecord<byte[], byte[]> r : raw) {
            String value = text(r.value());
            assertTrue(value.equals(a1) || value.equals(b1) || value.equals(a2), "sent byte for byte: " + value);
            assertTrue(value.contains("\"cardId\":\"" + text(r.key()) + "\""), "keyed by its card: " + text(r.key()) + " " + value);
        }
        List<ConsumerRecord<byte[], byte[]>> cardA = raw.stream().filter(r -> "card-a".equals(text(r.key()))).toList();
        assertEquals(2, cardA.size());
        assertEquals(cardA.get(0).partition(), cardA.get(1).partition(), "one card, one partition");
        assertEquals(List.of(a1, a2), cardA.stream().sorted((x, y) -> Long.compare(x.offset(), y.offset())).map(r -> text(r.value())).toList(),
                "in the file's order");
    }

    @Test
    void csvColumnsAreMappedToTheJsonFields() throws Exception {
        String header = "TransactionId,cardId,amountMinor,currency,merchantId,mcc,country,channel,timestamp,latitude,longitude";
        Path file = dir.resolve("tx.csv");
        Files.writeString(file, String.join("\r\n", header,
                "c-1,card-x,1999,EUR,\"m,1\",0742,DE,POS," + now() + ",48.137154,11.576124",
                "c-2,card-y,12,EUR,m-2,541,DE,POS," + now() + ",,",
                "c-3,card-z,12,EUR,m-3,5411,DE",
                "c-4,card-y,12.50,EUR,m-4,5411,DE,ECOM," + now() + ",,") + "\r\n");

        CommandRun run = CommandRun.umbra("produce", "--tenant", "globex", "--file", file, "--bootstrap", kafka.bootstrapServers());

        assertEquals(ProduceCommand.SOME_REFUSED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("line 3: BAD_MCC: "), run.out());
        assertTrue(run.out().contains("line 4: MALFORMED_CSV: 7 cells, the header has 11"), run.out());
        assertTrue(run.out().contains("line 5: WRONG_TYPE: amountMinor must be an integer"), run.out());
        List<ConsumerRecord<byte[], byte[]>> raw = readAll("globex.tx.raw", 1);
        assertEquals(1, raw.size());
        assertEquals("card-x", text(raw.get(0).key()));
        String json = text(raw.get(0).value());
        assertTrue(json.startsWith("{\"schemaVersion\":1,\"transactionId\":\"c-1\""), json);
        assertTrue(json.contains("\"amountMinor\":1999,") && json.contains("\"mcc\":\"0742\"") && json.contains("\"merchantId\":\"m,1\"")
                && json.contains("\"latitude\":48.137154"), json);

        Path wrong = dir.resolve("wrong.csv");
        Files.writeString(wrong, "transactionId,card\nc-9,card-9\n");
        CommandRun refused = CommandRun.umbra("produce", "--tenant", "globex", "--file", wrong, "--bootstrap", kafka.bootstrapServers());
        assertTrue(refused.isOneLineFailure("produce: ") && refused.err().contains("column 'card' is not a field"), refused.err());
    }

    @Test
    void deadLettersAreListedWithTheirReasonsSavedCorrectedAndResubmitted() throws Exception {
        TransactionValidator validator = new TransactionValidator(Clock.systemUTC());
        List<String> bad = List.of(tx("d-1", "card-1").replace("\"cardId\":\"card-1\",", ""), tx("d-2", "card-2").replace("5411", "541"));
        Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-ingest-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.initTransactions();
            p.beginTransaction();
            long offset = 10;
            for (String value : bad) {
                ValidationResult.Invalid invalid = (ValidationResult.Invalid) validator.validate(value.getBytes(StandardCharsets.UTF_8));
                DeadLetter letter = new DeadLetter(invalid.reason(), invalid.detail(), "ingest-service", "initech.tx.raw", 0, offset++,
                        Instant.now(), false);
                p.send(new ProducerRecord<>("initech.tx.dlq", 0, null, null, value.getBytes(StandardCharsets.UTF_8),
                        DeadLetters.headers(new RecordHeaders(), letter)));
            }
            p.commitTransaction();
            // a dead letter of a transaction that was aborted (an ingest crash) is not one: read_committed never shows it
            p.beginTransaction();
            DeadLetter aborted = new DeadLetter("BAD_CHANNEL", "aborted", "ingest-service", "initech.tx.raw", 0, 99, Instant.now(), false);
            p.send(new ProducerRecord<>("initech.tx.dlq", 1, null, null, "{\"aborted\":true}".getBytes(StandardCharsets.UTF_8),
                    DeadLetters.headers(new RecordHeaders(), aborted)));
            p.flush();
            p.abortTransaction();
        }

        Path saved = dir.resolve("refused.jsonl");
        CommandRun list = CommandRun.umbra("dlq", "--tenant", "initech", "--bootstrap", kafka.bootstrapServers(), "--from-beginning",
                "--save", saved);

        assertEquals(0, list.exitCode(), list.out() + list.err());
        assertTrue(list.out().contains("reason    MISSING_FIELD") && list.out().contains("detail    cardId is missing"), list.out());
        assertTrue(list.out().contains("reason    BAD_MCC") && list.out().contains("mcc '541' is not an ISO 18245"), list.out());
        assertTrue(list.out().contains("by        ingest-service at ") && list.out().contains("from initech.tx.raw partition 0 offset 10"),
                list.out());
        assertFalse(list.out().contains("aborted"), "an aborted dead letter is not listed: " + list.out());
        assertTrue(list.out().contains("2 dead letters on initech.tx.dlq"), list.out());
        assertEquals(bad, Files.readAllLines(saved));

        CommandRun newest = CommandRun.umbra("dlq", "--tenant", "initech", "--bootstrap", kafka.bootstrapServers(), "--limit", "1");
        assertTrue(newest.out().contains("reason    BAD_MCC") && !newest.out().contains("MISSING_FIELD")
                && newest.out().contains("1 dead letter on initech.tx.dlq (--limit 1 reached)"), newest.out());

        // the bank corrects the file and sends it again
        Files.writeString(saved, tx("d-1", "card-1") + "\n" + bad.get(1).replace("\"541\"", "\"5411\"") + "\n");
        CommandRun resubmit = CommandRun.umbra("dlq", "--tenant", "initech", "--bootstrap", kafka.bootstrapServers(), "--resubmit", saved);
        assertEquals(0, resubmit.exitCode(), resubmit.out() + resubmit.err());
        assertTrue(resubmit.out().contains("sent 2 transactions to initech.tx.raw"), resubmit.out());
        List<ConsumerRecord<byte[], byte[]>> raw = readAll("initech.tx.raw", 2);
        assertEquals(List.of("card-1", "card-2"), raw.stream().map(r -> text(r.key())).sorted().toList());

        // listing joined no consumer group and committed nothing
        assertTrue(kafka.admin().listConsumerGroups().all().get(15, TimeUnit.SECONDS).stream()
                .noneMatch(g -> g.groupId().contains("dlq")), "no consumer group");
    }

    @Test
    void theRecommendedProducerSettingsAreIdempotentWithAcksAll() {
        Map<String, Object> s = BankProducer.recommendedSettings();
        assertEquals(true, s.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("all", s.get(ProducerConfig.ACKS_CONFIG));
        assertTrue((Integer) s.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION) <= 5, "idempotence allows at most 5");
    }

    @Test
    void theBrokerOfTheLatestLocalRunIsFoundInItsEndpoints() throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("endpoints.properties"), "kafka.bootstrap=" + kafka.bootstrapServers() + "\n");
        CommandRun list = CommandRun.umbra("dlq", "--tenant", "acme", "--run-dir", run);
        assertEquals(0, list.exitCode(), list.out() + list.err());
        assertTrue(list.out().contains("0 dead letters on acme.tx.dlq"), list.out());
        CommandRun none = CommandRun.umbra("dlq", "--tenant", "acme", "--run-dir", dir.resolve("no-run"));
        assertTrue(none.isOneLineFailure("dlq: ") && none.err().contains("endpoints.properties cannot be read"), none.err());
    }
}
