package io.umbra.pipeline;

import io.umbra.events.DeadLetter;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.features.FeatureVector;
import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.score.Alert;
import io.umbra.events.score.Score;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.local.LocalPipeline;
import io.umbra.local.Service;
import io.umbra.local.ServiceProcess;
import io.umbra.model.LogisticModel;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline as {@code ./umbra local} runs it: the embedded broker in this JVM, the five
 * packaged services as child processes (key, ingest, encrypt, alert per tenant; one scoring pool),
 * two tenants. What a bank would check: every transaction scored exactly once, the encrypted score
 * equal to the plaintext model, alerts exactly where the policy says, nothing of one tenant visible
 * to the other, bad input dead-lettered without stopping anything, and a SIGKILLed service losing
 * and doubling nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final List<TenantId> TENANTS = List.of(ACME, GLOBEX);
    /** The alert-service's default policy (docs/PIPELINE.md). */
    private static final double THRESHOLD = 0.9;
    private static final long AMOUNT_RULE_MINOR = 50_000;
    private static final double AMOUNT_RULE_PROBABILITY = 0.5;
    private static final Duration WAIT = Duration.ofMinutes(4);

    private final LogisticModel model = LogisticModel.bundled();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalPipeline pipeline;
    private TopicCollector collector;
    private KafkaProducer<byte[], byte[]> producer;
    /** Every transaction id produced, per tenant, with its label. */
    private final Map<TenantId, Map<String, LabelledTransaction>> produced = new HashMap<>();

    @BeforeAll
    void start() {
        Path root = Path.of(System.getProperty("umbra.repository.root", "..")).toAbsolutePath().normalize();
        Path run = root.resolve("pipeline-tests/target/pipeline-run");
        // a bank's keys outlive a run on purpose; this test counts key versions from 1, so it starts without any
        EmbeddedKafka.deleteRecursively(run);
        pipeline = LocalPipeline.builder()
                .repositoryRoot(root)
                .tenants(TENANTS)
                .runDirectory(run)
                .basePort(18080)
                .readyTimeout(Duration.ofMinutes(4))
                .progress(line -> System.out.println("[pipeline] " + line))
                .start();
        List<String> topics = new ArrayList<>();
        for (TenantId t : TENANTS) {
            for (TopicKind kind : TopicKind.values()) {
                topics.add(Topics.name(t, kind));
            }
            produced.put(t, new LinkedHashMap<>());
        }
        collector = new TopicCollector(pipeline.bootstrapServers(), topics);
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stop() throws Exception {
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

    // ---- 1: 10,000 transactions of two tenants, end to end ----

    @Test
    @Order(1)
    void everyTransactionIsScoredOnceEqualToThePlaintextModelAndAlertedWhereThePolicySays() throws Exception {
        int perTenant = 5_000;
        Map<TenantId, Integer> frauds = new HashMap<>();
        Map<TenantId, TrafficGenerator> generators = new HashMap<>();
        Instant at = Instant.now().minusSeconds(600);
        for (TenantId t : TENANTS) {
            generators.put(t, new TrafficGenerator(TrafficProfile.of(t).withFraudRate(0.01), t.equals(ACME) ? 11 : 22));
        }
        // the first half, then acme rotates its keys while those are still in flight, then the second half
        for (TenantId t : TENANTS) {
            for (int i = 0; i < perTenant / 2; i++) {
                send(t, generators.get(t).next(at.plusMillis(100L * i)));
            }
        }
        producer.flush();
        String scoresOfAcme = Topics.name(ACME, TopicKind.SCORES);
        collector.await(scoresOfAcme, l -> l.size() >= 200, WAIT, "the first acme scores");
        HttpResponse<String> rotation = post(ACME, Service.KEY, "/keys/rotate", pipeline.credentials().adminBearer(ACME));
        assertEquals(201, rotation.statusCode(), rotation.body());
        System.out.println("[pipeline] acme rotated its keys mid-stream: " + rotation.body());
        for (TenantId t : TENANTS) {
            for (int i = perTenant / 2; i < perTenant; i++) {
                send(t, generators.get(t).next(at.plusMillis(100L * i)));
            }
            frauds.put(t, (int) generators.get(t).frauds());
        }
        producer.flush();

        for (TenantId t : TENANTS) {
            Map<String, Score> scores = awaitScores(t, produced.get(t).keySet());
            Map<String, FeatureVector> features = features(t);
            assertEquals(produced.get(t).keySet(), features.keySet(), t + ": one feature vector per valid transaction");

            // the encrypted score equals the plaintext model on the very features ingest computed
            double worst = 0;
            for (Score s : scores.values()) {
                double reference = model.logit(features.get(s.transactionId()).features());
                worst = Math.max(worst, Math.abs(s.logit() - reference));
                assertTrue(PublishedLogits.agrees(s.logit(), reference), t + ": " + s.transactionId() + " published "
                        + s.logit() + ", plaintext model " + reference);
                assertEquals(Score.probabilityOf(s.logit()), s.fraudProbability(), 1e-12);
                assertEquals(model.modelId(), s.modelId());
                assertEquals(t, s.tenant());
            }
            // each logit above is the rounding of one within 1e-4 of the model (PublishedLogits); so at most half a step off
            assertTrue(worst <= PublishedLogits.STEP / 2 + PublishedLogits.HE_TOLERANCE, t + ": worst |Δ logit| " + worst);
            System.out.printf("[pipeline] %s: %d scores, worst |Δ logit| %.3g%n", t, scores.size(), worst);

            // alerts exactly where the policy says, one per transaction
            Set<String> expected = new HashSet<>();
            for (Score s : scores.values()) {
                if (policyAlerts(s)) {
                    expected.add(s.transactionId());
                }
            }
            Map<String, Alert> alerts = awaitAlerts(t, expected);
            assertEquals(expected, alerts.keySet(), t + ": alerts exactly where the policy fires");
            int plantedAlerted = 0;
            for (String id : expected) {
                if (produced.get(t).get(id).isFraud()) {
                    plantedAlerted++;
                }
            }
            System.out.printf("[pipeline] %s: %d alerts, %d of %d planted frauds among them%n", t, alerts.size(), plantedAlerted,
                    frauds.get(t));
        }

        // the rotation lost nothing: batches went out under both versions, every one decrypted (no dead letter)
        Set<Integer> versions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : collector.records(Topics.name(ACME, TopicKind.SCORE_REQUESTS))) {
            versions.add(ScoreRequest.decode(r.value()).keyVersion());
        }
        assertEquals(Set.of(1, 2), versions, "acme's batches before and after the rotation");
        for (TenantId t : TENANTS) {
            assertEquals(List.of(), collector.records(Topics.name(t, TopicKind.DECRYPT_DLQ)).stream().map(r -> deadLetter(r).reason()).toList(),
                    t + ": no failed decryption");
        }
        String acmeKeys = get(ACME, Service.KEY, "/keys", pipeline.credentials().adminBearer(ACME)).body();
        assertTrue(acmeKeys.contains("\"currentVersion\":2"), acmeKeys);
        String audit = get(ACME, Service.KEY, "/audit?type=KEY_ROTATED", pipeline.credentials().adminBearer(ACME)).body();
        assertTrue(audit.contains("KEY_ROTATED") && audit.contains("acme-admin"), "the rotation is in acme's audit trail: " + audit);

        // what an operator watches: every service exports its consumer lag and its own counters
        for (Service s : Service.values()) {
            String metrics = get(ACME, s, "/q/metrics").body();
            assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag"), s + " exports its consumer lag");
            assertTrue(metrics.contains("umbra_"), s + " exports its own metrics");
        }

        // nothing of one tenant on the other's topics or through its API
        assertNoneOf(ACME, GLOBEX);
        assertNoneOf(GLOBEX, ACME);
        String acmeAlert = anyAlertId(ACME);
        if (acmeAlert != null) {
            HttpResponse<String> r = get(GLOBEX, Service.ALERT, "/alerts/" + acmeAlert);
            assertEquals(404, r.statusCode(), "globex's alert API does not serve acme's alert");
            assertEquals(200, get(ACME, Service.ALERT, "/alerts/" + acmeAlert).statusCode());
            // acme's analyst at globex's API is refused before anything is looked up; no token at all is 401
            assertEquals(403, get(GLOBEX, Service.ALERT, "/alerts/" + acmeAlert, pipeline.credentials().analystBearer(ACME)).statusCode());
            assertEquals(401, get(ACME, Service.ALERT, "/alerts/" + acmeAlert, null).statusCode());
            String list = get(GLOBEX, Service.ALERT, "/alerts?limit=500").body();
            for (String id : produced.get(ACME).keySet()) {
                assertFalse(list.contains(id), "globex's alert list names an acme transaction");
            }
        }
    }

    // ---- 2: hostile input on every topic a service reads ----

    @Test
    @Order(2)
    void badInputIsDeadLetteredWithReasonsAndTheRecordsAroundItAreStillScored() throws Exception {
        TenantId t = ACME;
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(t), 33);
        Instant at = Instant.now().minusSeconds(60);
        List<String> valid = new ArrayList<>();
        int dlqBefore = collector.records(Topics.name(t, TopicKind.TX_DLQ)).size();

        LabelledTransaction first = generator.next(at);
        valid.add(send(t, first));
        String raw = Topics.name(t, TopicKind.TX_RAW);
        String okJson = new String(first.payload(), StandardCharsets.UTF_8);
        List<byte[]> hostile = List.of(
                "{\"transactionId\": \"broken".getBytes(StandardCharsets.UTF_8),
                okJson.replace("\"merchantId\"", "\"unusedField\"").replace(first.transaction().transactionId(), "tx-missing-merchant")
                        .getBytes(StandardCharsets.UTF_8),
                okJson.replaceFirst("\"amountMinor\":\\d+", "\"amountMinor\":-500")
                        .replace(first.transaction().transactionId(), "tx-negative").getBytes(StandardCharsets.UTF_8),
                okJson.replaceFirst("\"currency\":\"[A-Z]{3}\"", "\"currency\":\"XYZ\"")
                        .replace(first.transaction().transactionId(), "tx-bad-currency").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xFF, 0x00, 0x13, 0x37, (byte) 0xC3},
                ("{\"pad\":\"" + "x".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        for (byte[] bad : hostile) {
            producer.send(new ProducerRecord<>(raw, "card-hostile".getBytes(StandardCharsets.UTF_8), bad));
        }
        producer.send(new ProducerRecord<>(raw, first.key().getBytes(StandardCharsets.UTF_8), first.payload())); // exact duplicate
        byte[] garbage = "\u0000garbage\u00ff not an event".getBytes(StandardCharsets.UTF_8);
        for (TopicKind kind : List.of(TopicKind.TX_FEATURES, TopicKind.SCORE_REQUESTS, TopicKind.SCORE_RESULTS, TopicKind.SCORES)) {
            producer.send(new ProducerRecord<>(Topics.name(t, kind), "garbage".getBytes(StandardCharsets.UTF_8), garbage));
        }
        producer.send(new ProducerRecord<>(Topics.PUBLIC_KEYS, "nobody".getBytes(StandardCharsets.UTF_8), garbage));
        for (int i = 0; i < 200; i++) {
            valid.add(send(t, generator.next(at.plusMillis(50L * i + 1))));
        }
        producer.flush();

        Map<String, Score> scores = awaitScores(t, Set.copyOf(valid));
        assertEquals(Set.copyOf(valid), scores.keySet(), "every valid record around the bad ones is scored, the duplicate once");

        List<ConsumerRecord<byte[], byte[]>> txDlq = collector.await(Topics.name(t, TopicKind.TX_DLQ),
                l -> l.size() >= dlqBefore + hostile.size(), WAIT, "the six refused raw records");
        Set<String> reasons = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : txDlq.subList(dlqBefore, txDlq.size())) {
            reasons.addAll(List.of(deadLetter(r).reason().split(",")));
        }
        System.out.println("[pipeline] tx.dlq reasons: " + reasons);
        assertTrue(reasons.size() >= 4, "distinct machine-readable reasons for distinct faults: " + reasons);
        for (TopicKind dlq : List.of(TopicKind.ENCRYPT_DLQ, TopicKind.SCORE_DLQ, TopicKind.DECRYPT_DLQ, TopicKind.ALERT_DLQ)) {
            List<ConsumerRecord<byte[], byte[]>> letters = collector.awaitCount(Topics.name(t, dlq), 1, WAIT);
            DeadLetter letter = deadLetter(letters.get(letters.size() - 1));
            assertFalse(letter.reason().isBlank(), dlq + " carries a reason");
        }
        for (ServiceProcess p : pipeline.processes()) {
            assertTrue(p.isAlive(), p.name() + " survived the hostile input");
        }
    }

    // ---- 3: SIGKILL each service mid-stream ----

    @Test
    @Order(3)
    void aServiceKilledMidStreamLosesAndDoublesNothing() throws Exception {
        TenantId t = GLOBEX;
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(t).withFraudRate(0.02), 44);
        Set<String> ids = new HashSet<>();
        Instant at = Instant.now().minusSeconds(120);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread traffic = new Thread(() -> {
            try {
                for (int i = 0; i < 6_000; i++) {
                    ids.add(send(t, generator.next(at.plusMillis(10L * i))));
                    if (i % 100 == 99) {
                        Thread.sleep(100); // ~1,000 tx/s, so every kill lands mid-stream
                    }
                }
                producer.flush();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "crash-test-traffic");
        traffic.start();
        for (Service s : List.of(Service.INGEST, Service.ENCRYPT, Service.HE_SCORING, Service.KEY, Service.ALERT)) {
            Thread.sleep(700);
            ServiceProcess p = pipeline.process(t, s);
            p.kill();
            System.out.println("[pipeline] SIGKILLed " + p.name() + ", restarting");
            p.restart();
            p.awaitReady();
        }
        traffic.join();
        if (failure.get() != null) {
            throw new AssertionError("producing the crash-test traffic failed", failure.get());
        }
        Map<String, Score> scores = awaitScores(t, ids);
        assertEquals(ids, scores.keySet(), "no transaction lost across five SIGKILLs");
        Set<String> expected = new HashSet<>();
        for (Score s : scores.values()) {
            if (policyAlerts(s)) {
                expected.add(s.transactionId());
            }
        }
        Map<String, Alert> alerts = awaitAlerts(t, expected);
        for (String id : ids) {
            assertEquals(expected.contains(id), alerts.containsKey(id), "alert of " + id);
        }
    }

    // ---- helpers ----

    private String send(TenantId t, LabelledTransaction tx) {
        String id = tx.transaction().transactionId();
        synchronized (produced) {
            produced.get(t).put(id, tx);
        }
        producer.send(new ProducerRecord<>(Topics.name(t, TopicKind.TX_RAW), tx.key().getBytes(StandardCharsets.UTF_8), tx.payload()));
        return id;
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
        Map<String, byte[]> headers = new HashMap<>();
        r.headers().forEach(h -> headers.put(h.key(), h.value()));
        return DeadLetter.fromHeaders(headers);
    }

    private static boolean policyAlerts(Score s) {
        return s.fraudProbability() >= THRESHOLD
                || (s.amountMinor() >= AMOUNT_RULE_MINOR && s.fraudProbability() >= AMOUNT_RULE_PROBABILITY);
    }

    /**
     * Waits until every id has a score, then checks none has two (after a short settle, so a late
     * duplicate would show), and returns the scores of {@code ids}.
     */
    private Map<String, Score> awaitScores(TenantId t, Set<String> ids) throws InterruptedException {
        String topic = Topics.name(t, TopicKind.SCORES);
        collector.await(topic, l -> {
            Set<String> seen = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : l) {
                seen.add(new String(r.key(), StandardCharsets.UTF_8));
            }
            return seen.containsAll(ids);
        }, WAIT, ids.size() + " scores of " + t);
        Thread.sleep(2_000);
        Map<String, Score> scores = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : collector.records(topic)) {
            Score s;
            try {
                s = Score.fromJson(r.value());
            } catch (RuntimeException e) {
                continue; // the hostile test's garbage on this topic (the alert-service dead-letters it)
            }
            if (ids.contains(s.transactionId())) {
                Score earlier = scores.put(s.transactionId(), s);
                assertTrue(earlier == null, "transaction " + s.transactionId() + " was scored twice");
            }
        }
        return scores;
    }

    private Map<String, FeatureVector> features(TenantId t) {
        Map<String, FeatureVector> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : collector.records(Topics.name(t, TopicKind.TX_FEATURES))) {
            try {
                FeatureVector v = FeatureVector.fromJson(r.value());
                out.put(v.transactionId(), v);
            } catch (RuntimeException e) {
                // the hostile test's garbage
            }
        }
        return out;
    }

    /** The first (OPEN) alert of each transaction among {@code ids}; fails if one transaction has two alert ids. */
    private Map<String, Alert> awaitAlerts(TenantId t, Set<String> expected) throws InterruptedException {
        String topic = Topics.name(t, TopicKind.ALERTS);
        collector.await(topic, l -> alertsByTransaction(l).keySet().containsAll(expected), WAIT, expected.size() + " alerts of " + t);
        Thread.sleep(3_000);
        return alertsByTransaction(collector.records(topic));
    }

    private static Map<String, Alert> alertsByTransaction(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Alert> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Alert a = Alert.fromJson(r.value());
            Alert earlier = out.putIfAbsent(a.transactionId(), a);
            if (earlier != null && !earlier.alertId().equals(a.alertId())) {
                throw new AssertionError("transaction " + a.transactionId() + " got two alerts: " + earlier.alertId() + " and " + a.alertId());
            }
        }
        return out;
    }

    private String anyAlertId(TenantId t) {
        List<ConsumerRecord<byte[], byte[]>> l = collector.records(Topics.name(t, TopicKind.ALERTS));
        return l.isEmpty() ? null : Alert.fromJson(l.get(0).value()).alertId().toString();
    }

    private static final java.util.regex.Pattern UUID_TEXT =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** No transaction id of {@code owner} (generated ids are UUIDs) appears in a key or value on any topic of {@code other}. */
    private void assertNoneOf(TenantId owner, TenantId other) {
        Set<String> ownIds;
        synchronized (produced) {
            ownIds = Set.copyOf(produced.get(owner).keySet());
        }
        for (TopicKind kind : TopicKind.values()) {
            for (ConsumerRecord<byte[], byte[]> r : collector.records(Topics.name(other, kind))) {
                for (byte[] part : new byte[][] {r.key(), r.value()}) {
                    if (part == null) {
                        continue;
                    }
                    java.util.regex.Matcher m = UUID_TEXT.matcher(new String(part, StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        if (ownIds.contains(m.group())) {
                            throw new AssertionError(owner + "'s transaction " + m.group() + " appears on " + r.topic());
                        }
                    }
                }
            }
        }
    }

    // ---- 4: the logs of the whole run never show a secret ----

    @Test
    @Order(4)
    void noServiceLogOfTheWholeRunContainsSecretKeyMaterial() throws Exception {
        List<Path> logs;
        try (var files = Files.list(pipeline.logDirectory())) {
            logs = files.filter(f -> f.toString().endsWith(".log")).toList();
        }
        assertTrue(logs.size() >= 9, "the logs of every service: " + logs);
        StringBuilder all = new StringBuilder();
        for (Path log : logs) {
            all.append(Files.readString(log, StandardCharsets.ISO_8859_1)).append('\n');
        }
        String text = all.toString();
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        assertTrue(text.contains("signed bundle of key version 2"), "the logs of this run, rotation included, were read");

        List<byte[]> secrets = new ArrayList<>();
        for (TenantId t : TENANTS) {
            Path keys = pipeline.runDirectory().resolve("keys").resolve(t.value());
            KeyEncryptionKey kek = KeyEncryptionKey.localKeyset(keys.resolve("kek.keyset"));
            try (var versions = Files.list(keys)) {
                for (Path v : versions.filter(d -> d.getFileName().toString().matches("v[0-9]+")).toList()) {
                    byte[] wrapped = Files.readAllBytes(v.resolve("secret-key.wrapped"));
                    // the CKKS secret key as the key-service holds it in memory (SEAL's serialization)
                    secrets.add(kek.unwrap(wrapped, (t.value() + "/" + v.getFileName() + "/ckks-secret-key").getBytes(StandardCharsets.US_ASCII)));
                }
            }
            secrets.add(Files.readAllBytes(keys.resolve("kek.keyset")));        // the key-encryption key itself
        }
        secrets.add(Files.readAllBytes(pipeline.runDirectory().resolve("credentials").resolve("jwt-signing.keyset"))); // token signing key
        assertTrue(secrets.size() >= 6, "secret keys of both tenants (acme has two versions), both KEKs, the token key");
        int windows = 0;
        for (byte[] secret : secrets) {
            for (int start = 0; start + 24 <= secret.length; start += Math.max(1, secret.length / 40)) {
                byte[] window = java.util.Arrays.copyOfRange(secret, start, start + 24);
                windows++;
                assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(window).substring(0, 28)), "secret bytes (Base64) in a log");
                assertFalse(text.contains(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(window).substring(0, 28)),
                        "secret bytes (Base64url) in a log");
                assertFalse(lower.contains(java.util.HexFormat.of().formatHex(window)), "secret bytes (hex) in a log");
                assertFalse(text.contains(new String(window, StandardCharsets.ISO_8859_1)), "raw secret bytes in a log");
            }
        }
        System.out.printf("[pipeline] %d log files (%d kB) searched for %d windows of %d secrets: none found%n", logs.size(),
                text.length() / 1024, windows, secrets.size());
    }

    private HttpResponse<String> post(TenantId t, Service s, String path, String bearer) throws Exception {
        // health and metrics answer on the management interface, the APIs on the HTTP port
        int port = path.startsWith("/q/") ? pipeline.managementPort(t, s) : pipeline.httpPort(t, s);
        URI uri = URI.create("http://localhost:" + port + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A GET at tenant {@code t}'s service; the alert API is called with {@code t}'s analyst token from the run. */
    private HttpResponse<String> get(TenantId t, Service s, String path) throws Exception {
        return get(t, s, path, s == Service.ALERT ? pipeline.credentials().analystBearer(t) : null);
    }

    private HttpResponse<String> get(TenantId t, Service s, String path, String bearer) throws Exception {
        // health and metrics answer on the management interface, the APIs on the HTTP port
        int port = path.startsWith("/q/") ? pipeline.managementPort(t, s) : pipeline.httpPort(t, s);
        URI uri = URI.create("http://localhost:" + port + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
