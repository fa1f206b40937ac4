package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;

/**
 * The loop on a broker with SASL/SCRAM and ACLs, each ACL literal (one topic, the group, the transactional id), as a
 * tenant's service runs in production: the operator removes one ACL the loop needs while it runs, then grants it back
 * with the Admin client. The loop must not stop, skip or double anything: it says why it cannot work
 * ({@link ExactlyOnceProcessor#notAuthorized()}, what readiness shows), and once the ACL is back the waiting record is
 * committed exactly once, without a restart.
 */
class ExactlyOnceProcessorAclTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String USER = "acme-svc";
    private static final String PASSWORD = "acl-test.S3cret~pw";
    private static EmbeddedKafka kafka;
    private static KafkaClientSecurity security;

    @BeforeAll
    static void startSecuredBroker() {
        kafka = EmbeddedKafka.builder().scramUsers(Map.of(USER, PASSWORD)).start();
        security = KafkaClientSecurity.from(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME", USER,
                "KAFKA_SASL_PASSWORD", PASSWORD));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRefusedWriteOnTheOutputTopicAbortsAndWaitsThenCommitsOnceWhenGrantedBack() throws Exception {
        refusedThenGranted("acme.w", acl(ResourceType.TOPIC, "acme.w.out", AclOperation.WRITE), "TopicAuthorizationException", "acme.w.out");
    }

    @Test
    void aRefusedTransactionalIdAbortsReplacesTheProducerAndCommitsOnceWhenGrantedBack() throws Exception {
        refusedThenGranted("acme.x", acl(ResourceType.TRANSACTIONAL_ID, "acme.x-0", AclOperation.WRITE),
                "TransactionalIdAuthorizationException", null);
    }

    @Test
    void aRefusedReadOnTheInputTopicWaitsThenConsumesWhenGrantedBack() throws Exception {
        refusedThenGranted("acme.r", acl(ResourceType.TOPIC, "acme.r.in", AclOperation.READ), "TopicAuthorizationException", "acme.r.in");
    }

    /**
     * One record goes through; {@code removed} is taken away; a second record waits (nothing committed, nothing
     * dead-lettered, the loop running and saying why); {@code removed} is granted back; the second record is committed
     * once and the reason is gone.
     */
    private static void refusedThenGranted(String name, AclBinding removed, String kind, String resource) throws Exception {
        String in = name + ".in";
        String out = name + ".out";
        String dlq = name + ".dlq";
        kafka.createTopics(TopicSpec.of(in, 1), TopicSpec.of(out, 1), TopicSpec.of(dlq, 1));
        List<AclBinding> acls = List.of(acl(ResourceType.TOPIC, in, AclOperation.READ), acl(ResourceType.TOPIC, out, AclOperation.WRITE),
                acl(ResourceType.TOPIC, dlq, AclOperation.WRITE), acl(ResourceType.GROUP, name, AclOperation.READ),
                acl(ResourceType.TRANSACTIONAL_ID, name + "-0", AclOperation.WRITE));
        assertTrue(acls.contains(removed));
        grant(acls);
        RecordHandler handler = r -> Outcome.emit(new ProducerRecord<>(out, r.key(),
                ("seen " + new String(r.value(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        try (ExactlyOnceProcessor p = ExactlyOnceProcessor.builder().bootstrapServers(kafka.bootstrapServers()).groupId(name)
                .instanceId("0").topics(List.of(in)).deadLetterTopic(t -> dlq).handler(handler).security(security).build()) {
            p.start();
            produce(in, "first");
            await(() -> read(out).size() == 1, "the first record through");
            assertTrue(p.notAuthorized().isEmpty(), p.notAuthorized().toString());

            revoke(removed);
            produce(in, "second");
            // the refusal named by its kind and resource (a READ refused while the offsets commit says so less precisely
            // at first: "Unexpected error in TxnOffsetCommitResponse: Topic authorization failed.")
            await(() -> p.notAuthorized().filter(w -> w.contains(kind) && (resource == null || w.contains(resource))).isPresent(),
                    () -> "the loop saying it is refused: " + p.notAuthorized() + " (running " + p.isRunning() + ", failure "
                            + p.failure().map(KafkaErrors::describe).orElse("none") + ")");
            String why = p.notAuthorized().orElseThrow();
            assertFalse(why.contains(PASSWORD) || why.contains("S3cret"), "no secret in the reason: " + why);
            assertTrue(p.isRunning(), "the loop waits; it does not stop");
            assertTrue(p.failure().isEmpty(), p.failure().toString());
            // the refused batch is retried every few seconds meanwhile: let a retry or two pass, still nothing committed
            Thread.sleep(1_500);
            assertEquals(List.of("seen first"), read(out), "nothing committed while refused");
            assertTrue(read(dlq).isEmpty(), "not skipped into the dead-letter topic either");
            assertTrue(p.notAuthorized().isPresent());

            grant(List.of(removed));
            await(() -> read(out).size() >= 2 && p.notAuthorized().isEmpty(), "the waiting record committed once the ACL is back");
            assertEquals(List.of("seen first", "seen second"), read(out), "each record once, in order");
            assertTrue(read(dlq).isEmpty());
            assertEquals(2L, committed(name, in), "both inputs' offsets committed");
            assertTrue(p.isRunning() && p.failure().isEmpty(), "never stopped: " + p.failure());
        }
    }

    private static AclBinding acl(ResourceType type, String name, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + USER, "*", op, AclPermissionType.ALLOW));
    }

    private static void grant(List<AclBinding> acls) throws Exception {
        kafka.admin().createAcls(acls).all().get(30, TimeUnit.SECONDS);
        for (AclBinding acl : acls) {
            await(() -> present(acl), "the ACL " + acl + " in force");
        }
    }

    private static void revoke(AclBinding acl) throws Exception {
        kafka.admin().deleteAcls(List.of(acl.toFilter())).all().get(30, TimeUnit.SECONDS);
        await(() -> !present(acl), "the ACL " + acl + " gone");
    }

    private static boolean present(AclBinding acl) {
        try {
            return kafka.admin().describeAcls(acl.toFilter()).values().get(30, TimeUnit.SECONDS).contains(acl);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void produce(String topic, String value) throws Exception {
        Map<String, Object> c = new HashMap<>(kafka.clientProperties(kafka.adminUser()));
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Every committed record of {@code topic} (one partition), read as the super user. */
    private static List<String> read(String topic) {
        Map<String, Object> c = new HashMap<>(kafka.clientProperties(kafka.adminUser()));
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (consumer.position(tp) < end) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static long committed(String group, String topic) throws Exception {
        Admin admin = kafka.admin();
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .get(new TopicPartition(topic, 0));
        return o == null ? -1 : o.offset();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(100);
        }
    }
}
