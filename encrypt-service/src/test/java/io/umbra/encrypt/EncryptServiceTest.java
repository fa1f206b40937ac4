package io.umbra.encrypt;

import io.umbra.crypto.BundleSigningKey;
import io.umbra.events.audit.AuditEvent;
import io.umbra.events.envelope.SignedBundle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.umbra.crypto.ManifestKeys;
import io.umbra.events.DeadLetter;
import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestEntry;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.serial.Seal;
import io.umbra.kafka.local.KafkaLocalTestResource;

/**
 * The service as the pipeline sees it, on the real broker with real CKKS and HPKE. The test plays the
 * key-service (it holds the secret key and the manifest key pair and publishes the public bundle) and
 * the scoring pool's reader of {@code acme.score.requests}. Configured with batches of 64 slots and a
 * 300 ms linger (application.properties, test profile).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics",
        value = "acme.tx.features:2,acme.encrypt.dlq,acme.score.requests:1:max.message.bytes=8454144,umbra.keys.public:1:compact,"
                + "acme.audit"))
@QuarkusTestResource(PinnedBundleKey.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EncryptServiceTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final int MAX_SLOTS = 64;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static CkksContext context;
    private static KeyGenerator ckksKeys;
    private static ManifestKeys manifestKeys;
    private static final Map<String, FeatureVector> sent = new HashMap<>();

    @BeforeAll
    static void playTheKeyService() {
        context = CkksContext.create(EncryptionParameters.create(4096, 36, 36, 37)); // set (b)
        ckksKeys = new KeyGenerator(context);
        manifestKeys = ManifestKeys.generate();
    }

    @Test
    @Order(1)
    void waitsForTheBundleThenEncryptsEveryTransactionIntoExactlyOneBatchDecryptableByTheKeyService() throws Exception {
        given().get("/q/health/ready").then().statusCode(503).body(containsString("key-service"));

        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            FeatureVector v = vector("tx-" + i, "card-" + (i % 10), i);
            sent.put(v.transactionId(), v);
            input.add(new ProducerRecord<>("acme.tx.features", v.cardId().getBytes(StandardCharsets.UTF_8), v.toJson()));
            if (i == 20) {
                input.add(new ProducerRecord<>("acme.tx.features", "card-x".getBytes(), "{\"schemaId\": \"umbra.tx\",".getBytes()));
            } else if (i == 70) {
                String v99 = new String(vector("tx-v99", "card-x", 1).toJson(), StandardCharsets.UTF_8)
                        .replaceFirst("\"schemaVersion\"\\s*:\\s*1", "\"schemaVersion\":99");
                input.add(new ProducerRecord<>("acme.tx.features", "card-x".getBytes(), v99.getBytes(StandardCharsets.UTF_8)));
            } else if (i == 120) {
                ProducerRecord<byte[], byte[]> foreign = new ProducerRecord<>("acme.tx.features", "card-x".getBytes(),
                        vector("tx-foreign", "card-x", 2).toJson());
                foreign.headers().add(FeatureBatchHandler.TENANT_HEADER, "globex".getBytes(StandardCharsets.UTF_8));
                input.add(foreign);
            }
        }
        produce(input);

        Thread.sleep(2000);
        assertTrue(readAll("acme.score.requests").isEmpty(), "no batch before the key-service published a bundle");
        given().get("/q/health/ready").then().statusCode(503);

        // Bundles that must not be trusted: unsigned, signed by a key other than the pinned one, stale.
        // Another tenant's bundle is not ours.
        Instant now = Instant.now();
        PublicBundle acme1 = bundle(ACME, 1, manifestKeys);
        BundleSigningKey intruder = BundleSigningKey.generate();
        produce(List.of(
                new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v1".getBytes(), acme1.encode()),
                new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v1".getBytes(), sign(acme1, intruder, now, now.plusSeconds(3600)).encode()),
                new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v1".getBytes(),
                        sign(acme1, PinnedBundleKey.SIGNER, now.minusSeconds(7200), now.minusSeconds(60)).encode()),
                new ProducerRecord<>(Topics.PUBLIC_KEYS, "globex/v7".getBytes(), sign(bundle(TenantId.of("globex"), 7, ManifestKeys.generate()),
                        PinnedBundleKey.SIGNER, now, now.plusSeconds(3600)).encode())));
        Thread.sleep(3000);
        given().get("/q/health/ready").then().statusCode(503);
        assertTrue(readAll("acme.score.requests").isEmpty(), "nothing encrypted under an untrusted bundle");
        produce(List.of(new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v1".getBytes(),
                sign(acme1, PinnedBundleKey.SIGNER, now, now.plusSeconds(3600)).encode())));
        await(() -> given().get("/q/health/ready").statusCode() == 200, "readiness UP once the signed bundle is verified");

        List<ScoreRequest> batches = awaitBatches(150);
        List<String> inSlotOrder = new ArrayList<>();
        CkksEncoder encoder = new CkksEncoder(context);
        Decryptor decryptor = new Decryptor(context, ckksKeys.secretKey());
        for (ScoreRequest request : batches) {
            assertEquals(ACME, request.tenant());
            assertEquals(1, request.keyVersion(), "encrypted under acme's bundle, not globex's v7");
            assertEquals(1, request.featureSchemaVersion());
            assertTrue(request.slotCount() <= MAX_SLOTS, "at most max slots: " + request.slotCount());
            assertEquals(FeatureSchema.V1.dimension(), request.ciphertextCount());
            BatchManifest manifest = manifestKeys.opener().open(request.manifest(), ACME, request.batchId(), 1, request.slotCount());
            for (int f = 0; f < request.ciphertextCount(); f++) {
                double[] slots = encoder.decode(decryptor.decrypt(Seal.loadCiphertext(context, request.ciphertext(f))));
                for (int i = 0; i < slots.length; i++) {
                    double expected = i < manifest.slotCount() ? sent.get(manifest.slots().get(i).transactionId()).feature(f) : 0.0;
                    assertEquals(expected, slots[i], 1e-5, "feature " + f + ", slot " + i);
                }
            }
            for (ManifestEntry e : manifest.slots()) {
                FeatureVector v = sent.get(e.transactionId());
                assertEquals(ManifestEntry.of(v), e);
                inSlotOrder.add(e.transactionId());
            }
        }
        assertEquals(150, inSlotOrder.size(), "no transaction twice");
        assertEquals(sent.keySet(), new HashSet<>(inSlotOrder), "every transaction in a batch");
        assertEquals(MAX_SLOTS, batches.stream().mapToInt(ScoreRequest::slotCount).max().orElse(0), "the backlog fills whole batches");
        Map<String, Integer> lastOfCard = new HashMap<>();
        for (String tx : inSlotOrder) {
            int n = Integer.parseInt(tx.substring(3));
            Integer before = lastOfCard.put(sent.get(tx).cardId(), n);
            assertTrue(before == null || before < n, "a card's transactions stay in order: " + tx + " after tx-" + before);
        }

        List<ConsumerRecord<byte[], byte[]>> dlq = awaitRecords("acme.encrypt.dlq", 3);
        List<String> reasons = dlq.stream().map(r -> header(r, DeadLetter.HEADER_REASON)).toList();
        assertEquals(List.of("MALFORMED_JSON", "UNSUPPORTED_SCHEMA_VERSION", "WRONG_TENANT"), reasons);
        assertEquals("encrypt-service", header(dlq.get(0), DeadLetter.HEADER_SERVICE));
        assertEquals("{\"schemaId\": \"umbra.tx\",", new String(dlq.get(0).value(), StandardCharsets.UTF_8), "the payload byte for byte");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("umbra_encrypt_key_version 1.0"), "key version gauge");
        assertTrue(metrics.contains("umbra_he_backend{backend=\"" + io.umbra.he.backend.Backends.current().name() + "\"} 1.0"),
            "the HE backend this service runs on");
        assertTrue(metrics.contains("umbra_encrypt_dlq_total{reason=\"WRONG_TENANT\"} 1.0"), "DLQ by reason");
        assertTrue(metrics.contains("umbra_encrypt_transactions_batched_total 150.0"), "transactions batched");
        assertTrue(metrics.contains("umbra_encrypt_batch_fill_ratio_count"), "fill ratio");
        assertTrue(metrics.contains("umbra_encrypt_batch_encryption_seconds_count"), "encryption time");
        for (String reason : List.of("BUNDLE_MALFORMED", "SIGNATURE_INVALID", "BUNDLE_STALE")) {
            assertTrue(metrics.contains("umbra_encrypt_bundles_refused_total{reason=\"" + reason + "\"} 1.0"), reason + " counted");
        }

        List<AuditEvent> audit = awaitRecords("acme.audit", 4).stream().map(r -> AuditEvent.fromJson(r.value())).toList();
        assertEquals(List.of("BUNDLE_MALFORMED", "SIGNATURE_INVALID", "BUNDLE_STALE"), audit.stream()
                .filter(e -> e.type() == AuditEvent.Type.BUNDLE_REFUSED).map(AuditEvent::reason).toList(), "each refusal audited, in order");
        assertTrue(audit.stream().anyMatch(e -> e.type() == AuditEvent.Type.BUNDLE_ACCEPTED && e.keyVersion() == 1));
        assertTrue(audit.stream().allMatch(e -> e.tenant().equals(ACME) && e.service().equals("encrypt-service")));
    }

    @Test
    @Order(3)
    void switchesToANewerVerifiedVersionAndNeverBackToAnOlderOne() throws Exception {
        Instant now = Instant.now();
        ManifestKeys v2Keys = ManifestKeys.generate();
        produce(List.of(new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v2".getBytes(),
                sign(bundle(ACME, 2, v2Keys), PinnedBundleKey.SIGNER, now, now.plusSeconds(3600)).encode())));
        await(() -> given().get("/q/health/ready").asString().contains("\"keyVersion\": 2"), "key version 2 in use");
        // v1 re-signed later (as the key-service does while a rotation drains) is no reason to go back
        produce(List.of(new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v1".getBytes(),
                sign(bundle(ACME, 1, manifestKeys), PinnedBundleKey.SIGNER, now.plusSeconds(1), now.plusSeconds(7200)).encode())));
        int before = readAll("acme.score.requests").size();
        FeatureVector v = vector("after-rotation", "card-r", 4242);
        produce(List.of(new ProducerRecord<>("acme.tx.features", v.cardId().getBytes(StandardCharsets.UTF_8), v.toJson())));
        await(() -> readAll("acme.score.requests").size() > before, "a batch after the rotation");
        ScoreRequest request = ScoreRequest.decode(readAll("acme.score.requests").get(before).value());
        assertEquals(2, request.keyVersion());
        assertEquals("after-rotation", v2Keys.opener().open(request.manifest(), ACME, request.batchId(), 2, 1).slots().get(0).transactionId(),
                "sealed to v2's HPKE key");
    }

    @Test
    @Order(4)
    void followsARePinnedBundleKeyAndARotatedBatchKeyWithoutARestart() throws Exception {
        // the bundle-signing key rotates at the key-service: a new key, promoted, signs v3; the pin still holds only the old key
        Instant now = Instant.now();
        io.umbra.crypto.BundleSigningKey.rotate(PinnedBundleKey.KEY_DIR, "acme", PinnedBundleKey.KEK, io.umbra.crypto.SigningKeyset.Phase.ADD,
                now, Duration.ZERO, false);
        io.umbra.crypto.BundleSigningKey.rotate(PinnedBundleKey.KEY_DIR, "acme", PinnedBundleKey.KEK,
                io.umbra.crypto.SigningKeyset.Phase.PROMOTE, now, Duration.ZERO, false);
        io.umbra.crypto.BundleSigningKey promoted = PinnedBundleKey.current();
        ManifestKeys v3Keys = ManifestKeys.generate();
        produce(List.of(new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v3".getBytes(), sign(bundle(ACME, 3, v3Keys), promoted, now,
                now.plusSeconds(3600)).encode())));
        await(() -> given().get("/q/metrics").asString().contains("umbra_encrypt_bundles_refused_total{reason=\"SIGNATURE_INVALID\"} 2.0"),
                "v3 signed by a key not pinned yet is refused");
        assertTrue(given().get("/q/health/ready").asString().contains("\"keyVersion\": 2"));

        // re-pinned (old + new) while the service runs: the same bundle, signed again, is accepted
        PinnedBundleKey.repin();
        produce(List.of(new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v3".getBytes(), sign(bundle(ACME, 3, v3Keys), promoted,
                now.plusSeconds(1), now.plusSeconds(3600)).encode())));
        await(() -> given().get("/q/health/ready").asString().contains("\"keyVersion\": 3"), "key version 3 in use after the re-pin");

        // the batch-signing key rotates in the service's own directory: the next batch is signed with the new key
        Path batchDir = Path.of("target/test-batch-signing/acme");
        io.umbra.crypto.KeyEncryptionKey batchKek = io.umbra.crypto.KeyEncryptionKey.localKeyset(batchDir.resolve("kek.keyset"));
        io.umbra.verify.BundleVerifier oldBatchKey = io.umbra.verify.BundleVerifier.fromKeyset(
                Files.readString(batchDir.resolve(io.umbra.crypto.BatchSigningKey.VERIFICATION_FILE)));
        for (io.umbra.crypto.SigningKeyset.Phase phase : io.umbra.crypto.SigningKeyset.Phase.values()) {
            io.umbra.crypto.BatchSigningKey.rotate(batchDir, "acme", batchKek, phase, Instant.now(), Duration.ZERO, false);
        }
        io.umbra.verify.BundleVerifier newBatchKey = io.umbra.verify.BundleVerifier.fromKeyset(
                Files.readString(batchDir.resolve(io.umbra.crypto.BatchSigningKey.VERIFICATION_FILE)));
        int before = readAll("acme.score.requests").size();
        FeatureVector v = vector("after-batch-key-rotation", "card-k", 4343);
        produce(List.of(new ProducerRecord<>("acme.tx.features", v.cardId().getBytes(StandardCharsets.UTF_8), v.toJson())));
        await(() -> readAll("acme.score.requests").size() > before, "a batch after the batch-key rotation");
        ScoreRequest request = ScoreRequest.decode(readAll("acme.score.requests").get(before).value());
        assertEquals(3, request.keyVersion());
        assertTrue(newBatchKey.verifies(request.batchSignature(), request.signedContent()), "signed with the promoted batch key");
        assertFalse(oldBatchKey.verifies(request.batchSignature(), request.signedContent()), "not with the retired one");
    }

    @Test
    @Order(2)
    void aTrickleFarBelowMaxSlotsIsEmittedWhenTheLingerExpires() throws Exception {
        int before = readAll("acme.score.requests").size();
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FeatureVector v = vector("late-" + i, "card-late", 1000 + i);
            input.add(new ProducerRecord<>("acme.tx.features", v.cardId().getBytes(StandardCharsets.UTF_8), v.toJson()));
        }
        produce(input);
        await(() -> readAll("acme.score.requests").size() > before, "a batch for the trickle");
        List<ScoreRequest> late = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll("acme.score.requests").subList(before, readAll("acme.score.requests").size())) {
            late.add(ScoreRequest.decode(r.value()));
        }
        ScoreRequest partial = late.get(0);
        assertEquals(5, partial.slotCount(), "one card's five transactions in one partial batch, not five batches");
        List<String> ids = manifestKeys.opener().open(partial.manifest(), ACME, partial.batchId(), 1, 5).slots().stream()
                .map(ManifestEntry::transactionId).toList();
        assertEquals(List.of("late-0", "late-1", "late-2", "late-3", "late-4"), ids, "slot order is the card's order");
    }

    @Test
    @Order(5)
    void aBundlePastItsSignedValidityTakesReadinessDownUntilItIsReSigned() throws Exception {
        // v4, valid for a few seconds only: accepted, then it expires in use (a key-service that stopped re-signing)
        Instant now = Instant.now();
        BundleSigningKey signer = PinnedBundleKey.current();
        ManifestKeys v4Keys = ManifestKeys.generate();
        PublicBundle v4 = bundle(ACME, 4, v4Keys);
        produce(List.of(new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v4".getBytes(), sign(v4, signer, now, now.plusSeconds(6)).encode())));
        await(() -> given().get("/q/health/ready").asString().contains("\"keyVersion\": 4"), "key version 4 in use");
        await(() -> given().get("/q/health/ready").statusCode() == 503, "readiness DOWN once v4's validity has passed");
        String stale = given().get("/q/health/ready").asString();
        assertTrue(stale.contains("bundleStale") && stale.contains("re-signing"), stale);
        assertTrue(given().get("/q/metrics").asString().contains("umbra_encrypt_bundle_stale 1.0"), "the stale-bundle gauge");

        // still encrypting under the verified v4 meanwhile: stopping would only pile up the backlog
        int before = readAll("acme.score.requests").size();
        FeatureVector v = vector("while-stale", "card-s", 4444);
        produce(List.of(new ProducerRecord<>("acme.tx.features", v.cardId().getBytes(StandardCharsets.UTF_8), v.toJson())));
        await(() -> readAll("acme.score.requests").size() > before, "a batch while the bundle is stale");
        assertEquals(4, ScoreRequest.decode(readAll("acme.score.requests").get(before).value()).keyVersion());

        // the key-service re-signs the same v4: UP again
        Instant later = Instant.now();
        produce(List.of(new ProducerRecord<>(Topics.PUBLIC_KEYS, "acme/v4".getBytes(), sign(v4, signer, later, later.plusSeconds(3600)).encode())));
        await(() -> given().get("/q/health/ready").statusCode() == 200, "readiness UP after the re-signature");
        assertFalse(given().get("/q/health/ready").asString().contains("bundleStale"));
        assertTrue(given().get("/q/metrics").asString().contains("umbra_encrypt_bundle_stale 0.0"), "the gauge back at 0");
    }

    @Test
    @Order(6)
    void aFencedServiceSaysSoInReadinessAndLivenessSoThePodIsRestarted() throws Exception {
        // a second incarnation with the same instance id (a pod rescheduled while the old one still runs) takes the
        // transactional id over; the old one's next commit is fenced and it stops instead of writing beside it
        int before;
        try (KafkaProducer<byte[], byte[]> newer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "acme.encrypt-service-test-1"), new ByteArraySerializer(), new ByteArraySerializer())) {
            newer.initTransactions();
            before = readAll("acme.score.requests").size();
            FeatureVector v = vector("after-fencing", "card-f", 4545);
            produce(List.of(new ProducerRecord<>("acme.tx.features", v.cardId().getBytes(StandardCharsets.UTF_8), v.toJson())));
            await(() -> given().get("/q/health/live").statusCode() == 503, "liveness DOWN once fenced");
            String live = given().get("/q/health/live").asString();
            assertTrue(live.contains("\"fenced\": \"another incarnation with this instance id took over"), live);
            String ready = given().get("/q/health/ready").asString();
            assertEquals(503, given().get("/q/health/ready").statusCode(), ready);
            assertTrue(ready.contains("\"fenced\""), ready);
        }
        assertEquals(before, readAll("acme.score.requests").size(), "the fenced incarnation committed nothing more");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static FeatureVector vector(String txId, String cardId, int n) {
        double[] features = new double[FeatureSchema.V1.dimension()];
        for (int f = 0; f < features.length; f++) {
            features[f] = ((n * 37 + f * 11) % 199) / 99.0 - 1.0 + (f == 0 ? 3.0 : 0.0);
        }
        return new FeatureVector(FeatureSchema.TX, 1, txId, cardId, Instant.parse("2025-11-23T17:42:07.120Z").plusSeconds(n), features,
                100L * n, "EUR", "m-" + (n % 17));
    }

    private static PublicBundle bundle(TenantId tenant, int version, ManifestKeys hpke) {
        return new PublicBundle(tenant, version, Instant.now(), Seal.save(context.params()), Seal.save(ckksKeys.createPublicKey()),
                new byte[0], hpke.publicKeyset());
    }

    private static SignedBundle sign(PublicBundle bundle, BundleSigningKey key, Instant signedAt, Instant notAfter) {
        return SignedBundle.of(bundle, signedAt, notAfter, key.sign(SignedBundle.contentToSign(bundle, signedAt, notAfter)));
    }

    private static String bootstrap() {
        return KafkaLocalTestResource.broker().bootstrapServers();
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(p::send);
            p.flush();
        }
    }

    /** What a read_committed reader (the scoring pool) sees on {@code topic} now. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                assertFalse(System.nanoTime() > deadline, "reading " + topic);
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, int n) throws InterruptedException {
        await(() -> readAll(topic).size() >= n, n + " records on " + topic);
        return readAll(topic);
    }

    private static List<ScoreRequest> awaitBatches(int transactions) throws InterruptedException {
        await(() -> readAll("acme.score.requests").stream().mapToInt(r -> ScoreRequest.decode(r.value()).slotCount()).sum() >= transactions,
                transactions + " transactions in score requests");
        return readAll("acme.score.requests").stream().map(r -> ScoreRequest.decode(r.value())).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "timed out waiting for " + what);
            Thread.sleep(250);
        }
    }
}
