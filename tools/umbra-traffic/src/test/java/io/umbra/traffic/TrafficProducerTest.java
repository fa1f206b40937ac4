package io.umbra.traffic;

import io.umbra.events.TenantId;
import io.umbra.events.tx.RawTransaction;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficProducerTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(TopicSpec.of("acme.tx.raw", 3), TopicSpec.of("globex.tx.raw", 3));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void sendsTheCountAskedForAtTheRateAskedForKeyedByCard() {
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(TenantId.of("acme")).withFraudRate(0.2), 1);
        Set<String> plantedFrauds = ConcurrentHashMap.newKeySet();
        TrafficProducer.Result result;
        try (TrafficProducer producer = TrafficProducer.builder().bootstrapServers(kafka.bootstrapServers())
                .generator(generator).rate(400).count(600)
                .onSent(tx -> {
                    if (tx.isFraud()) {
                        plantedFrauds.add(tx.transaction().transactionId());
                    }
                })
                .build()) {
            assertEquals("acme.tx.raw", producer.topic());
            result = producer.run();
        }
        assertEquals(600, result.generated());
        assertEquals(600, result.sent());
        assertEquals(0, result.failed());
        assertEquals(plantedFrauds.size(), result.frauds());
        assertTrue(result.frauds() > 40, "frauds " + result.frauds());
        // 600 at 400/s is 1.5 s of pacing: not a burst, not much slower
        assertTrue(result.elapsed().toMillis() >= 1_400 && result.elapsed().toMillis() < 6_000, "elapsed " + result.elapsed());

        List<ConsumerRecord<String, byte[]>> records = readAll("acme.tx.raw", 600);
        assertEquals(600, records.size());
        TransactionValidator validator = new TransactionValidator(Clock.systemUTC());
        Set<String> ids = new HashSet<>();
        Map<String, Integer> partitionOfCard = new ConcurrentHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            ValidationResult v = validator.validate(r.value());
            assertTrue(v instanceof ValidationResult.Valid, v::toString);
            RawTransaction tx = ((ValidationResult.Valid) v).transaction();
            assertEquals(tx.cardId(), r.key());
            ids.add(tx.transactionId());
            Integer before = partitionOfCard.putIfAbsent(r.key(), r.partition());
            assertTrue(before == null || before == r.partition(), "one card, one partition");
        }
        assertEquals(600, ids.size(), "each transaction once: idempotent producer, no duplicates");
        assertTrue(ids.containsAll(plantedFrauds));
    }

    @Test
    void aDurationEndsTheRunAndStopEndsItEarly() throws Exception {
        // another tenant, so this test's records do not mix with the other's
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(TenantId.of("globex")), 2);
        try (TrafficProducer producer = TrafficProducer.builder().bootstrapServers(kafka.bootstrapServers())
                .generator(generator).rate(100).duration(Duration.ofMillis(800)).build()) {
            TrafficProducer.Result r = producer.run();
            assertTrue(r.sent() >= 75 && r.sent() <= 81, "about 80 in 0.8 s at 100/s: " + r.sent());
        }
        try (TrafficProducer producer = TrafficProducer.builder().bootstrapServers(kafka.bootstrapServers())
                .generator(generator).rate(100).build()) {
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                producer.stop();
            });
            stopper.start();
            TrafficProducer.Result r = producer.run();
            stopper.join();
            assertTrue(r.sent() >= 30 && r.sent() <= 80, "stopped after about half a second: " + r.sent());
            assertEquals(r.generated(), r.sent());
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // and nothing more arrives
            consumer.poll(Duration.ofMillis(300)).forEach(out::add);
            return out;
        }
    }
}
