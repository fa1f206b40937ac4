package io.umbra.encrypt;

import java.time.Clock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.events.features.FeatureVector;
import io.umbra.verify.BundleVerifier;
import io.umbra.verify.PinnedKeyFile;
import java.util.function.Supplier;
import io.umbra.events.audit.AuditEvent;
import io.umbra.kafka.AuditLog;
import io.umbra.kafka.InstanceIds;
import io.umbra.kafka.KafkaClientSecurity;
import io.umbra.kafka.ServiceLifecycle;
import io.umbra.kafka.ExactlyOnceProcessor;

/**
 * The Kafka edge of the service. At startup it follows the tenant's public bundle; once one is loaded and
 * {@code <t>.tx.features} exists it starts the exactly-once batch processor — one poll = one batch = one
 * transaction — sized from the keys (max slots ≤ N/2). Until then nothing is consumed and readiness is
 * DOWN, with the reason in the health check and the log. Newer key versions replace the keys in place.
 */
@ApplicationScoped
public class EncryptPipeline {
    private static final Logger LOG = Logger.getLogger(EncryptPipeline.class);
    public static final String SERVICE_NAME = "encrypt-service";

    private final EncryptConfig config;
    private final String bootstrapServers;
    private final EncryptMetrics metrics;
    private final TenantId tenant;
    private final String instanceId;
    private final AtomicReference<EncryptionKeys> keys = new AtomicReference<>();
    /** The end of the signed validity of the bundle in use; guarded by the watcher's single thread for writes. */
    private volatile Instant keysValidUntil;
    private final Map<String, Object> clientProperties;
    private volatile AuditLog audit;
    private final AtomicReference<String> waitingFor = new AtomicReference<>("startup");
    private volatile ExactlyOnceProcessor processor;
    private volatile PublicBundleWatcher watcher;
    private volatile BatchEncryptor encryptor;
    private final ServiceLifecycle lifecycle = new ServiceLifecycle(SERVICE_NAME);
    private volatile BatchSigningKeyFile batchSigningKey;

