package io.umbra.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker with SCRAM and ACLs, laid out as production's tenants: each bank sees only its own prefix,
 * the scoring service only the score topics. One broker for the class (about 3 s to start).
 */
class ScramAclTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka = EmbeddedKafka.builder()
                .scramUsers(Map.of("acme", "acme-secret", "globex", "globex-secret", "scoring", "scoring-secret"))
                .start();
        kafka.createTopics(TopicSpec.of("acme.tx.raw", 1), TopicSpec.of("globex.tx.raw", 1),
                TopicSpec.of("acme.scores", 1), TopicSpec.of("globex.scores", 1),
                TopicSpec.of("acme.score.requests", 1), TopicSpec.of("globex.score.requests", 1),
                TopicSpec.of("acme.score.results", 1), TopicSpec.of("globex.score.results", 1),
                TopicSpec.of("acme.score.dlq", 1), TopicSpec.of("globex.score.dlq", 1),
                TopicSpec.of("umbra.keys.public", 1).compacted());

        List<AclBinding> acls = new ArrayList<>();
        String acme = "User:acme";
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
            acls.add(allow(acme, ResourceType.TOPIC, "acme.", PatternType.PREFIXED, op));
        }
        acls.add(allow(acme, ResourceType.GROUP, "acme.", PatternType.PREFIXED, AclOperation.READ));
        acls.add(allow(acme, ResourceType.TRANSACTIONAL_ID, "acme.", PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(acme, ResourceType.TRANSACTIONAL_ID, "acme.", PatternType.PREFIXED, AclOperation.DESCRIBE));
        acls.add(allow(acme, ResourceType.TOPIC, "umbra.keys.public", PatternType.LITERAL, AclOperation.READ));

        String scoring = "User:scoring";
        for (String tenant : List.of("acme", "globex")) {
            acls.add(allow(scoring, ResourceType.TOPIC, tenant + ".score.requests", PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(scoring, ResourceType.TOPIC, tenant + ".score.results", PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(scoring, ResourceType.TOPIC, tenant + ".score.dlq", PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(scoring, ResourceType.TOPIC, "umbra.keys.public", PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(scoring, ResourceType.GROUP, "umbra.he-scoring", PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(scoring, ResourceType.TRANSACTIONAL_ID, "umbra.he-scoring", PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(scoring, ResourceType.TRANSACTIONAL_ID, "umbra.he-scoring", PatternType.PREFIXED, AclOperation.DESCRIBE));
        kafka.admin().createAcls(acls).all().get(30, TimeUnit.SECONDS);
        // The broker authorizes from its metadata image, a moment behind the controller's commit.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (kafka.admin().describeAcls(AclBindingFilter.ANY).values().get().size() < acls.size()) {
            assertTrue(System.nanoTime() < deadline, "the ACLs never reached the broker");
            Thread.sleep(20);
        }

        try (KafkaProducer<String, String> admin = producer(kafka.adminUser(), null)) {
            admin.send(new ProducerRecord<>("acme.score.requests", "req-1", "ciphertext-1")).get();
            admin.send(new ProducerRecord<>("globex.tx.raw", "g-1", "globex-only")).get();
            admin.send(new ProducerRecord<>("globex.scores", "g-1", "0.91")).get();
            admin.send(new ProducerRecord<>("acme.scores", "a-1", "0.12")).get();
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aTenantProducesAndConsumesItsOwnTopicsTransactionsIncluded() throws Exception {
        try (KafkaProducer<String, String> plain = producer("acme", null)) {
            plain.send(new ProducerRecord<>("acme.tx.raw", "tx-1", "plain")).get(10, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> tx = producer("acme", "acme.ingest-0")) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>("acme.tx.raw", "tx-2", "in-a-transaction"));
            tx.commitTransaction();
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer("acme", "acme.reader")) {
            consumer.subscribe(List.of("acme.tx.raw"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            consumer.commitSync();
        }
        assertEquals(List.of("plain", "in-a-transaction"), values);
    }

    @Test
    void aTenantCannotTouchAnotherTenantsTopics() {
        try (KafkaProducer<String, String> acme = producer("acme", null)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> acme.send(new ProducerRecord<>("globex.tx.raw", "x", "intrusion")).get(10, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        }
        assertReadRefused("acme", "globex.tx.raw");
        assertReadRefused("acme", "globex.scores");
    }

    @Test
    void theScoringServiceReadsRequestsWritesResultsAndSeesNothingElse() throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer("scoring", "umbra.he-scoring")) {
            consumer.subscribe(List.of("acme.score.requests"));
            List<String> keys = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (keys.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            assertEquals(List.of("req-1"), keys);
        }
        try (KafkaProducer<String, String> tx = producer("scoring", "umbra.he-scoring-acme-0")) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>("acme.score.results", "req-1", "encrypted-score"));
            tx.commitTransaction();
        }
        assertReadRefused("scoring", "acme.tx.raw");
        assertReadRefused("scoring", "acme.scores");
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> config = new HashMap<>(EmbeddedKafka.saslClientProperties("acme", "not-the-secret"));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin intruder = Admin.create(config)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> intruder.describeCluster().nodes().get(20, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
        assertFalse(kafka.clientProperties("acme").containsValue("not-the-secret"));
    }

    @Test
    void theBrokerConfigurationHoldingTheAdminPasswordIsOwnerOnly() throws Exception {
        java.nio.file.Path props = kafka.dataDir().resolve("server.properties");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(props)));
    }

    private static void assertReadRefused(String user, String topic) {
        try (KafkaConsumer<String, String> consumer = consumer(user, null)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            TopicAuthorizationException e = assertThrows(TopicAuthorizationException.class, () -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                        return; // read something: the assertion fails below
                    }
                }
            }, user + " read " + topic);
            assertTrue(e.unauthorizedTopics().contains(topic), e.toString());
        }
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    private static KafkaProducer<String, String> producer(String user, String transactionalId) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties(user));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String user, String group) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties(user));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }
}
