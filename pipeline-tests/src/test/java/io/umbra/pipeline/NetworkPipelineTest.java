package io.umbra.pipeline;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.score.Score;
import io.umbra.local.LocalPipeline;
import io.umbra.local.Service;
import io.umbra.model.EncryptedNetwork;
import io.umbra.model.ModelArtifact;
import io.umbra.model.SignedModel;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import io.umbra.training.ModelOwnerKey;
import io.umbra.training.ModelTraining;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bank scored by the square-activation network on feature schema 3, as {@code ./umbra local} runs it by default, end
 * to end through Kafka: ingest keeps per-card state and writes 28 features, its key-service makes keys at parameter
 * set (a) with relinearization keys (a bundle of over 1 MiB, signed), batches of 28 ciphertexts travel in wide (16 MiB)
 * envelopes, the pool serves it the signed network from {@code UMBRA_MODELS_DIR}, and every decrypted score equals the
 * plaintext network on the features ingest computed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkPipelineTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Duration WAIT = Duration.ofMinutes(4);
    private LocalPipeline pipeline;
    private TopicCollector collector;
    private KafkaProducer<byte[], byte[]> producer;
    private ModelArtifact network;

    @BeforeAll
    void start() throws Exception {
        Path root = Path.of(System.getProperty("umbra.repository.root", "..")).toAbsolutePath().normalize();
        Path run = root.resolve("pipeline-tests/target/network-run");
        Path models = Files.createDirectories(run.resolve("models"));
        // the pool operator trains and signs the network; the pool pins the operator's key
        network = ModelTraining.train(ModelTraining.Config.defaults().withTransactions(30_000).withSeed(7).withEpochs(6)
                .withFeatureSchema(3)).network();
        ModelOwnerKey owner = ModelOwnerKey.ephemeral();
        Files.write(models.resolve("acme.json"), owner.sign(network));
        Path pinned = Files.writeString(run.resolve("model-verification.json"), owner.verificationKeyset());
        pipeline = LocalPipeline.builder()
                .repositoryRoot(root)
                .tenants(List.of(ACME))
                .runDirectory(run)
                .basePort(18380)
                .readyTimeout(Duration.ofMinutes(4))
                .env(Service.KEY, "UMBRA_HE_PARAMS", "a")
                .env(Service.KEY, "UMBRA_HE_RELIN_KEYS", "true")
                // the network's worst case over valid transactions: its |logit| can exceed the key-service's default ±64
                .env(Service.KEY, "UMBRA_NETWORK_MAX_ABS_LOGIT", String.valueOf(Math.ceil(EncryptedNetwork.of(network).worstCaseAbsLogit()) + 1))
                .env(Service.INGEST, "UMBRA_FEATURE_SCHEMA_VERSION", "3")
                // 28 fresh ciphertexts at N = 8192 exceed 8 MiB
                .maxEnvelopeBytes(Topics.WIDE_ENVELOPE_BYTES)
                .env(Service.HE_SCORING, "UMBRA_MODELS_DIR", models.toString())
                .env(Service.HE_SCORING, "UMBRA_MODEL_VERIFICATION_KEY_FILE", pinned.toString())
                .progress(line -> System.out.println("[network] " + line))
                .start();
        collector = new TopicCollector(pipeline.bootstrapServers(), List.of(Topics.name(ACME, TopicKind.TX_FEATURES),
                Topics.name(ACME, TopicKind.SCORES), Topics.name(ACME, TopicKind.SCORE_DLQ), Topics.name(ACME, TopicKind.DECRYPT_DLQ),
                Topics.name(ACME, TopicKind.SCORE_REQUESTS),
                Topics.PUBLIC_KEYS));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
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

    @Test
    void everyTransactionIsScoredByTheEncryptedNetworkAsInPlaintext() throws Exception {
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(ACME).withFraudRate(0.02), 31);
        Instant at = Instant.now().minusSeconds(600);
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 3_000; i++) {
            LabelledTransaction tx = generator.next(at.plusMillis(150L * i));
            sent.add(tx.transaction().transactionId());
            producer.send(new ProducerRecord<>(Topics.name(ACME, TopicKind.TX_RAW), tx.key().getBytes(StandardCharsets.UTF_8), tx.payload()));
        }
        producer.flush();

        String scores = Topics.name(ACME, TopicKind.SCORES);
        collector.await(scores, l -> l.size() >= sent.size(), WAIT, sent.size() + " scores");
        Thread.sleep(2_000);
        Map<String, FeatureVector> features = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : collector.records(Topics.name(ACME, TopicKind.TX_FEATURES))) {
            FeatureVector v = FeatureVector.fromJson(r.value());
            assertEquals(3, v.schemaVersion(), "ingest writes feature schema 3");
            features.put(v.transactionId(), v);
        }
        EncryptedNetwork reference = EncryptedNetwork.of(network);
        Map<String, Score> byId = new HashMap<>();
        double worst = 0;
        int alerts = 0;
        for (ConsumerRecord<byte[], byte[]> r : collector.records(scores)) {
            Score s = Score.fromJson(r.value());
            assertTrue(byId.put(s.transactionId(), s) == null, "scored twice: " + s.transactionId());
            assertEquals(network.modelId(), s.modelId(), "scored by the tenant's network");
            double plain = reference.logit(features.get(s.transactionId()).features());
            worst = Math.max(worst, Math.abs(s.logit() - plain));
            assertTrue(PublishedLogits.agrees(s.logit(), plain), s.transactionId() + " published " + s.logit()
                    + ", plaintext network " + plain);
            assertEquals(reference.alerts(plain), reference.alerts(s.logit()), "alert decision of " + s.transactionId());
            alerts += reference.alerts(plain) ? 1 : 0;
        }
        assertEquals(sent, byId.keySet(), "every transaction scored once");
        // each logit above is the rounding of one within 1e-4 of the network (PublishedLogits)
        assertTrue(worst <= PublishedLogits.STEP / 2 + PublishedLogits.HE_TOLERANCE, "worst |Δ logit| " + worst);
        assertEquals(List.of(), collector.records(Topics.name(ACME, TopicKind.SCORE_DLQ)), "nothing refused by the pool");
        assertEquals(List.of(), collector.records(Topics.name(ACME, TopicKind.DECRYPT_DLQ)), "nothing refused by the key-service");

        // batches over 8 MiB still carry their transactions' trace contexts (./umbra trace follows a transaction through them)
        List<ConsumerRecord<byte[], byte[]>> requests = collector.records(Topics.name(ACME, TopicKind.SCORE_REQUESTS));
        assertTrue(!requests.isEmpty(), "score requests read");
        for (ConsumerRecord<byte[], byte[]> r : requests) {
            assertTrue(r.value().length > Topics.MAX_ENVELOPE_BYTES, "28 ciphertexts at set (a) exceed 8 MiB: " + r.value().length + " bytes");
            assertEquals(io.umbra.events.envelope.ScoreRequest.decode(r.value(), io.umbra.events.envelope.EnvelopeLimits.DEFAULT
                    .withMaxEnvelopeBytes(Topics.WIDE_ENVELOPE_BYTES)).slotCount(),
                    io.umbra.kafka.tracing.HopTracing.transactionsOf(r.headers()).count(),
                    "batch " + r.offset() + " (" + r.value().length + " bytes) carries each transaction's trace context");
        }

        // the bundle that made it possible: set (a), with relinearization keys, signed
        SignedBundle bundle = collector.records(Topics.PUBLIC_KEYS).stream().filter(r -> r.value() != null)
                .map(r -> SignedBundle.decode(r.value())).filter(b -> b.tenant().equals(ACME)).reduce((a, b) -> b).orElseThrow();
        assertTrue(bundle.bundle().hasRelinKeys(), "relinearization keys in acme's bundle");
        assertTrue(bundle.bundleBytes().length > 1 << 20, "a bundle of more than 1 MiB: " + bundle.bundleBytes().length);
        System.out.printf("[network] %d transactions scored by the encrypted network, worst |Δ logit| %.3g, %d alerts, bundle %d bytes%n",
                byId.size(), worst, alerts, bundle.bundleBytes().length);
    }
}
