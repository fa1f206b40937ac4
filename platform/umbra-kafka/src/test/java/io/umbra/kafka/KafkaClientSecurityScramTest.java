package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;

/**
 * Clients configured only through {@link KafkaClientSecurity} (the environment given as a map) on the
 * embedded broker with SASL/SCRAM-SHA-512 and prefix ACLs, as a tenant's services run in production.
 */
class KafkaClientSecurityScramTest {
    private static final String PASSWORD = "acme-ingest.S3cret~pw";
    private static EmbeddedKafka kafka;

    @TempDir
    static Path secrets;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka = EmbeddedKafka.builder().scramUsers(Map.of("acme-svc", PASSWORD)).start();
        kafka.createTopics(TopicSpec.of("acme.in", 1), TopicSpec.of("acme.out", 1), TopicSpec.of("acme.dlq", 1));
        List<AclBinding> acls = new ArrayList<>();
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)) {
            acls.add(allow(ResourceType.TOPIC, op));
            acls.add(allow(ResourceType.TRANSACTIONAL_ID, op == AclOperation.READ ? AclOperation.WRITE : op));
        }
        acls.add(allow(ResourceType.GROUP, AclOperation.READ));
        acls = acls.stream().distinct().toList();
        kafka.admin().createAcls(acls).all().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (kafka.admin().describeAcls(AclBindingFilter.ANY).values().get().size() < acls.size()) {
            assertTrue(System.nanoTime() < deadline, "the ACLs never reached the broker");
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aClientConfiguredFromTheEnvironmentLogsInProducesAndConsumes() throws Exception {
        Path passwordFile = Files.writeString(secrets.resolve("kafka-password"), PASSWORD + "\n", StandardCharsets.UTF_8);
        KafkaClientSecurity security = KafkaClientSecurity.from(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_USERNAME", "acme-svc",
                "KAFKA_SASL_PASSWORD_FILE", passwordFile.toString()));

        Map<String, Object> pc = security.addTo(new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pc, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("acme.in", "tx-1", "amount=12.50")).get(20, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("acme.in", "tx-2", "reject")).get(20, TimeUnit.SECONDS);
        }

        // the exactly-once loop, given the same settings, transforms and dead-letters over SCRAM too
        RecordHandler handler = r -> new String(r.value(), StandardCharsets.UTF_8).equals("reject")
                ? Outcome.reject("BAD_AMOUNT", "no amount")
                : Outcome.emit(new ProducerRecord<>("acme.out", r.key(), ("seen " + new String(r.value(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        try (ExactlyOnceProcessor processor = ExactlyOnceProcessor.builder()
                .bootstrapServers(kafka.bootstrapServers()).groupId("acme.scram-test").instanceId("0")
                .topics(List.of("acme.in")).deadLetterTopic(t -> "acme.dlq").handler(handler)
                .security(security).build()) {
            processor.start();
            assertEquals(List.of("seen amount=12.50"), read(security, "acme.out", 1));
            assertEquals(List.of("reject"), read(security, "acme.dlq", 1));
            assertTrue(processor.isRunning(), "no authorization or login failure: " + processor.failure());
        }
    }

    @Test
    void aWrongPasswordFailsCleanlyWithoutQuotingIt() {
        KafkaClientSecurity wrong = KafkaClientSecurity.from(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_USERNAME", "acme-svc", "KAFKA_SASL_PASSWORD", "not-the-password-xyzzy"));
        Map<String, Object> config = wrong.addTo(new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())));
        try (Admin intruder = Admin.create(config)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> intruder.describeCluster().nodes().get(20, TimeUnit.SECONDS));
            SaslAuthenticationException refused = assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            assertFalse(String.valueOf(refused.getMessage()).contains("xyzzy"), refused.getMessage());
        }
        // PLAINTEXT (the default) against the SCRAM listener does not get in either
        KafkaClientSecurity none = KafkaClientSecurity.from(Map.of());
        Map<String, Object> plain = none.addTo(new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000)));
        try (Admin anonymous = Admin.create(plain)) {
            assertThrows(ExecutionException.class, () -> anonymous.describeCluster().nodes().get(10, TimeUnit.SECONDS));
        }
    }

    private static List<String> read(KafkaClientSecurity security, String topic, int expected) {
        Map<String, Object> cc = security.addTo(new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "acme.reader-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cc, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static AclBinding allow(ResourceType type, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, "acme.", PatternType.PREFIXED),
                new AccessControlEntry("User:acme-svc", "*", op, AclPermissionType.ALLOW));
    }
}
