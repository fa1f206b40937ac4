package io.umbra.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** Three broker processes: a quorum, replication 3 / min ISR 2 everywhere, transactions through the loss of a broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaClusterTest {
    private static final String TOPIC = "acme.tx.raw";
    private KafkaCluster cluster;

    @BeforeAll
    void start() {
        cluster = KafkaCluster.builder().brokers(3).start();
        cluster.createTopics(TopicSpec.of(TOPIC, 3));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
            assertFalse(java.nio.file.Files.exists(cluster.dataDir()), "the temporary data directory is deleted");
        }
    }

    @Test
    @Order(1)
    void threeBrokerProcessesFormOneQuorumAndEveryTopicHasThreeReplicasAndMinIsrTwo() throws Exception {
        assertEquals(3, cluster.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).size(), "brokers in the cluster");
        assertEquals(3, cluster.admin().describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).voters().size(), "controller voters");
        Set<Long> pids = new HashSet<>();
        cluster.nodeIds().forEach(id -> pids.add(cluster.process(id).pid()));
        assertEquals(3, pids.size(), "each broker is a process of its own");
        assertReplicatedThreeTimesWithMinIsrTwo(TOPIC);
    }

    @Test
    @Order(2)
    void transactionsCommitAndAreReadExactlyOnceWhileABrokerIsKilledAndAfterItRestarts() throws Exception {
        Set<String> sent = new HashSet<>();
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            commit(producer, "before", 300, sent);

            int controller = cluster.controllerId();
            int victim = controller == 1 ? 2 : 1; // a broker that is not the controller; the controller is its own fault test
            cluster.kill(victim);
            assertFalse(cluster.isAlive(victim));
            commit(producer, "one-down", 300, sent);
            assertEquals(300 + 300, readCommitted("g-one-down", 600).size(), "every committed record is read while a broker is down");

            cluster.restart(victim);
            commit(producer, "restarted", 300, sent);
        }
        List<String> read = readCommitted("g-after", sent.size());
        assertEquals(sent.size(), read.size(), "0 lost, 0 duplicated");
        assertEquals(sent, new HashSet<>(read));
        // Created on first use by the transaction and the consumer group: replicated like every Umbra topic.
        assertReplicatedThreeTimesWithMinIsrTwo("__transaction_state");
        assertReplicatedThreeTimesWithMinIsrTwo("__consumer_offsets");
    }

    @Test
    @Order(3)
    void theQuorumElectsAnotherControllerWhenTheControllerIsKilled() throws Exception {
        int controller = cluster.controllerId();
        cluster.kill(controller);
        Set<String> sent = new HashSet<>();
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            commit(producer, "no-controller", 200, sent);
        }
        int next = cluster.controllerId();
        assertNotEquals(controller, next, "a surviving voter leads the quorum");
        cluster.restart(controller);
        assertEquals(3, cluster.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
        List<String> read = readCommitted("g-controller", 300 * 3 + 200);
        assertTrue(read.containsAll(sent), "the records committed without the old controller are all there");
    }

    private void assertReplicatedThreeTimesWithMinIsrTwo(String topic) throws Exception {
        TopicDescription d = cluster.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        d.partitions().forEach(p -> assertEquals(3, p.replicas().size(), topic + "-" + p.partition() + " replicas"));
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = cluster.admin().describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
        assertEquals("2", c.get("min.insync.replicas").value(), topic + " min.insync.replicas");
    }

    private KafkaProducer<String, String> transactionalProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kafka-cluster-test");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static void commit(KafkaProducer<String, String> producer, String prefix, int count, Set<String> sent) {
        for (int batch = 0; batch < count; batch += 100) {
            producer.beginTransaction();
            for (int i = batch; i < batch + 100; i++) {
                String v = prefix + "-" + i;
                producer.send(new ProducerRecord<>(TOPIC, v, v));
                sent.add(v);
            }
            producer.commitTransaction();
        }
    }

    private List<String> readCommitted(String group, int expected) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
                }
            }
            // a little longer: a duplicate would arrive now
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            consumer.commitSync();
        }
        return out;
    }
}
