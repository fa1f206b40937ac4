package io.umbra.kafka.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @Test
    void createsTopicsCarriesMultiMegabyteRecordsAndDeletesItsTemporaryDirectory() throws Exception {
        Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().maxMessageBytes(6 << 20).start()) {
            dataDir = kafka.dataDir();
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
            kafka.createTopics(TopicSpec.of("big", 2), TopicSpec.of("keys", 1).compacted());
            kafka.createTopics(TopicSpec.of("big", 2)); // existing topics are left alone

            assertEquals(Set.of("big", "keys"), kafka.admin().listTopics().names().get());
            ConfigResource keys = new ConfigResource(ConfigResource.Type.TOPIC, "keys");
            Config config = kafka.admin().describeConfigs(List.of(keys)).all().get().get(keys);
            assertEquals("compact", config.get("cleanup.policy").value());

            byte[] payload = new byte[5 << 20];
            new Random(7).nextBytes(payload);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 6 << 20),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("big", 0, null, payload)).get();
            }
            assertArrayEquals(payload, readOne(kafka.bootstrapServers(), "big").value());
        }
        assertFalse(Files.exists(dataDir), "the temporary data directory is deleted on close");
    }

    @Test
    void aKeptDataDirectoryKeepsTopicsAndRecordsAcrossRestarts(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            kafka.createTopics(TopicSpec.of("kept", 1));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("kept", "still here".getBytes())).get();
            }
        }
        assertTrue(Files.exists(dataDir.resolve("logs").resolve("meta.properties")), "a given data directory is kept");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).start()) {
            assertEquals("still here", new String(readOne(kafka.bootstrapServers(), "kept").value()));
        }
    }

    private static ConsumerRecord<byte[], byte[]> readOne(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 6 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    return r;
                }
            }
            throw new AssertionError("no record on " + topic + " within 20 s");
        }
    }
}
