package io.umbra.scoring;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.SignatureConfig;
import java.time.Clock;
import java.time.Instant;

import io.umbra.events.TenantId;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.KafkaLocalTestResource;
import io.umbra.kafka.local.TopicSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public-key reader on a real broker: readiness, what it keeps, what it refuses, how long a miss waits. */
class PublicKeyDirectoryTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId BRAVO = TenantId.of("bravo");

    @Test
    void readsEveryBundleKeepsRecentVersionsRefusesBadOnesAndAnswersAMissQuickly() throws Exception {
        EmbeddedKafka kafka = KafkaLocalTestResource.broker();
        String topic = "test.keys-" + System.nanoTime();
        TestBank acme1 = new TestBank("acme", 1);
        TestBank acme2 = new TestBank("acme", 2);
        TestBank bravo = new TestBank("bravo", 1);
        TestBank.signingKey(ACME);
        TestBank.signingKey(BRAVO);
        try (PublicKeyDirectory keys = new PublicKeyDirectory(topic, kafka.bootstrapServers(), "directory-test", 2, Duration.ofSeconds(1),
                TestBank.PINNED_KEYS, Map.of(), Clock.systemUTC());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            keys.start();
            Thread.sleep(1500);
            assertFalse(keys.caughtUpOnce(), "not ready while the topic does not exist");

            kafka.createTopics(TopicSpec.of(topic, 1).compacted());
            SignatureConfig.register();
            KeysetHandle intruder = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
            Instant now = Instant.now();
            send(producer, topic, "acme/v1", TestBank.randomBytes(300));                  // not a bundle
            send(producer, topic, "acme/v1", acme1.publicBundle().encode());              // unsigned
            send(producer, topic, "bravo/v1", acme1.bundle());                            // acme's bundle under bravo's key
            send(producer, topic, "acme/v1", TestBank.signed(acme1.publicBundle(), intruder, now, now.plusSeconds(3600))); // substituted
            send(producer, topic, "acme/v1", TestBank.signed(acme1.publicBundle(), TestBank.signingKey(ACME),
                    now.minusSeconds(7200), now.minusSeconds(3600)));                     // stale
            // a well-signed bundle of a tenant nobody pinned a key for
            send(producer, topic, "dave/v1", TestBank.signed(new TestBank("dave", 1).publicBundle(), intruder, now, now.plusSeconds(3600)));
            assertTrue(java.nio.file.Files.notExists(TestBank.PINNED_KEYS.resolve("dave.json")));
            send(producer, topic, acme1.bundleKey(), acme1.bundle());
            send(producer, topic, acme2.bundleKey(), acme2.bundle());
            send(producer, topic, bravo.bundleKey(), bravo.bundle());
            eventually(() -> keys.caughtUpOnce() && keys.size() == 3, "three key versions loaded");
            assertEquals(6, keys.refusedBundles(), "garbage, unsigned, wrong key, substituted, stale, unpinned tenant");
            assertSame(keys.find(ACME, 1).orElseThrow().context(), keys.find(ACME, 2).orElseThrow().context(),
                    "one parameter set, one parsed context");
            assertTrue(keys.find(ACME, 1).orElseThrow().relinKeys().isEmpty());

            long start = System.nanoTime();
            assertEquals(Optional.empty(), keys.await(ACME, 9, Duration.ofSeconds(20)));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5,
                    "a key version the topic does not have is refused once the reader reached the end, not after the full wait");

            TestBank acme3 = new TestBank("acme", 3);
            send(producer, topic, acme3.bundleKey(), acme3.bundle());
            assertTrue(keys.await(ACME, 3, Duration.ofSeconds(20)).isPresent(), "a bundle published just before is waited for");
            assertTrue(keys.find(ACME, 1).isEmpty(), "only the two newest versions of a tenant are kept");
            assertTrue(keys.find(ACME, 2).isPresent());

            // another tenant (anyone who may write the topic) knocks acme off with tombstones and forged withdrawals: ignored
            long refusedBefore = keys.refusedBundles();
            producer.send(new ProducerRecord<>(topic, "acme/v2".getBytes(StandardCharsets.UTF_8), null)).get();
            producer.send(new ProducerRecord<>(topic, "acme".getBytes(StandardCharsets.UTF_8), null)).get();
            send(producer, topic, "acme/v3", TestBank.withdrawal(ACME, 3, intruder));
            send(producer, topic, "acme/v3", TestBank.withdrawal(ACME, 2, TestBank.signingKey(ACME)));   // acme's own, under another key
            eventually(() -> keys.refusedBundles() == refusedBefore + 4, "two tombstones and two misplaced or forged withdrawals refused");
            assertTrue(keys.find(ACME, 2).isPresent() && keys.find(ACME, 3).isPresent(), "no unsigned record withdraws anything");

            // the key-service's signed withdrawal does
            send(producer, topic, "acme/v2", TestBank.withdrawal(ACME, 2, TestBank.signingKey(ACME)));
            eventually(() -> keys.find(ACME, 2).isEmpty(), "a signed withdrawal withdraws one key version");
            assertTrue(keys.find(ACME, 3).isPresent(), "and only that one");
            // and an old bundle of the withdrawn version, replayed afterwards, does not bring it back
            send(producer, topic, acme2.bundleKey(), acme2.bundle());
            eventually(() -> keys.refusedBundles() == refusedBefore + 5, "the replayed bundle of a withdrawn version is refused");
            assertTrue(keys.find(ACME, 2).isEmpty());
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
