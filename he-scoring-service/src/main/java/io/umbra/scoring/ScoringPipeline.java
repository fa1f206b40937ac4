package io.umbra.scoring;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.kafka.ExactlyOnceProcessor;
import io.umbra.kafka.InstanceIds;
import io.umbra.kafka.KafkaClientSecurity;
import io.umbra.kafka.ServiceLifecycle;
import io.umbra.model.LogisticModel;
import io.umbra.model.SignedModel;
import io.umbra.verify.BundleVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Optional;

/**
 * Wires the pool at startup: the public-key reader, the model, and the exactly-once loop over every
 * tenant's {@code <t>.score.requests}. Stateless between batches: replicas share the work through the
 * consumer group {@value #GROUP_ID}, each with its own {@code UMBRA_INSTANCE_ID}.
 */
@ApplicationScoped
public class ScoringPipeline {
    static final String GROUP_ID = "umbra.he-scoring";
    static final String SERVICE_NAME = "he-scoring-service";
    private static final Logger LOG = LoggerFactory.getLogger(ScoringPipeline.class);

    private final ScoringConfig config;
    private final MeterRegistry registry;
    private volatile PublicKeyDirectory keys;
    private volatile ExactlyOnceProcessor processor;
    private volatile LogisticModel model;
    private volatile TenantModels models;
    private final ServiceLifecycle lifecycle = new ServiceLifecycle(SERVICE_NAME);
    private volatile Throwable startFailure;