    public EncryptPipeline(EncryptConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                           MeterRegistry registry) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.metrics = new EncryptMetrics(registry);
        this.tenant = TenantId.of(config.tenant());
        this.instanceId = InstanceIds.resolve(config.instanceId());
        this.clientProperties = KafkaClientSecurity.fromEnvironment().clientProperties();
    }

    /**
     * The pinned bundle-verification key; the service does not start without one. A pinned file is read again whenever
     * it changes (a re-pin during a bundle-signing key rotation needs no restart); an inline key is fixed.
     */
    private Supplier<BundleVerifier> pinnedVerifier() {
        if (config.bundleVerificationKey().isEmpty() && config.bundleVerificationKeyFile().isPresent()) {
            Path file = Path.of(config.bundleVerificationKeyFile().get());
            try {
                PinnedKeyFile pinned = PinnedKeyFile.open(file, notice -> LOG.warnf("tenant %s: bundle-verification key %s", tenant, notice));
                return pinned::current;
            } catch (IOException e) {
                throw new IllegalStateException("UMBRA_BUNDLE_VERIFICATION_KEY_FILE " + file + " cannot be read: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the pinned bundle-verification key of tenant " + tenant + " is unusable: " + e.getMessage(), e);
            }
        }
        if (config.bundleVerificationKey().isEmpty()) {
            throw new IllegalStateException("no bundle-verification key is pinned for tenant " + tenant + ": set"
                    + " UMBRA_BUNDLE_VERIFICATION_KEY (or _FILE) to the tenant key-service's bundle-verification.json (see docs/SECURITY.md);"
                    + " without it no public bundle can be trusted, so nothing would ever be encrypted");
        }
        try {
            BundleVerifier fixed = BundleVerifier.fromKeyset(config.bundleVerificationKey().get());
            return () -> fixed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the pinned bundle-verification key of tenant " + tenant + " is unusable: " + e.getMessage(), e);
        }
    }

    /** The tenant's batch-signing key, unwrapped with the key-encryption key and re-read when a rotation rewrites it; a problem stops the start. */
    private BatchSigningKeyFile openBatchSigningKey() {
        Path dir = Path.of(config.batchSigningDir().orElse("umbra-batch-signing/" + tenant.value()));
        try {
            io.umbra.crypto.KeyEncryptionKey kek = io.umbra.crypto.KeyEncryptionKey.open(config.kekUri(),
                    config.kekFile().map(Path::of).orElse(dir.resolve("kek.keyset")));
            return BatchSigningKeyFile.open(dir, tenant.value(), kek);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the batch-signing key of tenant " + tenant + " in " + dir + " cannot be opened: "
                    + e.getMessage(), e);
        }
    }

    void onStart(@Observes StartupEvent event) {
        LOG.infof("encrypt-service for tenant %s, instance %s, broker %s", tenant, instanceId, bootstrapServers);
        waitingFor.set("the key-service: no public bundle of tenant " + tenant + " on " + Topics.PUBLIC_KEYS + " yet");
        LOG.infof("waiting for the key-service to publish tenant %s's public bundle on %s; no batch is encrypted before",
                tenant, Topics.PUBLIC_KEYS);
        Supplier<BundleVerifier> verifier = pinnedVerifier();
        batchSigningKey = openBatchSigningKey();
        LOG.infof("tenant %s: batches are signed with batch-signing key %s (pinned at the key-service)", tenant,
                batchSigningKey.current().fingerprint());
        LOG.infof("tenant %s: public bundles must be signed by the pinned key %s", tenant, verifier.get().fingerprint());
        audit = lifecycle.closeAtStop(new AuditLog(tenant, SERVICE_NAME, instanceId, bootstrapServers, clientProperties));
        watcher = new PublicBundleWatcher(tenant, verifier, Clock.systemUTC(), bootstrapServers,
                SERVICE_NAME + "-keys-" + tenant + "-" + instanceId, clientProperties, new PublicBundleWatcher.Listener() {
                    @Override
                    public void keysArrived(EncryptionKeys loaded, Instant notAfter) {
                        int before = keyVersion();
                        keysValidUntil = notAfter;
                        EncryptPipeline.this.keysArrived(loaded);
                        audit.record(AuditEvent.Type.BUNDLE_ACCEPTED, loaded.keyVersion(), null, null, (before == 0 ? "first key version"
                                : "switched from v" + before) + "; valid until " + notAfter);
                    }

                    @Override
                    public void validityExtended(int keyVersion, Instant notAfter) {
                        keysValidUntil = notAfter;
                    }

                    @Override
                    public void refused(PublicBundleWatcher.Refusal reason, Integer keyVersion, String detail) {
                        metrics.bundleRefused(reason.name());
                        audit.record(AuditEvent.Type.BUNDLE_REFUSED, keyVersion, null, reason.name(), detail);
                    }
                });
        lifecycle.closeAtStop(watcher::stop);
        Thread t = new Thread(watcher, "public-bundle-" + tenant);
        t.setDaemon(true);
        t.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        lifecycle.stop(); // the processor first (its transaction in progress finishes), then the encryptor, watcher, audit log
    }

    /** Called on the watcher's thread with each newer key version. */
    private void keysArrived(EncryptionKeys loaded) {
        keys.set(loaded);
        metrics.keyVersion(loaded.keyVersion());
        lifecycle.startOnce("encrypt-start-" + tenant, () -> startWhenTopicExists(loaded));
    }

    private void startWhenTopicExists(EncryptionKeys first) {
        String features = Topics.name(tenant, TopicKind.TX_FEATURES);
        waitingFor.set("topic " + features);
        Map<String, Object> adminConfig = new java.util.HashMap<>(clientProperties);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, SERVICE_NAME + "-admin-" + tenant + "-" + instanceId);
        try (Admin admin = Admin.create(adminConfig)) {
            boolean told = false;
            while (!lifecycle.isStopping()) {
                try {
                    if (admin.listTopics().names().get().contains(features)) {
                        break;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        return;
                    }
                }
                if (!told) {
                    LOG.warnf("waiting for topic %s (created by the tenant's provisioning); retrying every 2 s", features);
                    told = true;
                }
                Thread.sleep(2000);
            }
        } catch (InterruptedException e) {
            return;
        }
        lifecycle.unlessStopping(() -> startProcessor(first));
    }

    private void startProcessor(EncryptionKeys first) {
        int slots = first.slotCount();
        int maxSlots = config.batch().maxSlots().orElse(slots);
        if (maxSlots < 1 || maxSlots > slots) {
            LOG.warnf("UMBRA_BATCH_MAX_SLOTS=%d is outside 1..%d (N/2 of the tenant's parameters); using %d", maxSlots, slots, slots);
            maxSlots = slots;
        }
        Duration linger = Duration.ofMillis(latencyBudgetMs());
        int fetchMinBytes = (int) Math.min(Integer.MAX_VALUE / 2, (long) maxSlots * config.batch().typicalRecordBytes());
        int envelopeBytes = config.maxEnvelopeBytes().orElse(Topics.MAX_ENVELOPE_BYTES);
        int maxMessageBytes = Topics.maxMessageBytes(envelopeBytes);
        encryptor = lifecycle.closeAtStop(new BatchEncryptor(config.batch().encryptThreads(),
                EnvelopeLimits.DEFAULT.withMaxEnvelopeBytes(envelopeBytes), Clock.systemUTC(),
                batchSigningKey::current));
        FeatureBatchHandler handler = new FeatureBatchHandler(tenant, Topics.name(tenant, TopicKind.SCORE_REQUESTS), keys::get,
                encryptor, maxSlots, maxMessageBytes, metrics);
        processor = ExactlyOnceProcessor.builder()
                .bootstrapServers(bootstrapServers)
                .groupId(tenant + "." + SERVICE_NAME)
                .topics(List.of(Topics.name(tenant, TopicKind.TX_FEATURES)))
                .instanceId(instanceId)
                .serviceName(SERVICE_NAME)
                .deadLetterTopic(source -> Topics.name(tenant, TopicKind.ENCRYPT_DLQ))
                .batchHandler(handler)
                .maxPollRecords(maxSlots)
                // A batch closes when full (fetch.min.bytes) or when its fetch has waited the latency budget.
                .batchLinger(fetchMinBytes, linger)
                // Feature vectors are ≤ 16 KiB; anything much larger is dead-lettered unparsed.
                .maxRecordBytes(FeatureVector.MAX_JSON_BYTES + 4096)
                // A partition's share of a fetch must be able to reach fetch.min.bytes, or every poll waits the linger.
                .consumerProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1 << 20, 2 * fetchMinBytes))
                // One batch is one record of up to 8 MiB (UMBRA_MAX_ENVELOPE_BYTES); its ciphertexts are already zstd-compressed.
                .producerProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes)
                .producerProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
                .producerProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L << 20, 4L * maxMessageBytes))
                // A full batch encrypts in well under a second when warm, but a cold JVM on a busy node has
                // taken over 20 s; the coordinator would abort (and fence) a transaction older than this.
                .producerProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 180_000)
                .listener(metrics)
                .build();
        lifecycle.closeAtStop(processor);
        processor.start();
        waitingFor.set(null);
        LOG.infof("encrypting tenant %s's feature vectors: batches of up to %d slots, latency budget %d ms, key version %d, scale 2^%d",
                tenant, maxSlots, linger.toMillis(), first.keyVersion(), first.scaleBits());
    }

    /** {@code UMBRA_BATCH_LATENCY_BUDGET_MS}, else the deprecated {@code UMBRA_BATCH_LINGER_MS}, else the default; at least 1 ms. */
    private int latencyBudgetMs() {
        EncryptConfig.Batch batch = config.batch();
        int ms;
        if (batch.latencyBudgetMs().isPresent()) {
            ms = batch.latencyBudgetMs().get();
        } else if (batch.lingerMs().isPresent()) {
            ms = batch.lingerMs().get();
            LOG.warnf("UMBRA_BATCH_LINGER_MS is deprecated: set UMBRA_BATCH_LATENCY_BUDGET_MS (using %d ms)", ms);
        } else {
            ms = EncryptConfig.DEFAULT_LATENCY_BUDGET_MS;
        }
        if (ms < 1) {
            LOG.warnf("a batch latency budget of %d ms is not possible; using 1 ms", ms);
            ms = 1;
        }
        return ms;
    }

    /** Whether batches are being encrypted; else why not ({@link #waitingFor()}). */
    public boolean isRunning() {
        ExactlyOnceProcessor p = processor;
        return p != null && p.isRunning();
    }

    /** What the service waits for before it can run, if anything. */
    public Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor.get());
    }

    /** While the broker refuses the batch loop an ACL it needs: why (the loop retries meanwhile). */
    public Optional<String> notAuthorized() {
        ExactlyOnceProcessor p = processor;
        return p == null ? Optional.empty() : p.notAuthorized();
    }

    /** Why the processor stopped by itself (fenced, fatal), if it did. */
    public Optional<Throwable> failure() {
        ExactlyOnceProcessor p = processor;
        return p == null ? Optional.empty() : p.failure();
    }

    /**
     * Whether the bundle in use has passed its signed validity (the key-service has not re-signed it in
     * time). Batches are still encrypted under it — it was verified, and stopping would only pile up the
     * backlog — but readiness reports it and the metric {@code umbra_encrypt_bundle_stale} is 1.
     */
    public boolean keysStale() {
        Instant until = keysValidUntil;
        boolean stale = until != null && Instant.now().isAfter(until);
        metrics.bundleStale(stale);
        return stale;
    }

    /** The key version batches are encrypted under now, or 0. */
    public int keyVersion() {
        EncryptionKeys k = keys.get();
        return k == null ? 0 : k.keyVersion();
    }

    public TenantId tenant() {
        return tenant;
    }
}
