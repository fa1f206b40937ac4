package io.umbra.scoring;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.umbra.events.DeadLetter;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.envelope.ScoreResult;
import io.umbra.he.backend.Backends;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.kafka.local.KafkaLocalTestResource;
import io.umbra.kafka.local.TopicSpec;
import io.umbra.model.LogisticModel;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool on a real broker with the real engine: this test plays two banks (keys, bundles,
 * encryption, decryption) and checks what a bank would check on its results and dead letters.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics", value =
        "umbra.keys.public:1:compact,"
        + "acme.score.requests:2:max.message.bytes=8454144,acme.score.results:2:max.message.bytes=8454144,"
        + "acme.score.dlq:1:max.message.bytes=8454144,"
        + "bravo.score.requests:1:max.message.bytes=8454144,bravo.score.results:1:max.message.bytes=8454144,"
        + "bravo.score.dlq:1:max.message.bytes=8454144"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScoringPipelineTest {
    private static final LogisticModel MODEL = LogisticModel.bundled();
    private static final int D = MODEL.schema().dimension();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestBank acme;
    private static TestBank bravo;

    private static synchronized void banksPublished() {
        if (acme == null) {
            acme = new TestBank("acme", 1);
            bravo = new TestBank("bravo", 3);
            send(Topics.PUBLIC_KEYS, 0, acme.bundleKey(), acme.bundle());
            send(Topics.PUBLIC_KEYS, 0, bravo.bundleKey(), bravo.bundle());
        }
    }

    @Test
    @Order(1)
    void scoresEachTenantsBatchUnderItsOwnKeyAndPassesTheManifestThrough() {
        banksPublished();
        double[][] acmeFeatures = TestBank.features(D, 2048, 1);
        double[][] bravoFeatures = TestBank.features(D, 300, 2);
        byte[] acmeManifest = TestBank.randomBytes(5000);
        byte[] bravoManifest = TestBank.randomBytes(700);
        ScoreRequest a = acme.request(acmeFeatures, 2048, 1, 1, acmeManifest);
        ScoreRequest b = bravo.request(bravoFeatures, 300, 3, 1, bravoManifest);
        send(requests(acme), null, a.batchId().toString(), a.encode());
        send(requests(bravo), null, b.batchId().toString(), b.encode());

        assertScored(acme, a, acmeFeatures, acmeManifest, await(results(acme), Set.of(a.batchId().toString())).get(0));
        assertScored(bravo, b, bravoFeatures, bravoManifest, await(results(bravo), Set.of(b.batchId().toString())).get(0));
    }

    @Test
    @Order(2)
    void hostileRequestsAreDeadLetteredWithReasonsAndTheirNeighboursStillScore() {
        banksPublished();
        double[][] features = TestBank.features(D, 100, 3);
        ScoreRequest before = acme.request(features, 100, 1, 1, TestBank.randomBytes(100));
        ScoreRequest after = acme.request(features, 100, 1, 1, TestBank.randomBytes(100));
        ScoreRequest bravosOnAcmesTopic = bravo.request(features, 100, 3, 1, TestBank.randomBytes(100));
        ScoreRequest unknownVersion = acme.request(features, 100, 7, 1, TestBank.randomBytes(100));
        ScoreRequest otherSchema = acme.request(features, 100, 1, 2, TestBank.randomBytes(100));
        List<byte[]> columns = before.ciphertexts();
        byte[] corrupt = acme.uncompressedCiphertext(features[3]);
        Arrays.fill(corrupt, corrupt.length - 8, corrupt.length, (byte) 0xFF); // a coefficient ≥ its prime
        columns.set(3, corrupt);
        ScoreRequest corrupted = new ScoreRequest(before.header(), before.createdAt(), columns, before.manifest());

        String topic = requests(acme);
        String tag = Long.toHexString(System.nanoTime());
        send(topic, 0, before.batchId().toString(), before.encode());
        send(topic, 0, "garbage-" + tag, TestBank.randomBytes(777));
        send(topic, 0, "wrong-tenant-" + tag, bravosOnAcmesTopic.encode());
        send(topic, 0, "unknown-version-" + tag, unknownVersion.encode());
        send(topic, 0, "other-schema-" + tag, otherSchema.encode());
        send(topic, 0, "corrupted-" + tag, corrupted.encode());
        send(topic, 0, after.batchId().toString(), after.encode());

        List<ConsumerRecord<byte[], byte[]>> scored = await(results(acme), Set.of(before.batchId().toString(), after.batchId().toString()));
        for (ConsumerRecord<byte[], byte[]> r : scored) {
            ScoreRequest request = key(r).equals(before.batchId().toString()) ? before : after;
            assertScored(acme, request, features, request.manifest().bytes(), r);
        }
        Map<String, String> expected = Map.of("garbage-" + tag, BatchScorer.BAD_ENVELOPE, "wrong-tenant-" + tag,
                BatchScorer.TENANT_MISMATCH, "unknown-version-" + tag, BatchScorer.UNKNOWN_KEY_VERSION, "other-schema-" + tag,
                BatchScorer.SCHEMA_MISMATCH, "corrupted-" + tag, BatchScorer.BAD_CIPHERTEXT);
        List<ConsumerRecord<byte[], byte[]>> dead = await(Topics.name(acme.tenant, TopicKind.SCORE_DLQ), expected.keySet());
        assertEquals(5, dead.size());
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            DeadLetter letter = DeadLetter.fromHeaders(headers(r));
            assertEquals(expected.get(key(r)), letter.reason(), key(r) + ": " + letter.detail());
            assertEquals("he-scoring-service", letter.service());
            assertEquals(topic, letter.sourceTopic());
            assertTrue(r.value().length > 0 && !letter.payloadOmitted(), "the envelope is kept byte for byte for replay");
        }
        // the refused envelope is the one that was sent, byte for byte
        ConsumerRecord<byte[], byte[]> wrong = dead.stream().filter(r -> key(r).startsWith("wrong-tenant")).findFirst().orElseThrow();
        assertArrayEquals(bravosOnAcmesTopic.encode(), wrong.value());
    }

    @Test
    @Order(3)
    void aTenantWhoseTopicsAppearAfterStartIsScoredWithoutARestart() {
        banksPublished();
        TestBank carol = new TestBank("carol", 1);
        KafkaLocalTestResource.broker().createTopics(
                TopicSpec.of(requests(carol), 1).maxMessageBytes(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES),
                TopicSpec.of(results(carol), 1).maxMessageBytes(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES),
                TopicSpec.of(Topics.name(carol.tenant, TopicKind.SCORE_DLQ), 1).maxMessageBytes(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES));
        send(Topics.PUBLIC_KEYS, 0, carol.bundleKey(), carol.bundle());
        double[][] features = TestBank.features(D, 50, 4);
        byte[] manifest = TestBank.randomBytes(64);
        ScoreRequest request = carol.request(features, 50, 1, 1, manifest);
        send(requests(carol), null, request.batchId().toString(), request.encode());
        assertScored(carol, request, features, manifest, await(results(carol), Set.of(request.batchId().toString())).get(0));
    }

    @Test
    @Order(4)
    void readyAndMetricsCountPerTenantAndReason() {
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("\"status\": \"UP\""));
        given().when().get("/q/health/live").then().statusCode(200);
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("umbra_he_eval_seconds_count"), "HE evaluation timer");
        assertTrue(metrics.contains("umbra_ciphertext_load_seconds_count"), "ciphertext load timer");
        assertTrue(metrics.matches("(?s).*umbra_score_requests_total\\{[^}]*tenant=\"acme\"[^}]*} [1-9].*"), "requests per tenant");
        assertTrue(metrics.matches("(?s).*umbra_score_results_total\\{[^}]*tenant=\"bravo\"[^}]*} [1-9].*"), "results per tenant");
        assertTrue(metrics.matches("(?s).*umbra_score_dlq_total\\{[^}]*reason=\"BAD_CIPHERTEXT\"[^}]*} 1\\.0.*"), "dead letters by reason");
        assertTrue(metrics.matches("(?s).*umbra_bundles_known(\\{[^}]*})? 3\\.0.*"), "three tenants' bundles: " + grep(metrics, "bundles"));
        String backend = Backends.current().name();
        assertTrue(metrics.matches("(?s).*umbra_he_backend\\{[^}]*backend=\"" + backend + "\"[^}]*} 1\\.0.*"),
            "the HE backend on /q/metrics: " + grep(metrics, "umbra_he_backend"));
        // The execution scoring-on-native asks for native: where he-native's build made the library, the pool
        // must really run on it (a quiet fallback to Java would make that run prove nothing).
        String asked = System.getenv("UMBRA_HE_BACKEND");
        if (asked != null && nativeLibraryBuilt()) {
            assertEquals(asked, backend, "the backend the pool runs on");
        }
    }

    @Test
    @Order(5)
    void aFencedPoolSaysSoInReadinessAndLivenessSoThePodIsRestarted() throws Exception {
        banksPublished();
        // a second incarnation with the same instance id (a pod rescheduled while the old one still runs) takes the
        // transactional id over; the old one's next transaction is fenced and it stops instead of writing beside it
        double[][] features = TestBank.features(D, 20, 5);
        ScoreRequest request = acme.request(features, 20, 1, 1, TestBank.randomBytes(64));
        try (KafkaProducer<byte[], byte[]> newer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, ScoringPipeline.GROUP_ID + "-pool-test-1"), new ByteArraySerializer(), new ByteArraySerializer())) {
            newer.initTransactions();
            send(requests(acme), null, request.batchId().toString(), request.encode());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (given().get("/q/health/live").statusCode() != 503) {
                assertTrue(System.nanoTime() < deadline, "liveness DOWN once fenced: " + given().get("/q/health/live").asString());
                Thread.sleep(250);
            }
            String live = given().get("/q/health/live").asString();
            assertTrue(live.contains("\"fenced\": \"another incarnation with this instance id took over"), live);
            String ready = given().get("/q/health/ready").asString();
            assertEquals(503, given().get("/q/health/ready").statusCode(), ready);
            assertTrue(ready.contains("\"fenced\""), ready);
        }
        String id = request.batchId().toString();
        assertTrue(committedKeys(results(acme)).stream().noneMatch(id::equals), "the fenced incarnation committed no result");
        assertTrue(committedKeys(Topics.name(acme.tenant, TopicKind.SCORE_DLQ)).stream().noneMatch(id::equals), "nor a dead letter");
    }

    private static boolean nativeLibraryBuilt() {
        try (var in = Backends.class.getClassLoader().getResourceAsStream("io/umbra/he/jni/build-status.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return "true".equals(p.getProperty("native.built"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    // ---- what a bank checks on a result ----------------------------------------------------------

    private static void assertScored(TestBank bank, ScoreRequest request, double[][] features, byte[] manifest,
                                     ConsumerRecord<byte[], byte[]> record) {
        assertEquals(request.batchId().toString(), key(record), "results are keyed by batch id");
        ScoreResult result = ScoreResult.decode(record.value());
        assertEquals(request.header(), result.header());
        assertEquals(request.createdAt(), result.requestCreatedAt());
        assertEquals(MODEL.modelId(), result.modelId());
        assertEquals(MODEL.version(), result.modelVersion());
        assertArrayEquals(manifest, result.manifest().bytes(), "the sealed manifest passes through byte for byte");
        assertEquals(1, result.scoreCiphertextCount());
        Ciphertext score = bank.load(result.scoreCiphertext(0));
        assertEquals(bank.context.lastData().parmsId(), score.parmsId(), "the score comes back at the last level");
        double[] logits = bank.decrypt(score);
        double worst = 0;
        for (int s = 0; s < request.slotCount(); s++) {
            double[] x = new double[D];
            for (int f = 0; f < D; f++) {
                x[f] = features[f][s];
            }
            worst = Math.max(worst, Math.abs(logits[s] - MODEL.logit(x)));
        }
        assertTrue(worst <= 1e-4, "worst |decrypted − plaintext logit| = " + worst);
        assertTrue(!result.scoredAt().isBefore(result.scoringStartedAt()));
    }

    // ---- Kafka helpers ---------------------------------------------------------------------------

    private static String requests(TestBank bank) {
        return Topics.name(bank.tenant, TopicKind.SCORE_REQUESTS);
    }

    private static String results(TestBank bank) {
        return Topics.name(bank.tenant, TopicKind.SCORE_RESULTS);
    }

    private static void send(String topic, Integer partition, String key, byte[] value) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers());
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new AssertionError("could not produce to " + topic, e);
        }
    }

    /** The committed records of {@code topic} with these keys, read from the beginning; fails after {@link #WAIT}. */
    private static List<ConsumerRecord<byte[], byte[]>> await(String topic, Set<String> keys) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (found.size() < keys.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.key() != null && keys.contains(key(r))) {
                        found.add(r);
                    }
                }
            }
        }
        assertEquals(keys.size(), found.size(), "records on " + topic + " within " + WAIT + ": found " + found.stream().map(r -> key(r)).toList()
                + " of " + keys);
        return found;
    }

    /** The keys of every committed record of {@code topic} now, read to its end. */
    private static List<String> committedKeys(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaLocalTestResource.broker().bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    keys.add(r.key() == null ? null : key(r));
                }
            }
        }
        return keys;
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, byte[]> h = new HashMap<>();
        for (Header header : r.headers()) {
            h.put(header.key(), header.value());
        }
        return h;
    }

    private static String grep(String text, String word) {
        return text.lines().filter(l -> l.contains(word)).toList().toString();
    }
}
