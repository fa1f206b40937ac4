package io.umbra.pipeline;

import io.umbra.crypto.BatchSigningKey;
import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.crypto.SigningKeyset;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.envelope.EnvelopeFormat;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.events.score.Score;
import io.umbra.local.LocalPipeline;
import io.umbra.local.Service;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import io.umbra.verify.BundleVerifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No gap while the signing keys rotate: one bank's traffic keeps flowing through the packaged services while
 * its bundle-signing key goes add → promote → retire (through the key-service's API, re-pinned by the local
 * run as an operator would) and then its batch-signing key does the same in the encrypt-service's directory.
 * Every transaction is scored exactly once; nothing is dead-lettered; the encrypt-service and the pool refuse
 * no bundle during it; after the rotation the bundles verify only under the new key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SigningKeyRotationPipelineTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Duration WAIT = Duration.ofMinutes(3);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalPipeline pipeline;
    private TopicCollector collector;
    private KafkaProducer<byte[], byte[]> producer;
    private final Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private Thread traffic;

    @BeforeAll
    void start() throws Exception {
        Path root = Path.of(System.getProperty("umbra.repository.root", "..")).toAbsolutePath().normalize();
        Path run = root.resolve("pipeline-tests/target/signing-rotation-run");
        io.umbra.files.SecretFiles.deleteRecursively(run);
        pipeline = LocalPipeline.builder()
                .repositoryRoot(root)
                .tenants(List.of(ACME))
                .runDirectory(run)
                .basePort(18680)
                .readyTimeout(Duration.ofMinutes(4))
                // short enough to wait for here, long enough that the first promote comes too early
                .env(Service.KEY, "UMBRA_ROTATION_SIGNING_OVERLAP", "PT10S")
                .progress(line -> System.out.println("[signing-rotation] " + line))
                .start();
        collector = new TopicCollector(pipeline.bootstrapServers(), List.of(Topics.name(ACME, TopicKind.SCORES),
                Topics.name(ACME, TopicKind.SCORE_DLQ), Topics.name(ACME, TopicKind.DECRYPT_DLQ), Topics.name(ACME, TopicKind.ENCRYPT_DLQ),
                Topics.PUBLIC_KEYS));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
        // steady traffic, about 100 transactions a second, for the whole rotation
        traffic = new Thread(() -> {
            TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.02), 47);
            Instant at = Instant.now().minusSeconds(3600);
            int i = 0;
            while (sending.get()) {
                for (int j = 0; j < 10; j++, i++) {
                    LabelledTransaction tx = generator.next(at.plusMillis(100L * i));
                    sent.add(tx.transaction().transactionId());
                    producer.send(new ProducerRecord<>(Topics.name(ACME, TopicKind.TX_RAW), tx.key().getBytes(StandardCharsets.UTF_8),
                            tx.payload()));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            producer.flush();
        }, "signing-rotation-traffic");
        traffic.start();
    }

    @AfterAll
    void stop() throws Exception {
        sending.set(false);
        if (traffic != null) {
            traffic.join(10_000);
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (collector != null) {
            collector.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void trafficIsScoredWithoutAGapWhileBothSigningKeysGoAddPromoteRetire() throws Exception {
        Path run = pipeline.runDirectory();
        Path bundlePin = run.resolve("pinned-keys/acme.json");
        Path batchPin = run.resolve("pinned-batch-keys/acme.json");
        String scores = Topics.name(ACME, TopicKind.SCORES);
        awaitMoreScores(scores, 0);
        double encryptRefusedBefore = metric(ACME, Service.ENCRYPT, "umbra_encrypt_bundles_refused_total");
        double poolRefusedBefore = metric(null, Service.HE_SCORING, "umbra_bundles_refused");
        BundleVerifier original = BundleVerifier.fromKeyset(Files.readString(bundlePin));

        // ---- the bundle-signing key, through the key-service's API ---------------------------------
        HttpResponse<String> add = rotateSigning("add");
        assertEquals(200, add.statusCode(), add.body());
        String window = jsonString(add.body(), "keyset");
        awaitFile(bundlePin, window, "the local run re-pins the keyset of the window");
        awaitMoreScores(scores, collector.records(scores).size());
        HttpResponse<String> early = rotateSigning("promote");
        assertEquals(409, early.statusCode(), "promote within the overlap window is refused: " + early.body());
        HttpResponse<String> promoted = early;
        while (promoted.statusCode() == 409) { // the window (10 s) passes; a 409 until then is the answer wanted
            Thread.sleep(1_000);
            promoted = rotateSigning("promote");
        }
        assertEquals(200, promoted.statusCode(), promoted.body());
        assertTrue(promoted.body().contains("\"bundlesRepublished\":true"), promoted.body());
        // the bundle on the topic is now signed by the new key: the original pin alone would refuse it
        SignedBundle resigned = awaitBundle(b -> !original.verifies(b.signature(), b.signedContent()));
        assertTrue(BundleVerifier.fromKeyset(window).verifies(resigned.signature(), resigned.signedContent()));
        awaitMoreScores(scores, collector.records(scores).size());
        HttpResponse<String> retired = rotateSigning("retire");
        assertEquals(200, retired.statusCode(), retired.body());
        String after = jsonString(retired.body(), "keyset");
        awaitFile(bundlePin, after, "the local run re-pins the new key alone");
        BundleVerifier pinnedAfter = BundleVerifier.fromKeyset(after);
        assertEquals(1, pinnedAfter.keyCount());
        assertTrue(pinnedAfter.verifies(resigned.signature(), resigned.signedContent()));
        assertFalse(pinnedAfter.sharesAKeyWith(original), "the original key is gone from the pin");
        awaitMoreScores(scores, collector.records(scores).size());

        // ---- the batch-signing key, in the encrypt-service's directory ------------------------------
        Path batchDir = run.resolve("batch-signing/acme");
        KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(batchDir.resolve("kek.keyset"));
        String batchBefore = Files.readString(batchPin);
        SigningKeyset.State batchAdded = BatchSigningKey.rotate(batchDir, "acme", kek, SigningKeyset.Phase.ADD, Instant.now(), Duration.ZERO, false);
        awaitFile(batchPin, batchAdded.verificationKeyset(), "the batch keyset of the window re-pinned at the key-service");
        BatchSigningKey.rotate(batchDir, "acme", kek, SigningKeyset.Phase.PROMOTE, Instant.now(), Duration.ZERO, false);
        awaitMoreScores(scores, collector.records(scores).size());
        SigningKeyset.State batchRetired = BatchSigningKey.rotate(batchDir, "acme", kek, SigningKeyset.Phase.RETIRE, Instant.now(),
                Duration.ZERO, false);
        awaitFile(batchPin, batchRetired.verificationKeyset(), "the new batch key alone re-pinned");
        assertFalse(BundleVerifier.fromKeyset(batchRetired.verificationKeyset()).sharesAKeyWith(BundleVerifier.fromKeyset(batchBefore)));
        awaitMoreScores(scores, collector.records(scores).size());

        // ---- stop the traffic: every transaction scored once, nothing refused anywhere --------------
        sending.set(false);
        traffic.join(10_000);
        Set<String> expected = Set.copyOf(sent);
        collector.await(scores, l -> ids(l).containsAll(expected), WAIT, expected.size() + " scores");
        Thread.sleep(2_000); // a duplicate would arrive right behind
        List<ConsumerRecord<byte[], byte[]>> all = collector.records(scores);
        Set<String> scored = ids(all);
        assertEquals(expected, scored, "every transaction scored");
        assertEquals(expected.size(), all.size(), "and each once");
        for (TopicKind dlq : List.of(TopicKind.ENCRYPT_DLQ, TopicKind.SCORE_DLQ, TopicKind.DECRYPT_DLQ)) {
            assertEquals(List.of(), collector.records(Topics.name(ACME, dlq)), "nothing dead-lettered on " + dlq);
        }
        assertEquals(encryptRefusedBefore, metric(ACME, Service.ENCRYPT, "umbra_encrypt_bundles_refused_total"),
                "the encrypt-service refused no bundle during the rotation");
        assertEquals(poolRefusedBefore, metric(null, Service.HE_SCORING, "umbra_bundles_refused"), "nor did the pool");
        String audit = get(pipeline.httpPort(ACME, Service.KEY), "/audit?type=SIGNING_KEY_ROTATED").body();
        assertEquals(3, audit.split("\"SIGNING_KEY_ROTATED\"", -1).length - 1, audit);
        System.out.printf("[signing-rotation] %d transactions scored once while both signing keys rotated%n", scored.size());
    }

    private static Set<String> ids(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(Score.fromJson(r.value()).transactionId()));
        return ids;
    }

    /** Waits until at least 100 more scores than {@code before} have arrived: traffic flows at this step. */
    private void awaitMoreScores(String scores, int before) throws InterruptedException {
        collector.await(scores, l -> l.size() >= before + 100, WAIT, "100 more scores after " + before);
    }

    private SignedBundle awaitBundle(Predicate<SignedBundle> wanted) throws InterruptedException {
        List<ConsumerRecord<byte[], byte[]>> records = collector.await(Topics.PUBLIC_KEYS, l -> l.stream().anyMatch(r -> isBundle(r)
                && wanted.test(SignedBundle.decode(r.value()))), WAIT, "a bundle signed by the new key");
        return records.stream().filter(r -> isBundle(r) && wanted.test(SignedBundle.decode(r.value()))).map(r -> SignedBundle.decode(r.value()))
                .findFirst().orElseThrow();
    }

    private static boolean isBundle(ConsumerRecord<byte[], byte[]> r) {
        return r.value() != null && new String(r.key(), StandardCharsets.US_ASCII).startsWith("acme/")
                && EnvelopeFormat.kindOf(r.value()) != EnvelopeFormat.KIND_SIGNED_WITHDRAWAL;
    }

    private static void awaitFile(Path file, String content, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (Files.exists(file) && Files.readString(file).equals(content)) {
                    return;
                }
            } catch (java.io.IOException e) {
                // mid-replacement: look again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what + " (" + file + ")");
            }
            Thread.sleep(200);
        }
    }

    private HttpResponse<String> rotateSigning(String phase) throws Exception {
        URI uri = URI.create("http://localhost:" + pipeline.httpPort(ACME, Service.KEY) + "/keys/signing/rotate?phase=" + phase);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + pipeline.credentials().adminBearer(ACME)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + pipeline.credentials().adminBearer(ACME)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of a metric's samples on a service's management interface (0 if it has none yet). */
    private double metric(TenantId tenant, Service service, String name) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + pipeline.managementPort(tenant, service) + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    private static String jsonString(String json, String field) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get(field).asText();
    }
}
