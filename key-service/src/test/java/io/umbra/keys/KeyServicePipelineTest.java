package io.umbra.keys;

import io.umbra.crypto.BundleSigningKey;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;

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

import static org.hamcrest.Matchers.emptyOrNullString;
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
        "acme.score.results:1:max.message.bytes=8454144,acme.scores:1,acme.decrypt.dlq:1,umbra.keys.public:1:compact,acme.audit:1,acme.decrypted:1:compact"))
@QuarkusTestResource(FreshKeyDirectory.class)
@QuarkusTestResource(PinnedBatchKey.class)
@QuarkusTestResource(AdminTokens.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeyServicePipelineTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant CREATED = Instant.parse("2025-11-23T17:42:07.912Z");
    private static final Instant SCORED = Instant.parse("2025-11-23T17:42:08.031Z");

    @Test
    @Order(1)
    void publishesItsSignedBundleDecryptsScoresAndDeadLettersHostileResults() throws Exception {
        // a new tenant: the batch-verification key is not pinned yet (PinnedBatchKey), yet the bundles are published

        // ---- the published bundle, signed by the key whose public half is pinned ------------------
        List<ConsumerRecord<byte[], byte[]>> published = readUntil(Topics.PUBLIC_KEYS, l -> !l.isEmpty(), Duration.ofSeconds(30));
        ConsumerRecord<byte[], byte[]> bundleRecord = published.get(published.size() - 1);
        assertEquals("acme/v1", new String(bundleRecord.key(), StandardCharsets.US_ASCII));
        SignedBundle signed = SignedBundle.decode(bundleRecord.value());
        String pinned = Files.readString(FreshKeyDirectory.DIR.resolve(BundleSigningKey.VERIFICATION_FILE));
        BundleVerifier.fromKeyset(pinned).verify(signed.signature(), signed.signedContent());
        assertFalse(BundleVerifier.fromKeyset(BundleSigningKey.generate().verificationKeyset())
                .verifies(signed.signature(), signed.signedContent()), "another key does not verify it");
        assertTrue(signed.notAfter().isAfter(Instant.now().plus(Duration.ofDays(6))), "valid for the configured week");
        admin().get("/keys/verification-key").then().statusCode(200)
                .body("keyset", equalTo(pinned))
                .body("fingerprint", equalTo(BundleVerifier.fromKeyset(pinned).fingerprint()));
        PublicBundle bundle = signed.bundle();
        assertEquals(ACME, bundle.tenant());
        assertEquals(1, bundle.keyVersion());
        assertFalse(bundle.hasRelinKeys());

        String fingerprint = "sha256:" + KeyVersion.sha256(bundle.sealPublicKey());
        admin().get("/keys").then().statusCode(200)
                .body("tenant", equalTo("acme"))
                .body("currentVersion", equalTo(1))
                .body("versions", hasSize(1))
                .body("versions[0].keyVersion", equalTo(1))
                .body("versions[0].createdAt", equalTo(bundle.createdAt().toString()))
                .body("versions[0].parameters.polyModulusDegree", equalTo(4096))
                .body("versions[0].parameters.primeBits", equalTo(List.of(36, 36, 37)))
                .body("versions[0].parameters.log2Scale", equalTo(30))
                .body("versions[0].publicKeyFingerprint", equalTo(fingerprint))
                .body("versions[0].bundleBytes", equalTo(signed.bundleBytes().length))
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
        // what a pool holding only public keys can make: its own manifest, sealed to the published HPKE key, and
        // a ciphertext of its choosing; unsigned, or signed with a key of its own, it is opened by nobody
        Batch invented = batch(UUID.randomUUID(), 1, "invented", logitsA);
        byte[] unsigned = unsignedResult(invented.batchId, 3, ciphertextA, sealer.seal(invented.manifest));
        byte[] forged = resultSignedBy(io.umbra.crypto.BatchSigningKey.generate(), ACME, invented.batchId, 1, 3, ciphertextA,
                sealer.seal(invented.manifest));
        // a genuine batch whose signed parts the pool altered: the creation time
        byte[] alteredSigned = alterTime(result(ACME, invented.batchId, 1, 3, ciphertextA, sealer.seal(invented.manifest)));
        // genuine batches, but a score ciphertext of a shape no model produces: scale 1, another level, size 3
        Batch s1 = batch(UUID.randomUUID(), 1, "scale1", logitsA);
        Evaluator ev = new Evaluator(ctx);
        byte[] scaleOne = result(ACME, s1.batchId, 1, 3, Seal.save(ev.modSwitchTo(encryptor.encrypt(encoder.encode(logitsA, 1.0)),
                ctx.lastData().parmsId())), sealer.seal(s1.manifest));
        Batch lv = batch(UUID.randomUUID(), 1, "level", logitsA);
        byte[] otherLevel = result(ACME, lv.batchId, 1, 3, Seal.save(encryptor.encrypt(encoder.encode(logitsA, 0x1p30))),
                sealer.seal(lv.manifest));
        Batch sz = batch(UUID.randomUUID(), 1, "size3", logitsA);
        Ciphertext fresh = encryptor.encrypt(encoder.encode(logitsA, 0x1p15));
        byte[] sizeThree = result(ACME, sz.batchId, 1, 3, Seal.save(ev.modSwitchTo(ev.multiply(fresh, fresh), ctx.lastData().parmsId())),
                sealer.seal(sz.manifest));
        // a genuine batch whose score lies outside what any genuine logistic score reaches
        Batch far = batch(UUID.randomUUID(), 1, "far", new double[] {31.0});
        byte[] outOfRange = result(ACME, far.batchId, 1, 1, lastLevel(ctx, encryptor, encoder, new double[] {31.0}), sealer.seal(far.manifest));

        // validA again at the end: the same batch a second time is a replay, not a second set of scores
        List<byte[]> inOrder = List.of(validA, garbage, otherTenant, unknownVersion, otherBatch, flippedManifest, corruptedCiphertext,
                unsigned, forged, alteredSigned, scaleOne, otherLevel, sizeThree, outOfRange, validB, validA);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // ---- before the pin: a genuine signed batch waits, nothing is decrypted, readiness is DOWN ----
            producer.send(new ProducerRecord<>("acme.score.results", "batch".getBytes(StandardCharsets.US_ASCII), inOrder.getFirst())).get();
            assertEquals(List.of(), readUntil("acme.scores", l -> !l.isEmpty(), Duration.ofSeconds(6)), "nothing decrypted before the pin");
            RestAssured.given().get("/q/health/ready").then().statusCode(503)
                    .body(containsString("waiting for the pinned batch-verification key"))
                    .body(containsString(PinnedBatchKey.PINNED.toString()));
            // ---- the operator pins the encrypt-service's key: the waiting batch is decrypted, the rest follows ----
            PinnedBatchKey.pin();
            awaitReady();
            for (byte[] value : inOrder.subList(1, inOrder.size())) {
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
            // published rounded to 2^-8: the decryption noise, which carries information on the secret key, stays here
            assertEquals(want, s.logit(), ResultDecryptor.PUBLISHED_LOGIT_STEP / 2 + 1e-9, s.transactionId());
            assertEquals(Math.rint(s.logit() * 256), s.logit() * 256, 0.0, "a multiple of 2^-8: " + s.logit());
            assertEquals(Score.probabilityOf(s.logit()), s.fraudProbability(), 0.0);
            assertEquals(1 / (1 + Math.exp(-want)), s.fraudProbability(), 1e-3);
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
        // the replay set is in Kafka, written with the scores: a restarted key-service still knows both batches
        List<ConsumerRecord<byte[], byte[]>> replaySet = readUntil("acme.decrypted", l -> l.size() >= 2, Duration.ofSeconds(10));
        assertEquals(java.util.Set.of(a.batchId.toString(), b.batchId.toString()),
                replaySet.stream().map(r -> new String(r.key(), StandardCharsets.US_ASCII)).collect(java.util.stream.Collectors.toSet()));
        replaySet.forEach(r -> assertTrue(new String(r.value(), StandardCharsets.US_ASCII).startsWith("v1 acme.score.results-0@"),
                new String(r.value(), StandardCharsets.US_ASCII)));
        System.out.println("worst logit error after decryption: " + worst);

        // ---- dead letters: each hostile result, its bytes unchanged, with the right reason ---------
        List<ConsumerRecord<byte[], byte[]>> dead = readUntil("acme.decrypt.dlq", l -> l.size() >= 14, Duration.ofSeconds(30));
        assertEquals(List.of("BAD_ENVELOPE", "TENANT_MISMATCH", "UNKNOWN_KEY_VERSION", "MANIFEST_NOT_OPENED", "MANIFEST_NOT_OPENED",
                "BAD_CIPHERTEXT", "BATCH_FORGED", "BATCH_FORGED", "BATCH_FORGED", "BAD_CIPHERTEXT", "BAD_CIPHERTEXT", "BAD_CIPHERTEXT",
                "SCORE_OUT_OF_RANGE", "BATCH_REPLAYED"), dead.stream().map(r -> header(r, DeadLetter.HEADER_REASON)).toList());
        List<byte[]> hostile = new ArrayList<>(inOrder.subList(1, 14));
        hostile.add(validA);
        for (int i = 0; i < hostile.size(); i++) {
            assertArrayEquals(hostile.get(i), dead.get(i).value(), "dead letter " + i + " keeps the result byte for byte");
            assertEquals("key-service", header(dead.get(i), DeadLetter.HEADER_SERVICE));
            assertEquals("acme.score.results", header(dead.get(i), DeadLetter.HEADER_SOURCE_TOPIC));
        }

        // ---- metrics -------------------------------------------------------------------------------
        String metrics = awaitMetrics("umbra_key_scores_out_total{tenant=\"acme\"} 5.0");
        assertTrue(metrics.contains("umbra_key_results_in_total{tenant=\"acme\"} 16.0"), "results in");
        assertTrue(metrics.contains("umbra_key_dlq_total{reason=\"MANIFEST_NOT_OPENED\"} 2.0"), "dead letters by reason");
        assertTrue(metrics.contains("umbra_key_dlq_total{reason=\"BAD_ENVELOPE\"} 1.0"));
        assertTrue(metrics.contains("umbra_key_version{tenant=\"acme\"} 1.0"), "key version gauge");
        assertTrue(metrics.contains("umbra_he_backend{backend=\"" + io.umbra.he.backend.Backends.current().name() + "\"} 1.0"),
            "the HE backend this service runs on");
        assertTrue(metrics.contains("umbra_key_decrypt_seconds_count{tenant=\"acme\"}"), "decrypt timer");

        // ---- the audit trail: every refusal, by kind, and the bundle published; never a secret -------
        List<Map<String, Object>> entries = awaitAudit(l -> l.stream().filter(e -> !"BUNDLE_PUBLISHED".equals(e.get("type"))
                && !"KEY_CREATED".equals(e.get("type"))).count() >= 14);
        Map<String, List<String>> reasonsByType = new HashMap<>();
        for (Map<String, Object> e : entries) {
            reasonsByType.computeIfAbsent((String) e.get("type"), t -> new ArrayList<>()).add((String) e.get("reason"));
            assertEquals("acme", e.get("tenant"));
        }
        assertEquals(List.of("BAD_ENVELOPE", "UNKNOWN_KEY_VERSION", "BAD_CIPHERTEXT", "BAD_CIPHERTEXT", "BAD_CIPHERTEXT", "BAD_CIPHERTEXT"),
                reasonsByType.get("DECRYPTION_FAILED"));
        assertEquals(List.of("MANIFEST_NOT_OPENED", "MANIFEST_NOT_OPENED"), reasonsByType.get("MANIFEST_REFUSED"));
        assertEquals(List.of("TENANT_MISMATCH", "BATCH_FORGED", "BATCH_FORGED", "BATCH_FORGED", "SCORE_OUT_OF_RANGE", "BATCH_REPLAYED"),
                reasonsByType.get("TAMPER_DETECTED"));
        assertTrue(reasonsByType.containsKey("BUNDLE_PUBLISHED") && reasonsByType.containsKey("KEY_CREATED"), reasonsByType.keySet().toString());
        admin().queryParam("type", "TAMPER_DETECTED").queryParam("limit", 1).get("/audit").then().statusCode(200)
                .body("entries", hasSize(1)).body("entries[0].reason", equalTo("BATCH_REPLAYED"));
        problem(admin().queryParam("limit", 0).get("/audit").then(), 400, "urn:umbra:problem:invalid-request", "limit is 1 to", "/audit");

        // ---- the logs of this run never show the secret key ----------------------------------------
        Path keysDir = FreshKeyDirectory.DIR;
        byte[] secret = KeyEncryptionKey.localKeyset(keysDir.resolve(TenantKeyStore.KEK_FILE))
                .unwrap(Files.readAllBytes(keysDir.resolve("v1").resolve(TenantKeyStore.SECRET_KEY_FILE)),
                        TenantKeyStore.secretKeyContext(ACME, 1));
        String log = Files.readString(Path.of("target/key-service-test.log"));
        assertTrue(log.contains("signed bundle of key version 1"), "the log file is the one this run writes");
        for (int start : new int[] {200, 1001, 4002, 20003, secret.length - 64}) {
            for (int shift = 0; shift < 3; shift++) {
                byte[] window = Arrays.copyOfRange(secret, start + shift, start + shift + 30);
                assertFalse(log.contains(Base64.getEncoder().encodeToString(window)), "secret key bytes (Base64) in the log");
                assertFalse(log.contains(Base64.getUrlEncoder().encodeToString(window)), "secret key bytes (Base64url) in the log");
                assertFalse(log.toLowerCase().contains(HexFormat.of().formatHex(window)), "secret key bytes (hex) in the log");
            }
        }
    }

    @Test
    @Order(2)
    void rotatesWithoutAGapAndDestroysTheOldVersionAfterTheRetention() throws Exception {
        PublicBundle v1 = signedBundle(1).bundle();
        admin().post("/keys/rotate").then().statusCode(201)
                .body("previousVersion", equalTo(1)).body("currentVersion", equalTo(2));
        SignedBundle v2Signed = signedBundle(2);
        BundleVerifier.fromKeyset(Files.readString(FreshKeyDirectory.DIR.resolve(BundleSigningKey.VERIFICATION_FILE)))
                .verify(v2Signed.signature(), v2Signed.signedContent());
        PublicBundle v2 = v2Signed.bundle();
        assertFalse(Arrays.equals(v1.sealPublicKey(), v2.sealPublicKey()), "a new key pair");

        // a batch under v1 that was in flight during the rotation, and one under v2: both decrypt
        int before = readUntil("acme.scores", l -> false, Duration.ofMillis(300)).size();
        Batch old = batch(UUID.randomUUID(), 1, "old", new double[] {1.25});
        Batch neu = batch(UUID.randomUUID(), 2, "new", new double[] {-2.5});
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("acme.score.results", new byte[1], resultUnder(v1, old, new double[] {1.25}))).get();
            producer.send(new ProducerRecord<>("acme.score.results", new byte[1], resultUnder(v2, neu, new double[] {-2.5}))).get();
        }
        List<ConsumerRecord<byte[], byte[]>> scored = readUntil("acme.scores", l -> l.size() >= before + 2, Duration.ofSeconds(60));
        Map<String, Double> logits = new HashMap<>();
        scored.subList(before, scored.size()).forEach(r -> logits.put(Score.fromJson(r.value()).transactionId(), Score.fromJson(r.value()).logit()));
        assertEquals(1.25, logits.get("tx-old-0"), 0.0, "1.25 is a multiple of 2^-8: published exactly");
        assertEquals(-2.5, logits.get("tx-new-0"), 0.0);

        // the retention (test profile: a few seconds) passes: v1 is destroyed, its bundle withdrawn, audited
        List<Map<String, Object>> entries = awaitAudit(l -> l.stream().anyMatch(e -> "KEY_DESTROYED".equals(e.get("type"))));
        assertTrue(entries.stream().anyMatch(e -> "KEY_ROTATED".equals(e.get("type")) && Integer.valueOf(2).equals(e.get("keyVersion"))));
        assertTrue(entries.stream().anyMatch(e -> "KEY_DESTROYED".equals(e.get("type")) && Integer.valueOf(1).equals(e.get("keyVersion"))));
        assertFalse(Files.exists(FreshKeyDirectory.DIR.resolve("v1")), "v1's wrapped secret files are gone");
        assertTrue(Files.exists(FreshKeyDirectory.DIR.resolve("v2").resolve(TenantKeyStore.SECRET_KEY_FILE)));
        Predicate<ConsumerRecord<byte[], byte[]>> withdrawal = r -> "acme/v1".equals(new String(r.key(), StandardCharsets.US_ASCII))
                && r.value() != null && io.umbra.events.envelope.EnvelopeFormat.kindOf(r.value())
                == io.umbra.events.envelope.EnvelopeFormat.KIND_SIGNED_WITHDRAWAL;
        List<ConsumerRecord<byte[], byte[]>> keys = readUntil(Topics.PUBLIC_KEYS, l -> l.stream().anyMatch(withdrawal), Duration.ofSeconds(30));
        ConsumerRecord<byte[], byte[]> w = keys.stream().filter(withdrawal).findFirst().orElseThrow(() -> new AssertionError(
                "a signed withdrawal withdraws v1's bundle"));
        io.umbra.events.envelope.SignedWithdrawal sw = io.umbra.events.envelope.SignedWithdrawal.decode(w.value());
        BundleVerifier.fromKeyset(Files.readString(FreshKeyDirectory.DIR.resolve(BundleSigningKey.VERIFICATION_FILE)))
                .verify(sw.signature(), sw.signedContent());
        assertEquals(1, sw.keyVersion());
        admin().get("/keys").then().statusCode(200).body("currentVersion", equalTo(2)).body("versions", hasSize(1));

        // a v1 result arriving after the destruction can no longer be decrypted: dead-lettered, audited
        int deadBefore = readUntil("acme.decrypt.dlq", l -> false, Duration.ofMillis(300)).size();
        Batch late = batch(UUID.randomUUID(), 1, "late", new double[] {0.5});
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("acme.score.results", new byte[1], resultUnder(v1, late, new double[] {0.5}))).get();
        }
        List<ConsumerRecord<byte[], byte[]>> dead = readUntil("acme.decrypt.dlq", l -> l.size() > deadBefore, Duration.ofSeconds(30));
        assertEquals("UNKNOWN_KEY_VERSION", header(dead.get(dead.size() - 1), DeadLetter.HEADER_REASON));
    }

    @Test
    @Order(3)
    void keyOperationsNeedAnAdminOfThisTenant() {
        for (String path : List.of("/keys", "/keys/verification-key", "/audit")) {
            problem(RestAssured.given().get(path).then(), 401, "urn:umbra:problem:no-token", "no bearer token", path)
                    .header("WWW-Authenticate", equalTo("Bearer"));
            problem(RestAssured.given().header("Authorization", "Bearer not-a-jwt").get(path).then(), 401,
                    "urn:umbra:problem:invalid-token", "token not accepted", path)
                    .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
            problem(RestAssured.given().header("Authorization", AdminTokens.bearer("acme", io.umbra.auth.Roles.ANALYST)).get(path).then(),
                    403, "urn:umbra:problem:missing-role", "role admin required", path);
            problem(RestAssured.given().header("Authorization", AdminTokens.bearer("bravo", io.umbra.auth.Roles.ADMIN)).get(path).then(),
                    403, "urn:umbra:problem:wrong-tenant", "token issued for tenant bravo, this is acme", path);
        }
        problem(admin().get("/keys/no-such-thing").then(), 404, "urn:umbra:problem:not-found", "no such resource", "/keys/no-such-thing");
        RestAssured.given().post("/keys/rotate").then().statusCode(401);
        RestAssured.given().header("Authorization", AdminTokens.bearer("bravo", io.umbra.auth.Roles.ADMIN)).post("/keys/rotate")
                .then().statusCode(403);
        RestAssured.given().header("Authorization", AdminTokens.bearer("acme", io.umbra.auth.Roles.ANALYST)).post("/keys/rotate")
                .then().statusCode(403);
        admin().get("/keys").then().statusCode(200).body("currentVersion", equalTo(2)); // no refused call rotated anything
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(3)
    void theOpenApiDocumentNamesEveryKeyOperationItsTokenAndItsProblemBodies() {
        var doc = RestAssured.given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("Umbra key-service"))
                .body("components.schemas.Problem.properties.detail.type", equalTo("string"));
        for (String op : List.of("'/keys'.get", "'/keys/rotate'.post", "'/keys/signing/rotate'.post", "'/keys/signing'.get",
                "'/keys/verification-key'.get", "'/audit'.get")) {
            doc.body("paths." + op + ".summary", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()))
                    .body("paths." + op + ".security[0].bearer", org.hamcrest.Matchers.notNullValue())
                    .body("paths." + op + ".responses.'401'.content.'application/problem+json'.schema.$ref",
                            equalTo("#/components/schemas/Problem"))
                    .body("paths." + op + ".responses.'403'.content.'application/problem+json'.schema.$ref",
                            equalTo("#/components/schemas/Problem"));
        }
        doc.body("paths.'/keys/signing/rotate'.post.responses.'409'.content.'application/problem+json'", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/keys'.get.responses.'200'.content.'application/json'.schema", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    @Order(4)
    void rotatesTheBundleSigningKeyWithAnOverlapAndFollowsARePinnedBatchKey() throws Exception {
        Path verificationFile = FreshKeyDirectory.DIR.resolve(BundleSigningKey.VERIFICATION_FILE);
        BundleVerifier pinnedBefore = BundleVerifier.fromKeyset(Files.readString(verificationFile));
        SignedBundle byOldKey = signedBundle(2);
        pinnedBefore.verify(byOldKey.signature(), byOldKey.signedContent());
        problem(admin().post("/keys/signing/rotate?phase=sideways").then(), 400, "urn:umbra:problem:invalid-request", "", "/keys/signing/rotate");
        RestAssured.given().header("Authorization", AdminTokens.bearer("acme", io.umbra.auth.Roles.ANALYST))
                .post("/keys/signing/rotate?phase=add").then().statusCode(403);

        // add: a second key, not signing yet; the public keyset to re-pin holds both and is written beside the keys
        String windowKeyset = admin().post("/keys/signing/rotate?phase=add").then().statusCode(200)
                .body("keyIds", hasSize(2)).body("tenant", equalTo("acme")).body("key", equalTo("bundle"))
                .extract().jsonPath().getString("keyset");
        assertEquals(windowKeyset, Files.readString(verificationFile));
        BundleVerifier window = BundleVerifier.fromKeyset(windowKeyset);
        assertTrue(window.sharesAKeyWith(pinnedBefore));
        admin().post("/keys/signing/rotate?phase=add").then().statusCode(409); // one rotation at a time
        admin().post("/keys/signing/rotate?phase=retire").then().statusCode(409); // nothing promoted yet

        // promote inside the overlap window (test profile: an hour) is refused, and nothing is re-signed
        problem(admin().post("/keys/signing/rotate?phase=promote").then(), 409, "urn:umbra:problem:conflict", "--force",
                "/keys/signing/rotate");
        admin().get("/keys/signing").then().statusCode(200).body("keyIds", hasSize(2))
                .body("primaryKeyId", not(equalTo(admin().get("/keys/signing").jsonPath().getString("newKeyId"))));

        // forced: the new key signs, every live bundle is re-signed at once; the window keyset verifies it, the old pin does not
        admin().post("/keys/signing/rotate?phase=promote&force=true").then().statusCode(200).body("bundlesRepublished", equalTo(true));
        SignedBundle byNewKey = latestBundle(2, r -> !pinnedBefore.verifies(r.signature(), r.signedContent()));
        window.verify(byNewKey.signature(), byNewKey.signedContent());
        window.verify(byOldKey.signature(), byOldKey.signedContent());

        // retire: only the new key is left; the keyset to pin now refuses what the old key signed
        String afterKeyset = admin().post("/keys/signing/rotate?phase=retire").then().statusCode(200).body("keyIds", hasSize(1))
                .extract().jsonPath().getString("keyset");
        BundleVerifier after = BundleVerifier.fromKeyset(afterKeyset);
        after.verify(byNewKey.signature(), byNewKey.signedContent());
        assertFalse(after.verifies(byOldKey.signature(), byOldKey.signedContent()), "the retired key's signature is refused");
        assertTrue(after.sharesAKeyWith(window) && !after.sharesAKeyWith(pinnedBefore));
        admin().get("/keys/verification-key").then().statusCode(200).body("keyset", equalTo(afterKeyset));
        List<Map<String, Object>> audit = awaitAudit(l -> l.stream().filter(e -> "SIGNING_KEY_ROTATED".equals(e.get("type"))).count() >= 3);
        assertTrue(audit.stream().anyMatch(e -> "SIGNING_KEY_ROTATED".equals(e.get("type")) && String.valueOf(e.get("detail")).contains("forced")));

        // the batch-signing key rotates at the encrypt-service; the key-service follows each re-pin of its file without a restart
        PublicBundle v2 = byNewKey.bundle();
        io.umbra.crypto.BatchSigningKey oldSigner = PinnedBatchKey.signer();
        KeyEncryptionKey batchKek = KeyEncryptionKey.localKeyset(PinnedBatchKey.DIR.resolve("kek.keyset"));
        io.umbra.crypto.BatchSigningKey.rotate(PinnedBatchKey.DIR, "acme", batchKek, io.umbra.crypto.SigningKeyset.Phase.ADD, Instant.now(),
                Duration.ZERO, false);
        PinnedBatchKey.pin();
        io.umbra.crypto.BatchSigningKey.rotate(PinnedBatchKey.DIR, "acme", batchKek, io.umbra.crypto.SigningKeyset.Phase.PROMOTE, Instant.now(),
                Duration.ZERO, false);
        io.umbra.crypto.BatchSigningKey newSigner = PinnedBatchKey.signer();
        assertTrue(newSigner.primaryKeyId() != oldSigner.primaryKeyId());
        int before = readUntil("acme.scores", l -> false, Duration.ofMillis(300)).size();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("acme.score.results", new byte[1], resultUnder(v2, oldSigner, batch(UUID.randomUUID(), 2,
                    "sig-old", new double[] {0.5}), new double[] {0.5}))).get();
            producer.send(new ProducerRecord<>("acme.score.results", new byte[1], resultUnder(v2, newSigner, batch(UUID.randomUUID(), 2,
                    "sig-new", new double[] {0.75}), new double[] {0.75}))).get();
        }
        List<ConsumerRecord<byte[], byte[]>> scored = readUntil("acme.scores", l -> l.size() >= before + 2, Duration.ofSeconds(60));
        List<String> ids = scored.subList(before, scored.size()).stream().map(r -> Score.fromJson(r.value()).transactionId()).toList();
        assertEquals(List.of("tx-sig-old-0", "tx-sig-new-0"), ids, "in the window both batch keys' signatures are accepted");

        io.umbra.crypto.BatchSigningKey.rotate(PinnedBatchKey.DIR, "acme", batchKek, io.umbra.crypto.SigningKeyset.Phase.RETIRE, Instant.now(),
                Duration.ZERO, false);
        PinnedBatchKey.pin();
        int deadBefore = readUntil("acme.decrypt.dlq", l -> false, Duration.ofMillis(300)).size();
        int scoredBefore = readUntil("acme.scores", l -> false, Duration.ofMillis(300)).size();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("acme.score.results", new byte[1], resultUnder(v2, oldSigner, batch(UUID.randomUUID(), 2,
                    "sig-retired", new double[] {0.5}), new double[] {0.5}))).get();
            producer.send(new ProducerRecord<>("acme.score.results", new byte[1], resultUnder(v2, newSigner, batch(UUID.randomUUID(), 2,
                    "sig-after", new double[] {0.25}), new double[] {0.25}))).get();
        }
        List<ConsumerRecord<byte[], byte[]>> dead = readUntil("acme.decrypt.dlq", l -> l.size() > deadBefore, Duration.ofSeconds(60));
        assertEquals("BATCH_FORGED", header(dead.get(dead.size() - 1), DeadLetter.HEADER_REASON), "the retired batch key is refused");
        List<ConsumerRecord<byte[], byte[]>> scoredAfter = readUntil("acme.scores", l -> l.size() > scoredBefore, Duration.ofSeconds(60));
        assertEquals(List.of("tx-sig-after-0"), scoredAfter.subList(scoredBefore, scoredAfter.size()).stream()
                .map(r -> Score.fromJson(r.value()).transactionId()).toList());
    }

    @Test
    @Order(5)
    void aFencedDecryptLoopSaysSoInReadinessAndLivenessSoThePodIsRestarted() throws Exception {
        awaitReady();
        int scoresBefore = committedNow("acme.scores").size();
        int dlqBefore = committedNow("acme.decrypt.dlq").size();
        // a second incarnation with the same instance id (a pod rescheduled while the old one still runs) takes the
        // transactional id over; the old one's next transaction is fenced and it stops instead of writing beside it
        try (KafkaProducer<byte[], byte[]> newer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "acme.key-service-test-1"), new ByteArraySerializer(), new ByteArraySerializer());
             KafkaProducer<byte[], byte[]> p = producer()) {
            newer.initTransactions();
            // any result makes the loop open a transaction (this one would be dead-lettered as malformed)
            p.send(new ProducerRecord<>("acme.score.results", "after-fencing".getBytes(StandardCharsets.UTF_8),
                    "not a result".getBytes(StandardCharsets.UTF_8))).get();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (RestAssured.given().get("/q/health/live").statusCode() != 503) {
                if (System.nanoTime() > deadline) {
                    fail("liveness not DOWN within 60 s of the fencing: " + RestAssured.given().get("/q/health/live").asString());
                }
                Thread.sleep(200);
            }
            String live = RestAssured.given().get("/q/health/live").asString();
            assertTrue(live.contains("\"fenced\": \"another incarnation with this instance id took over"), live);
            String ready = RestAssured.given().get("/q/health/ready").asString();
            assertEquals(503, RestAssured.given().get("/q/health/ready").statusCode(), ready);
            assertTrue(ready.contains("\"fenced\""), ready);
        }
        assertEquals(scoresBefore, committedNow("acme.scores").size(), "the fenced incarnation committed no score");
        assertEquals(dlqBefore, committedNow("acme.decrypt.dlq").size(), "nor a dead letter");
    }

    /** Every committed record of partition 0 of {@code topic} now, read to its end. */
    private static List<ConsumerRecord<byte[], byte[]>> committedNow(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The latest bundle of {@code version} on the public-key topic once one matching {@code wanted} is there. */
    private static SignedBundle latestBundle(int version, Predicate<SignedBundle> wanted) {
        String key = "acme/v" + version;
        Predicate<ConsumerRecord<byte[], byte[]>> ofVersion = r -> key.equals(new String(r.key(), StandardCharsets.US_ASCII)) && r.value() != null
                && io.umbra.events.envelope.EnvelopeFormat.kindOf(r.value()) != io.umbra.events.envelope.EnvelopeFormat.KIND_SIGNED_WITHDRAWAL;
        List<ConsumerRecord<byte[], byte[]>> all = readUntil(Topics.PUBLIC_KEYS, l -> l.stream().filter(ofVersion)
                .anyMatch(r -> wanted.test(SignedBundle.decode(r.value()))), Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> mine = all.stream().filter(ofVersion).toList();
        assertFalse(mine.isEmpty(), "a bundle under " + key);
        SignedBundle last = SignedBundle.decode(mine.get(mine.size() - 1).value());
        assertTrue(wanted.test(last), "the latest bundle under " + key + " is the one wanted");
        return last;
    }

    private static byte[] resultUnder(PublicBundle bundle, io.umbra.crypto.BatchSigningKey signer, Batch batch, double[] logits)
            throws java.security.GeneralSecurityException {
        CkksContext ctx = CkksContext.create(Seal.loadParameters(bundle.sealParameters()));
        Encryptor encryptor = new Encryptor(ctx, Seal.loadPublicKey(ctx, bundle.sealPublicKey()));
        byte[] ct = lastLevel(ctx, encryptor, new CkksEncoder(ctx), logits);
        return resultSignedBy(signer, ACME, batch.batchId, bundle.keyVersion(), logits.length, ct,
                new ManifestSealer(bundle.hpkePublicKeyset()).seal(batch.manifest));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** An RFC 9457 body: media type, type, status, a title, a detail containing {@code reason}, the path as instance. */
    private static io.restassured.response.ValidatableResponse problem(io.restassured.response.ValidatableResponse r, int status,
                                                                       String type, String reason, String instance) {
        return r.statusCode(status).contentType(org.hamcrest.Matchers.startsWith("application/problem+json"))
                .body("type", equalTo(type)).body("status", equalTo(status)).body("title", not(emptyOrNullString()))
                .body("detail", containsString(reason)).body("instance", equalTo(instance))
                .body(not(containsString("Exception")));
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return RestAssured.given().header("Authorization", AdminTokens.acmeAdmin());
    }

    /** The latest signed bundle of {@code version} on the public-key topic. */
    private static SignedBundle signedBundle(int version) {
        String key = "acme/v" + version;
        List<ConsumerRecord<byte[], byte[]>> all = readUntil(Topics.PUBLIC_KEYS, l -> l.stream()
                .anyMatch(r -> key.equals(new String(r.key(), StandardCharsets.US_ASCII)) && r.value() != null), Duration.ofSeconds(30));
        ConsumerRecord<byte[], byte[]> last = null;
        for (ConsumerRecord<byte[], byte[]> r : all) {
            if (key.equals(new String(r.key(), StandardCharsets.US_ASCII)) && r.value() != null) {
                last = r;
            }
        }
        assertTrue(last != null, "a bundle under " + key);
        return SignedBundle.decode(last.value());
    }

    /** A ScoreResult of {@code batch} under {@code bundle}'s keys, as the encrypt-service and the pool would make it. */
    private static byte[] resultUnder(PublicBundle bundle, Batch batch, double[] logits) throws java.security.GeneralSecurityException {
        CkksContext ctx = CkksContext.create(Seal.loadParameters(bundle.sealParameters()));
        Encryptor encryptor = new Encryptor(ctx, Seal.loadPublicKey(ctx, bundle.sealPublicKey()));
        byte[] ct = lastLevel(ctx, encryptor, new CkksEncoder(ctx), logits);
        return result(ACME, batch.batchId, bundle.keyVersion(), logits.length, ct, new ManifestSealer(bundle.hpkePublicKeyset()).seal(batch.manifest));
    }

    private static List<Map<String, Object>> awaitAudit(Predicate<List<Map<String, Object>>> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<Map<String, Object>> entries = admin().queryParam("limit", 500).get("/audit").then().statusCode(200)
                    .extract().jsonPath().getList("entries");
            if (done.test(entries)) {
                return entries;
            }
            if (System.nanoTime() > deadline) {
                fail("the audit trail did not get there within 60 s: " + entries);
            }
            Thread.sleep(500);
        }
    }

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

    /** A result of a batch the encrypt-service signed (with the key pinned at the service under test). */
    private static byte[] result(TenantId tenant, UUID batchId, int keyVersion, int slots, byte[] ciphertext, SealedManifest manifest) {
        return resultSignedBy(PinnedBatchKey.signer(), tenant, batchId, keyVersion, slots, ciphertext, manifest);
    }

    private static byte[] resultSignedBy(io.umbra.crypto.BatchSigningKey key, TenantId tenant, UUID batchId, int keyVersion, int slots,
                                         byte[] ciphertext, SealedManifest manifest) {
        BatchHeader header = new BatchHeader(tenant, batchId, keyVersion, slots, 1);
        byte[] digest = new byte[io.umbra.events.envelope.BatchSignature.DIGEST_BYTES];
        Arrays.fill(digest, (byte) 0x5A); // the request's feature columns, which the key-service never sees
        return new ScoreResult(header, CREATED, "logreg-fraud", 4, SCORED.minusMillis(50), SCORED, List.of(ciphertext), manifest, digest,
                PinnedBatchKey.sign(key, header, CREATED, digest, manifest)).encode();
    }

    private static byte[] unsignedResult(UUID batchId, int slots, byte[] ciphertext, SealedManifest manifest) {
        return new ScoreResult(new BatchHeader(ACME, batchId, 1, slots, 1), CREATED, "logreg-fraud", 4, SCORED.minusMillis(50), SCORED,
                List.of(ciphertext), manifest).encode();
    }

    /** The same result with the request's creation time moved by a second: the signature no longer covers it. */
    private static byte[] alterTime(byte[] encoded) {
        ScoreResult r = ScoreResult.decode(encoded);
        return new ScoreResult(r.header(), r.requestCreatedAt().plusSeconds(1), r.modelId(), r.modelVersion(), r.scoringStartedAt(),
                r.scoredAt(), r.scoreCiphertexts(), r.manifest(), r.requestCiphertextDigest(), r.batchSignature()).encode();
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