    public ScoringPipeline(ScoringConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        model = loadModel(config.modelPath(), config.modelVerificationKeyFile());
        models = config.modelsDir().map(dir -> TenantModels.load(ScoringModel.of(model), dir, modelVerifier(config.modelVerificationKeyFile()
                        .orElseThrow(() -> new IllegalStateException("UMBRA_MODELS_DIR is set but UMBRA_MODEL_VERIFICATION_KEY_FILE is not:"
                                + " per-tenant model files are loaded only after their signatures verify")))))
                .orElse(TenantModels.single(ScoringModel.of(model)));
        String instanceId = InstanceIds.resolve(config.instanceId());
        Path pinned = config.bundleVerificationKeysDir().orElseThrow(() -> new IllegalStateException("UMBRA_BUNDLE_VERIFICATION_KEYS_DIR"
                + " is not set: the pool trusts a tenant's public bundle only when it verifies under that tenant's pinned key"
                + " (<dir>/<tenant>.json, written at provisioning; see docs/SECURITY.md)"));
        LOG.info("tenants' bundle-verification keys are read from {}", pinned);
        keys = new PublicKeyDirectory(config.bootstrapServers(), GROUP_ID + "-" + instanceId + "-keys", config.keyVersionsPerTenant(),
                config.topicRefresh(), pinned, KafkaClientSecurity.fromEnvironment().clientProperties());
        ScoringMetrics metrics = new ScoringMetrics(registry, keys::size, keys::refusedBundles);
        int envelopeBytes = config.maxEnvelopeBytes().orElse(Topics.MAX_ENVELOPE_BYTES);
        int maxMessageBytes = Topics.maxMessageBytes(envelopeBytes);
        BatchScorer scorer = new BatchScorer(models, keys, Clock.systemUTC(), EnvelopeLimits.DEFAULT.withMaxEnvelopeBytes(envelopeBytes),
                config.keyWait());
        processor = ExactlyOnceProcessor.builder()
                .bootstrapServers(config.bootstrapServers())
                .groupId(GROUP_ID)
                .topicPattern(Topics.SCORE_REQUESTS_PATTERN)
                .instanceId(instanceId)
                .serviceName(SERVICE_NAME)
                .deadLetterTopic(source -> Topics.name(Topics.parse(source).tenant(), TopicKind.SCORE_DLQ))
                .handler(new ScoreRequestHandler(scorer, metrics))
                .listener(metrics)
                .maxPollRecords(config.maxPollRecords())
                // one encrypted batch is one record: take what the score topics take, and send results and dead letters as large
                .maxRecordBytes(maxMessageBytes)
                .producerProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes + Topics.RECORD_OVERHEAD_BYTES)
                // ciphertexts are SEAL-zstd already and manifests are HPKE output: compressing again costs CPU for nothing
                .producerProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
                // how soon a new tenant's topic joins the pattern subscription
                .consumerProperty(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) config.topicRefresh().toMillis())
                .build();
        lifecycle.closeAtStop(keys);
        lifecycle.closeAtStop(processor); // closed first: lets the transaction in progress finish
        keys.start();
        // Consume requests only once the bundles are read: before that, every batch would wait for its
        // key and be dead-lettered UNKNOWN_KEY_VERSION although its bundle is on the topic.
        lifecycle.startOnce("scoring-start", this::startWhenKeysAreRead);
        LOG.info("he-scoring-service {} scores {} v{} for every tenant's {} (instance {}, {} requests per transaction);"
                + " it starts consuming once {} has been read", processor.transactionalId(), model.modelId(), model.version(),
                TopicKind.SCORE_REQUESTS.suffix(), instanceId, config.maxPollRecords(), Topics.PUBLIC_KEYS);
    }

    private void startWhenKeysAreRead() {
        try {
            while (!keys.caughtUpOnce()) {
                if (lifecycle.isStopping()) {
                    return;
                }
                Thread.sleep(100);
            }
            if (lifecycle.unlessStopping(processor::start)) {
                LOG.info("public bundles read ({} tenant key versions): consuming score requests", keys.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            startFailure = e;
            LOG.error("the exactly-once loop did not start", e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        lifecycle.stop();
    }

    /** Whether the exactly-once loop runs and the public bundles have been read to the end once. */
    public boolean ready() {
        ExactlyOnceProcessor p = processor;
        PublicKeyDirectory k = keys;
        return p != null && p.isRunning() && k != null && k.caughtUpOnce();
    }

    /** Why the loop stopped by itself (fenced, fatal), or empty. */
    public Optional<Throwable> failure() {
        if (startFailure != null) {
            return Optional.of(startFailure);
        }
        ExactlyOnceProcessor p = processor;
        return p == null ? Optional.empty() : p.failure();
    }

    /** While the broker refuses the loop an ACL it needs: why (the loop retries meanwhile). */
    public Optional<String> notAuthorized() {
        ExactlyOnceProcessor p = processor;
        return p == null ? Optional.empty() : p.notAuthorized();
    }

    public int bundlesKnown() {
        PublicKeyDirectory k = keys;
        return k == null ? 0 : k.size();
    }

    public LogisticModel model() {
        return model;
    }

    /**
     * The bundled model (it ships inside the service's own jar), or the signed model file at
     * {@code path}, verified against the model owner's key pinned in {@code verificationKey} before a
     * weight is read. A model file without a pinned key, unsigned, altered or signed by another key
     * stops the start: the pool never scores with a model it cannot attribute.
     */
    static LogisticModel loadModel(Optional<Path> path, Optional<Path> verificationKey) {
        if (path.isEmpty()) {
            return LogisticModel.bundled();
        }
        Path keyFile = verificationKey.orElseThrow(() -> new IllegalStateException("UMBRA_MODEL_PATH is set but"
                + " UMBRA_MODEL_VERIFICATION_KEY_FILE is not: a model file is loaded only after its signature verifies under the"
                + " model owner's pinned key (the model-verification.json that `umbra model train` writes)"));
        try {
            BundleVerifier pinned = modelVerifier(keyFile);
            LogisticModel m = SignedModel.loadLogistic(path.get(), pinned);
            LOG.info("model {} v{} loaded from {}: signature verified under the pinned model key {}", m.modelId(), m.version(), path.get(),
                    pinned.fingerprint());
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("UMBRA_MODEL_PATH " + path.get() + " cannot be read", e);
        }
    }

    /** The model owner's pinned verification key. */
    static BundleVerifier modelVerifier(Path keyFile) {
        try {
            return BundleVerifier.fromKeyset(Files.readString(keyFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("UMBRA_MODEL_VERIFICATION_KEY_FILE " + keyFile + " cannot be read", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("UMBRA_MODEL_VERIFICATION_KEY_FILE " + keyFile + " is not a public Tink keyset: "
                    + e.getMessage(), e);
        }
    }
}
