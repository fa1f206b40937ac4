package io.umbra.keys;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.crypto.ManifestSealer;
import io.umbra.events.DeadLetter;
import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.events.envelope.BatchHeader;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.ScoreResult;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestEntry;
import io.umbra.events.manifest.SealedManifest;
import io.umbra.events.score.Score;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.serial.Seal;
import io.umbra.kafka.local.KafkaLocalTestResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The service as the pipeline sees it, on a real broker: it publishes its bundle; the test plays the
 * encrypt-service (encrypts under the published public key, seals the manifest to the published HPKE
 * key) and the scoring pool (a score ciphertext at the last level), then reads the plaintext scores and
 * the dead letters of hostile results.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics", value =
        "acme.score.results:1:max.message.bytes=8454144,acme.scores:1,acme.decrypt.dlq:1,umbra.keys.public:1:compact"))
class KeyServicePipelineTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant CREATED = Instant.parse("2025-11-23T17:42:07.912Z");
    private static final Instant SCORED = Instant.parse("2025-11-23T17:42:08.031Z");

    @Test
    void publishesItsBundleDecryptsScoresAndDeadLettersHostileResults() throws Exception {
        awaitReady();

        // ---- the published bundle ---------------------------------------------------------------
        List<ConsumerRecord<byte[], byte[]>> published = readUntil(Topics.PUBLIC_KEYS, l -> !l.isEmpty(), Duration.ofSeconds(30));
        ConsumerRecord<byte[], byte[]> bundleRecord = published.get(published.size() - 1);
        assertEquals("acme", new String(bundleRecord.key(), StandardCharsets.US_ASCII));
        PublicBundle bundle = PublicBundle.decode(bundleRecord.value());
        assertEquals(ACME, bundle.tenant());
        assertEquals(1, bundle.keyVersion());
        assertFalse(bundle.hasRelinKeys());

        String fingerprint = "sha256:" + KeyVersion.sha256(bundle.sealPublicKey());
        RestAssured.given().get("/keys").then().statusCode(200)
                .body("tenant", equalTo("acme"))
                .body("currentVersion", equalTo(1))
                .body("versions", hasSize(1))
                .body("versions[0].keyVersion", equalTo(1))
                .body("versions[0].createdAt", equalTo(bundle.createdAt().toString()))
                .body("versions[0].parameters.polyModulusDegree", equalTo(4096))
                .body("versions[0].parameters.primeBits", equalTo(List.of(36, 36, 37)))
                .body("versions[0].parameters.log2Scale", equalTo(30))
                .body("versions[0].publicKeyFingerprint", equalTo(fingerprint))
                .body("versions[0].bundleBytes", equalTo(bundleRecord.value().length))
                .body(not(containsString("secret")));

        // ---- the test plays encrypt-service and scoring pool ------------------------------------
        CkksContext ctx = CkksContext.create(Seal.loadParameters(bundle.sealParameters()));
        Encryptor encryptor = new Encryptor(ctx, Seal.loadPublicKey(ctx, bundle.sealPublicKey()));
        CkksEncoder encoder = new CkksEncoder(ctx);
        ManifestSealer sealer = new ManifestSealer(bundle.hpkePublicKeyset());

        double[] logitsA = {-3.2, 0.0, 4.75};
        double[] logitsB = {2.5, -11.0};
        Batch a = batch(UUID.randomUUID(), 1, "a", logitsA);
        Batch b = batch(UUID.randomUUID(), 1, "b", logitsB);
        byte[] ciphertextA = lastLevel(ctx, encryptor, encoder, logitsA);
        byte[] ciphertextB = lastLevel(ctx, encryptor, encoder, logitsB);

        byte[] validA = result(ACME, a.batchId, 1, a.manifest.slotCount(), ciphertextA, sealer.seal(a.manifest));
        byte[] validB = result(ACME, b.batchId, 1, b.manifest.slotCount(), ciphertextB, sealer.seal(b.manifest));
        byte[] garbage = "not an envelope at all".getBytes(StandardCharsets.US_ASCII);
        TenantId globex = TenantId.of("globex");
        Batch g = new Batch(UUID.randomUUID(), new BatchManifest(globex, UUID.randomUUID(), 1, a.manifest.slots()));
        byte[] otherTenant = result(globex, g.manifest.batchId(), 1, 3, ciphertextA, sealer.seal(g.manifest));
        Batch v7 = batch(UUID.randomUUID(), 7, "v7", logitsA);
        byte[] unknownVersion = result(ACME, v7.batchId, 7, 3, ciphertextA, sealer.seal(v7.manifest));
        byte[] otherBatch = result(ACME, UUID.randomUUID(), 1, 3, ciphertextA, sealer.seal(a.manifest));
        byte[] sealedA = sealer.seal(a.manifest).bytes();
        sealedA[sealedA.length / 2] ^= 0x01;
        byte[] flippedManifest = result(ACME, a.batchId, 1, 3, ciphertextA, new SealedManifest(sealedA));
        byte[] badCiphertext = ciphertextA.clone();
        badCiphertext[0] ^= (byte) 0xFF; // SEAL's magic
        byte[] corruptedCiphertext = result(ACME, a.batchId, 1, 3, badCiphertext, sealer.seal(a.manifest));

        List<byte[]> inOrder = List.of(validA, garbage, otherTenant, unknownVersion, otherBatch, flippedManifest, corruptedCiphertext, validB);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (byte[] value : inOrder) {
                producer.send(new ProducerRecord<>("acme.score.results", "batch".getBytes(StandardCharsets.US_ASCII), value)).get();
            }
        }

        // ---- plaintext scores: one per transaction, the valid batches around the hostile ones ----
        List<ConsumerRecord<byte[], byte[]>> scored = readUntil("acme.scores", l -> l.size() >= 5, Duration.ofSeconds(60));
        assertEquals(5, scored.size(), "one score per transaction of the two valid batches, nothing else");
        Map<String, Double> expected = new HashMap<>();
        for (int i = 0; i < logitsA.length; i++) {
            expected.put("tx-a-" + i, logitsA[i]);
        }
        for (int i = 0; i < logitsB.length; i++) {
            expected.put("tx-b-" + i, logitsB[i]);
        }
        double worst = 0;
        for (ConsumerRecord<byte[], byte[]> r : scored) {
            Score s = Score.fromJson(r.value());
            assertEquals(s.transactionId(), new String(r.key(), StandardCharsets.UTF_8), "keyed by transaction id");
            Double want = expected.remove(s.transactionId());
            assertTrue(want != null, "unexpected or duplicate transaction " + s.transactionId());
            worst = Math.max(worst, Math.abs(s.logit() - want));
            assertEquals(want, s.logit(), 1e-5, s.transactionId());
            assertEquals(Score.probabilityOf(s.logit()), s.fraudProbability(), 0.0);
            assertEquals(1 / (1 + Math.exp(-want)), s.fraudProbability(), 1e-5);
            assertEquals(ACME, s.tenant());
            assertEquals("card-" + s.transactionId(), s.cardId());
            assertEquals("logreg-fraud", s.modelId());
            assertEquals(4, s.modelVersion());
            assertEquals(eventTime(s.transactionId()), s.eventTime());
            assertEquals(CREATED, s.producedAt());
            assertEquals(SCORED, s.scoredAt());
            assertTrue(!s.decryptedAt().isBefore(SCORED) && !s.decryptedAt().isAfter(Instant.now()));
        }
        assertTrue(expected.isEmpty(), "missing scores for " + expected.keySet());
        System.out.println("worst logit error after decryption: " + worst);

        // ---- dead letters: each hostile result, its bytes unchanged, with the right reason ---------
        List<ConsumerRecord<byte[], byte[]>> dead = readUntil("acme.decrypt.dlq", l -> l.size() >= 6, Duration.ofSeconds(30));
        assertEquals(List.of("BAD_ENVELOPE", "TENANT_MISMATCH", "UNKNOWN_KEY_VERSION", "MANIFEST_NOT_OPENED", "MANIFEST_NOT_OPENED",
                "BAD_CIPHERTEXT"), dead.stream().map(r -> header(r, DeadLetter.HEADER_REASON)).toList());
        List<byte[]> hostile = inOrder.subList(1, 7);
        for (int i = 0; i < hostile.size(); i++) {
            assertArrayEquals(hostile.get(i), dead.get(i).value(), "dead letter " + i + " keeps the result byte for byte");
            assertEquals("key-service", header(dead.get(i), DeadLetter.HEADER_SERVICE));
            assertEquals("acme.score.results", header(dead.get(i), DeadLetter.HEADER_SOURCE_TOPIC));
        }

        // ---- metrics -------------------------------------------------------------------------------
        String metrics = awaitMetrics("umbra_key_scores_out_total{tenant=\"acme\"} 5.0");
        assertTrue(metrics.contains("umbra_key_results_in_total{tenant=\"acme\"} 8.0"), "results in");
        assertTrue(metrics.contains("umbra_key_dlq_total{reason=\"MANIFEST_NOT_OPENED\"} 2.0"), "dead letters by reason");
        assertTrue(metrics.contains("umbra_key_dlq_total{reason=\"BAD_ENVELOPE\"} 1.0"));
        assertTrue(metrics.contains("umbra_key_version{tenant=\"acme\"} 1.0"), "key version gauge");
        assertTrue(metrics.contains("umbra_key_decrypt_seconds_count{tenant=\"acme\"}"), "decrypt timer");

        // ---- the logs of this run never show the secret key ----------------------------------------
        Path keysDir = Path.of("target/test-keys/acme");
        byte[] secret = KeyEncryptionKey.localKeyset(keysDir.resolve(TenantKeyStore.KEK_FILE))
                .unwrap(Files.readAllBytes(keysDir.resolve("v1").resolve(TenantKeyStore.SECRET_KEY_FILE)),
                        TenantKeyStore.secretKeyContext(ACME, 1));
        String log = Files.readString(Path.of("target/key-service-test.log"));
        assertTrue(log.contains("public bundle of key version 1"), "the log file is the one this run writes");
        for (int start : new int[] {200, 1001, 4002, 20003, secret.length - 64}) {
            for (int shift = 0; shift < 3; shift++) {
                byte[] window = Arrays.copyOfRange(secret, start + shift, start + shift + 30);
                assertFalse(log.contains(Base64.getEncoder().encodeToString(window)), "secret key bytes (Base64) in the log");
                assertFalse(log.contains(Base64.getUrlEncoder().encodeToString(window)), "secret key bytes (Base64url) in the log");
                assertFalse(log.toLowerCase().contains(HexFormat.of().formatHex(window)), "secret key bytes (hex) in the log");
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private record Batch(UUID batchId, BatchManifest manifest) {
    }

    private static Batch batch(UUID batchId, int keyVersion, String name, double[] logits) {
        List<ManifestEntry> slots = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            String tx = "tx-" + name + "-" + i;
            slots.add(new ManifestEntry(tx, "card-" + tx, 1000L + i, "EUR", "m-" + i, eventTime(tx)));
        }
        return new Batch(batchId, new BatchManifest(ACME, batchId, keyVersion, slots));
    }

    private static Instant eventTime(String transactionId) {
        return Instant.parse("2025-11-23T17:00:00Z").plus(transactionId.hashCode() & 0xFFFF, ChronoUnit.MILLIS);
    }

    /** What the scoring pool sends back: the logits encrypted, at the last level of the chain. */
    private static byte[] lastLevel(CkksContext ctx, Encryptor encryptor, CkksEncoder encoder, double[] logits) {
        Ciphertext ct = encryptor.encrypt(encoder.encode(logits, 0x1p30));
        return Seal.save(new Evaluator(ctx).modSwitchTo(ct, ctx.lastData().parmsId()));
    }

    private static byte[] result(TenantId tenant, UUID batchId, int keyVersion, int slots, byte[] ciphertext, SealedManifest manifest) {
        return new ScoreResult(new BatchHeader(tenant, batchId, keyVersion, slots, 1), CREATED, "logreg-fraud", 4,
                SCORED.minusMillis(50), SCORED, List.of(ciphertext), manifest).encode();
    }

    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (RestAssured.given().get("/q/health/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                fail("not ready within 60 s: " + RestAssured.given().get("/q/health/ready").asString());
            }
            Thread.sleep(200);
        }
    }

    private static String awaitMetrics(String line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            String m = RestAssured.given().get("/q/metrics").asString();
            if (m.contains(line) || System.nanoTime() > deadline) {
                return m;
            }
            Thread.sleep(200);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Every committed record of partition 0 of {@code topic}, read from the start until {@code done} or the timeout. */
    private static List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                                  Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a moment more: anything beyond what was expected would be a defect the caller should see
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
