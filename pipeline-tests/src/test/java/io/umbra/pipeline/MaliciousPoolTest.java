package io.umbra.pipeline;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.SignatureConfig;
import io.umbra.crypto.ManifestSealer;
import io.umbra.events.DeadLetter;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.audit.AuditEvent;
import io.umbra.events.envelope.BatchHeader;
import io.umbra.events.envelope.BatchSignature;
import io.umbra.events.envelope.EnvelopeFormat;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.envelope.ScoreResult;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestEntry;
import io.umbra.events.manifest.SealedManifest;
import io.umbra.events.score.Alert;
import io.umbra.events.score.Score;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.serial.Compression;
import io.umbra.he.serial.SaveOptions;
import io.umbra.he.serial.Seal;
import io.umbra.local.LocalPipeline;
import io.umbra.local.Service;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scoring pool as an attacker: a process logged in as exactly the pool's Kafka principal, with
 * exactly its ACLs, on a broker that authorizes every request (as production), next to the genuine
 * pipeline of two banks. It holds what the pool holds, every tenant's public bundle and the encrypted
 * batches, and tries what the pool could try:
 *
 * <ul>
 *   <li>forge a batch: its own manifest (invented transactions, all fraud), sealed to the key-service's
 *       published HPKE key, with a ciphertext of its choosing: unsigned, signed with a key of its own, and
 *       carrying a genuine batch's signature;</li>
 *   <li>flood the replay window with hundreds of made-up batches, then replay a genuine, already scored
 *       batch; restart the key-service and replay it again;</li>
 *   <li>return a genuine batch's result at scale 1, at another level, and of size 3;</li>
 *   <li>write a tombstone and a garbage bundle for the other bank on the shared bundle topic, and write
 *       bank topics it must not write.</li>
 * </ul>
 *
 * Every attempt is refused (by the broker's ACLs, or by the key-service, which dead-letters and audits
 * it), nothing it sent becomes a score or an alert, and both banks' genuine traffic, before and after,
 * is scored exactly once. A tenant's key-service (which may write the shared topic) writing under the
 * other bank's record keys is answered by that bank's key-service publishing its signed bundle again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaliciousPoolTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final List<TenantId> TENANTS = List.of(ACME, GLOBEX);
    private static final int PER_WAVE = 300;
    private static final int FLOOD = 250;
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final SaveOptions WIRE = SaveOptions.of(Compression.ZSTD);

    private LocalPipeline pipeline;

    @BeforeAll
    void start() {
        Path root = Path.of(System.getProperty("umbra.repository.root", "..")).toAbsolutePath().normalize();
        pipeline = LocalPipeline.builder()
                .repositoryRoot(root)
                .tenants(TENANTS)
                .runDirectory(root.resolve("pipeline-tests/target/malicious-pool-run"))
                .basePort(18480)   // PipelineTest 18080, SecurePipelineTest 18280
                .readyTimeout(Duration.ofMinutes(4))
                .kafkaSecurity(true)
                .progress(line -> System.out.println("[malicious] " + line))
                .start();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void theScoringPoolCanNeitherInventNorReplayTransactionsAndCannotKnockABankOff() throws Exception {
        Map<TenantId, Set<String>> genuine = new HashMap<>();
        TENANTS.forEach(t -> genuine.put(t, new LinkedHashSet<>()));
        produceWave(genuine, 0);
        awaitScored(genuine);

        String pool = pipeline.kafkaPrincipal(null, Service.HE_SCORING);
        String acmeResults = Topics.name(ACME, TopicKind.SCORE_RESULTS);
        // ---- what the pool holds: acme's public bundle and acme's encrypted batches -------------------
        PublicBundle bundle = latestBundle(pool, ACME);
        CkksContext ctx = CkksContext.create(Seal.loadParameters(bundle.sealParameters()));
        Encryptor encryptor = new Encryptor(ctx, Seal.loadPublicKey(ctx, bundle.sealPublicKey()));
        CkksEncoder encoder = new CkksEncoder(ctx);
        Evaluator evaluator = new Evaluator(ctx);
        ManifestSealer sealer = new ManifestSealer(bundle.hpkePublicKeyset());
        double scale = 0x1p30; // the local run's parameter set (b)
        List<ScoreRequest> requests = readToEnd(pool, Topics.name(ACME, TopicKind.SCORE_REQUESTS)).stream()
                .map(r -> ScoreRequest.decode(r.value())).toList();
        assertFalse(requests.isEmpty(), "the pool reads acme's batches");
        ScoreRequest scored = requests.get(0); // already decrypted in wave 0
        int slots = scored.slotCount();
        double[] fraud = new double[slots];
        Arrays.fill(fraud, 6.0); // probability 0.9975: an alert for every transaction
        byte[] fraudScores = Seal.save(evaluator.modSwitchTo(encryptor.encrypt(encoder.encode(fraud, scale)), ctx.lastData().parmsId()), WIRE);

        int dlqBefore = readToEnd(operator(), Topics.name(ACME, TopicKind.DECRYPT_DLQ)).size();
        List<String> expectedReasons = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> attacker = producer(pool)) {
            // ---- 1: forged batches (made-up transactions, sealed to the published HPKE key) ----------
            SignatureConfig.register();
            KeysetHandle own = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
            send(attacker, acmeResults, forged(scored, sealer, fraudScores, Signing.NONE, own));
            send(attacker, acmeResults, forged(scored, sealer, fraudScores, Signing.OWN_KEY, own));
            send(attacker, acmeResults, forged(scored, sealer, fraudScores, Signing.COPIED_FROM_GENUINE, own));
            expectedReasons.addAll(List.of("BATCH_FORGED", "BATCH_FORGED", "BATCH_FORGED"));

            // ---- 2: flood the replay window, then replay a genuine batch ------------------------------
            for (int i = 0; i < FLOOD; i++) {
                attacker.send(new ProducerRecord<>(acmeResults, key(i), forged(scored, sealer, fraudScores, Signing.NONE, own)));
                expectedReasons.add("BATCH_FORGED");
            }
            attacker.flush();
            send(attacker, acmeResults, ScoreResult.of(scored, "logreg-fraud", 1, Instant.now(), Instant.now(), List.of(fraudScores)).encode());
            expectedReasons.add("BATCH_REPLAYED");

            // ---- 3: genuine batch, score ciphertext of a shape no model produces ----------------------
            byte[] scaleOne = Seal.save(evaluator.modSwitchTo(encryptor.encrypt(encoder.encode(fraud, 1.0)), ctx.lastData().parmsId()), WIRE);
            byte[] otherLevel = Seal.save(encryptor.encrypt(encoder.encode(fraud, scale)), WIRE);
            Ciphertext small = encryptor.encrypt(encoder.encode(fraud, 0x1p15));
            byte[] sizeThree = Seal.save(evaluator.modSwitchTo(evaluator.multiply(small, small), ctx.lastData().parmsId()), WIRE);
            for (byte[] ct : List.of(scaleOne, otherLevel, sizeThree)) {
                send(attacker, acmeResults, ScoreResult.of(requests.get(requests.size() - 1), "logreg-fraud", 1, Instant.now(), Instant.now(),
                        List.of(ct)).encode());
                expectedReasons.add("BAD_CIPHERTEXT");
            }
        }
        List<ConsumerRecord<byte[], byte[]>> dead = awaitRecords(operator(), Topics.name(ACME, TopicKind.DECRYPT_DLQ),
                l -> l.size() >= dlqBefore + expectedReasons.size(), expectedReasons.size() + " refusals");
        assertEquals(countsOf(expectedReasons), countsOf(dead.subList(dlqBefore, dead.size()).stream()
                .map(r -> header(r, DeadLetter.HEADER_REASON)).toList()), "every forged, replayed and misshapen result refused with its reason");

        // ---- 4: the key-service restarts; the replay is still recognised -------------------------------
        pipeline.process(ACME, Service.KEY).restart();
        pipeline.process(ACME, Service.KEY).awaitReady(Duration.ofMinutes(3));
        try (KafkaProducer<byte[], byte[]> attacker = producer(pool)) {
            send(attacker, acmeResults, ScoreResult.of(scored, "logreg-fraud", 1, Instant.now(), Instant.now(), List.of(fraudScores)).encode());
        }
        expectedReasons.add("BATCH_REPLAYED");
        dead = awaitRecords(operator(), Topics.name(ACME, TopicKind.DECRYPT_DLQ), l -> l.size() >= dlqBefore + expectedReasons.size(),
                "the replay after the restart");
        assertEquals(countsOf(expectedReasons), countsOf(dead.subList(dlqBefore, dead.size()).stream()
                .map(r -> header(r, DeadLetter.HEADER_REASON)).toList()), "the replay is recognised after the restart");

        // ---- 5: the broker refuses what the pool's principal may not write ------------------------------
        for (String topic : List.of(Topics.PUBLIC_KEYS, Topics.name(ACME, TopicKind.SCORES), Topics.name(ACME, TopicKind.ALERTS),
                Topics.name(ACME, TopicKind.AUDIT), Topics.name(ACME, TopicKind.DECRYPTED), Topics.name(ACME, TopicKind.TX_FEATURES),
                Topics.name(GLOBEX, TopicKind.SCORES), Topics.name(ACME, TopicKind.SCORE_REQUESTS))) {
            assertWriteRefused(pool, topic, null);
        }
        assertWriteRefused(pool, Topics.PUBLIC_KEYS, Topics.publicBundleKey(GLOBEX, 1)); // a tombstone for the other bank

        // ---- 6: another tenant's key-service may write the shared topic; globex's key-service answers ----
        String acmeKeyService = pipeline.kafkaPrincipal(ACME, Service.KEY);
        String globexKey = Topics.publicBundleKey(GLOBEX, 1);
        long garbageAt;
        try (KafkaProducer<byte[], byte[]> other = producer(acmeKeyService)) {
            byte[] k = globexKey.getBytes(StandardCharsets.US_ASCII);
            other.send(new ProducerRecord<>(Topics.PUBLIC_KEYS, k, null)).get(20, TimeUnit.SECONDS);
            garbageAt = other.send(new ProducerRecord<>(Topics.PUBLIC_KEYS, k, "garbage bundle".getBytes(StandardCharsets.US_ASCII)))
                    .get(20, TimeUnit.SECONDS).offset();
        }
        List<ConsumerRecord<byte[], byte[]>> keysTopic = awaitRecords(operator(), Topics.PUBLIC_KEYS, l -> l.stream().anyMatch(r ->
                r.offset() > garbageAt && globexKey.equals(new String(r.key(), StandardCharsets.US_ASCII)) && r.value() != null
                        && EnvelopeFormat.kindOf(r.value()) == EnvelopeFormat.KIND_SIGNED_BUNDLE), "globex's bundle published again");
        Thread.sleep(4_000);
        long settled = readToEnd(operator(), Topics.PUBLIC_KEYS).stream().filter(r -> globexKey.equals(new String(r.key(), StandardCharsets.US_ASCII))).count();
        Thread.sleep(4_000);
        List<ConsumerRecord<byte[], byte[]>> after = readToEnd(operator(), Topics.PUBLIC_KEYS);
        assertEquals(settled, after.stream().filter(r -> globexKey.equals(new String(r.key(), StandardCharsets.US_ASCII))).count(),
                "globex's key-service answers each foreign record once and then stays quiet (it recognises its own records)");
        byte[] last = lastUnder(after, globexKey).orElseThrow();
        assertEquals(EnvelopeFormat.KIND_SIGNED_BUNDLE, EnvelopeFormat.kindOf(last), "the last record under globex/v1 is its signed bundle");

        // ---- 7: genuine traffic of both banks goes on; nothing the attacker sent became a score or alert --
        produceWave(genuine, 1);
        Map<TenantId, Map<String, Score>> scores = awaitScored(genuine);
        for (TenantId t : TENANTS) {
            for (Score s : scores.get(t).values()) {
                assertFalse(s.transactionId().startsWith("forged-"), t + " scored an invented transaction");
            }
            for (ConsumerRecord<byte[], byte[]> r : readToEnd(operator(), Topics.name(t, TopicKind.ALERTS))) {
                assertFalse(Alert.fromJson(r.value()).transactionId().startsWith("forged-"), t + " alerted on an invented transaction");
            }
        }
        assertEquals(0, readToEnd(operator(), Topics.name(GLOBEX, TopicKind.DECRYPT_DLQ)).size(), "globex untouched");

        // ---- 8: every refusal the key-service saw is in acme's audit trail; globex audited the supersession --
        Map<String, Integer> tamper = new HashMap<>();
        int failed = 0;
        Set<UUID> seen = new HashSet<>(); // an entry about one input record repeats its id if a transaction is retried
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(operator(), Topics.name(ACME, TopicKind.AUDIT))) {
            AuditEvent e = AuditEvent.fromJson(r.value());
            if (!seen.add(e.eventId())) {
                continue;
            }
            if (e.type() == AuditEvent.Type.TAMPER_DETECTED) {
                tamper.merge(e.reason(), 1, Integer::sum);
            } else if (e.type() == AuditEvent.Type.DECRYPTION_FAILED && "BAD_CIPHERTEXT".equals(e.reason())) {
                failed++;
            }
        }
        assertEquals(FLOOD + 3, tamper.get("BATCH_FORGED"), "every forged batch audited");
        assertEquals(2, tamper.get("BATCH_REPLAYED"), "both replays audited");
        assertEquals(3, failed, "the three misshapen results audited");
        boolean superseded = readToEnd(operator(), Topics.name(GLOBEX, TopicKind.AUDIT)).stream()
                .map(r -> AuditEvent.fromJson(r.value())).anyMatch(e -> "BUNDLE_SUPERSEDED".equals(e.reason()));
        assertTrue(superseded, "globex's key-service audited the record written under its key");
    }

    // ---- the attacker's tools ----

    private enum Signing { NONE, OWN_KEY, COPIED_FROM_GENUINE }

    /** A result of a batch the pool made up: invented transactions, sealed to the published HPKE key. */
    private static byte[] forged(ScoreRequest template, ManifestSealer sealer, byte[] scores, Signing signing, KeysetHandle own)
            throws Exception {
        UUID batchId = UUID.randomUUID();
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < template.slotCount(); i++) {
            entries.add(new ManifestEntry("forged-" + batchId + "-" + i, "card-forged-" + i, 9_900_000L, "EUR", "m-forged",
                    Instant.now()));
        }
        BatchHeader header = new BatchHeader(ACME, batchId, template.keyVersion(), template.slotCount(), template.featureSchemaVersion());
        SealedManifest manifest = sealer.seal(new BatchManifest(ACME, batchId, template.keyVersion(), entries));
        Instant now = Instant.now();
        byte[] digest = template.ciphertextDigest();
        byte[] signature = switch (signing) {
            case NONE -> new byte[0];
            case OWN_KEY -> own.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class)
                    .sign(BatchSignature.contentToSign(header, now, digest, manifest));
            case COPIED_FROM_GENUINE -> template.batchSignature();
        };
        return new ScoreResult(header, now, "logreg-fraud", 1, now, now, List.of(scores), manifest, digest, signature).encode();
    }

    private PublicBundle latestBundle(String principal, TenantId tenant) {
        byte[] value = lastUnder(readToEnd(principal, Topics.PUBLIC_KEYS), Topics.publicBundleKey(tenant, 1))
                .orElseThrow(() -> new AssertionError("no bundle of " + tenant));
        return SignedBundle.decode(value).bundle();
    }

    private static java.util.Optional<byte[]> lastUnder(List<ConsumerRecord<byte[], byte[]>> records, String key) {
        byte[] last = null;
        boolean seen = false;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.key() != null && key.equals(new String(r.key(), StandardCharsets.US_ASCII))) {
                last = r.value();
                seen = true;
            }
        }
        return seen ? java.util.Optional.ofNullable(last) : java.util.Optional.empty();
    }

    // ---- genuine traffic ----

    private void produceWave(Map<TenantId, Set<String>> ids, int wave) throws Exception {
        Instant at = Instant.now().minusSeconds(300);
        for (TenantId t : TENANTS) {
            TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(t).withFraudRate(0.2), (t.equals(ACME) ? 41 : 42) + 10L * wave);
            try (KafkaProducer<byte[], byte[]> producer = producer(pipeline.kafkaPrincipal(t, Service.INGEST))) {
                for (int i = 0; i < PER_WAVE; i++) {
                    LabelledTransaction tx = generator.next(at.plusMillis(100L * i));
                    ids.get(t).add(tx.transaction().transactionId());
                    producer.send(new ProducerRecord<>(Topics.name(t, TopicKind.TX_RAW), tx.key().getBytes(StandardCharsets.UTF_8), tx.payload()));
                }
                producer.flush();
            }
        }
    }

    /** Waits until every genuine transaction of both banks is scored, and checks none is scored twice. */
    private Map<TenantId, Map<String, Score>> awaitScored(Map<TenantId, Set<String>> ids) throws InterruptedException {
        Map<TenantId, Map<String, Score>> out = new HashMap<>();
        for (TenantId t : TENANTS) {
            Set<String> want = ids.get(t);
            awaitRecords(operator(), Topics.name(t, TopicKind.SCORES), l -> keys(l).containsAll(want), want.size() + " scores of " + t);
        }
        Thread.sleep(2_000); // a late duplicate would show now
        for (TenantId t : TENANTS) {
            Map<String, Score> scores = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readToEnd(operator(), Topics.name(t, TopicKind.SCORES))) {
                Score s = Score.fromJson(r.value());
                assertTrue(scores.put(s.transactionId(), s) == null, t + ": transaction " + s.transactionId() + " scored twice");
            }
            assertEquals(ids.get(t), scores.keySet(), t + ": every genuine transaction scored exactly once, nothing else");
            out.put(t, scores);
        }
        return out;
    }

    // ---- Kafka helpers ----

    private String operator() {
        return null;
    }

    private static byte[] key(int i) {
        return ("forged-" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static Map<String, Long> countsOf(List<String> reasons) {
        Map<String, Long> out = new java.util.TreeMap<>();
        reasons.forEach(r -> out.merge(r, 1L, Long::sum));
        return out;
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, byte[] value) throws Exception {
        p.send(new ProducerRecord<>(topic, UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), value)).get(30, TimeUnit.SECONDS);
    }

    private static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new HashSet<>();
        records.forEach(r -> out.add(new String(r.key(), StandardCharsets.UTF_8)));
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void assertWriteRefused(String principal, String topic, String recordKey) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(principal)) {
            byte[] k = (recordKey == null ? "intruder" : recordKey).getBytes(StandardCharsets.UTF_8);
            byte[] v = recordKey == null ? new byte[] {1} : null;
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>(topic, k, v)).get(20, TimeUnit.SECONDS), principal + " wrote to " + topic);
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), principal + " on " + topic + ": " + e.getCause());
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitRecords(String principal, String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                             String what) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(principal)) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + WAIT + " waiting for " + what + " on " + topic + " (" + records.size()
                            + " records there)");
                }
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private List<ConsumerRecord<byte[], byte[]>> readToEnd(String principal, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(principal)) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> c.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic + " to its end took over 60 s");
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** {@code principal} null: the operator (the broker's super user), to observe. */
    private Map<String, Object> login(String principal) {
        return principal == null ? pipeline.operatorClientProperties() : pipeline.kafkaClientProperties(principal);
    }

    private KafkaProducer<byte[], byte[]> producer(String principal) {
        Map<String, Object> config = new HashMap<>(login(principal));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String principal) {
        Map<String, Object> config = new HashMap<>(login(principal));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
