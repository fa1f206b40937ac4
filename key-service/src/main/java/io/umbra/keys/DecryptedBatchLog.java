package io.umbra.keys;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The key-service's replay set, kept in Kafka so that neither a restart nor a flood forgets it: every
 * decrypted batch writes {@code batch id → v<key version> <input position>} to the compacted
 * {@code <t>.decrypted} in the same transaction as its scores (so it is there exactly when they are).
 * At start the whole topic is read (committed records only) before the decrypt loop runs; afterwards a
 * thread keeps reading it, so a replica also learns the batches its siblings decrypted. When a key
 * version is destroyed its entries are removed (tombstones): results under it are refused as
 * {@code UNKNOWN_KEY_VERSION} from then on, so the set never outlives its key versions.
 */
final class DecryptedBatchLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecryptedBatchLog.class);

    private final String topic;
    private final ResultDecryptor decryptor;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> tombstones;
    private final Thread tail;
    private volatile boolean closed;

    DecryptedBatchLog(String topic, ResultDecryptor decryptor, String bootstrapServers, String clientId, Map<String, Object> clientProperties) {
        this.topic = topic;
        this.decryptor = decryptor;
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-reader");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-retention");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.tombstones = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.tail = new Thread(this::tail, "key-service-replay-log");
        this.tail.setDaemon(true);
    }

    /** Reads the topic to its current end into the decryptor's replay set, then keeps reading it on a thread. */
    void loadAndFollow(Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading the replay log " + topic + " to its end took over " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                apply(r);
            }
        }
        LOG.info("replay log {}: {} decrypted batches remembered", topic, decryptor.rememberedBatches());
        tail.start();
    }

    private void tail() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("replay log {}: reading stopped; replays decrypted by other replicas from now on are recognised only"
                        + " after a restart", topic, e);
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        try {
            UUID batch = UUID.fromString(new String(r.key(), StandardCharsets.US_ASCII));
            if (r.value() == null) { // its key version was destroyed
                decryptor.forgetBatch(batch);
                return;
            }
            String value = new String(r.value(), StandardCharsets.US_ASCII);
            int space = value.indexOf(' ');
            if (!value.startsWith("v") || space < 2) {
                throw new IllegalArgumentException("not v<version> <position>");
            }
            decryptor.remember(batch, Integer.parseInt(value.substring(1, space)), value.substring(space + 1));
        } catch (IllegalArgumentException e) {
            LOG.warn("replay log {}: record at {}-{}@{} is not an entry ({}); skipped", topic, r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    /** The record that goes into the decrypt transaction with the scores of {@code s}. */
    ProducerRecord<byte[], byte[]> entry(ScoreDecryption.Scores s) {
        return new ProducerRecord<>(topic, s.batchId().toString().getBytes(StandardCharsets.US_ASCII),
                ("v" + s.keyVersion() + " " + s.position()).getBytes(StandardCharsets.US_ASCII));
    }

    /** Removes the entries of a destroyed key version, in memory and (tombstones) on the topic. */
    void forget(int keyVersion) {
        List<UUID> gone = decryptor.forget(keyVersion);
        for (UUID id : gone) {
            tombstones.send(new ProducerRecord<>(topic, id.toString().getBytes(StandardCharsets.US_ASCII), null));
        }
        tombstones.flush();
        LOG.info("replay log {}: {} batches of destroyed key version {} forgotten", topic, gone.size(), keyVersion);
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            tail.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!tail.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
        tombstones.close(Duration.ofSeconds(5));
    }
}
