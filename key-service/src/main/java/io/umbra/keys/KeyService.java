package io.umbra.keys;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.audit.AuditEvent;
import io.umbra.events.score.Score;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.kafka.AuditLog;
import io.umbra.kafka.InstanceIds;
import io.umbra.kafka.KafkaClientSecurity;
import io.umbra.kafka.ExactlyOnceProcessor;
import io.umbra.kafka.Outcome;
import io.umbra.kafka.ServiceLifecycle;
import io.umbra.kafka.tracing.BatchContexts;
import io.umbra.kafka.tracing.HopTracing;
import io.umbra.verify.BundleVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The service's lifecycle. At startup: open (or create) the tenant's keys — a key problem stops the
 * application, it never makes new keys to cover a missing one. Then, on a thread of its own so the
 * HTTP face answers meanwhile: wait for the topics, publish the signed bundle of every live key
 * version, start the decrypt loop and the upkeep. Readiness is DOWN until all have happened.
 *
 * <p>Upkeep, every {@code umbra.rotation.upkeep-interval}: pick up versions another replica created or
 * destroyed, re-sign each live bundle before half its validity has passed, and destroy retired versions
 * once {@code umbra.rotation.retention} has passed since their successor became current (withdrawing
 * their bundles). Every step is written to {@code <t>.audit}.
 */
@ApplicationScoped
public class KeyService {
    private static final Logger LOG = LoggerFactory.getLogger(KeyService.class);
    private static final Duration RETRY = Duration.ofSeconds(2);
    static final String SERVICE = "key-service";

    private final KeyServiceConfig config;
    private final MeterRegistry registry;
    private final ServiceLifecycle lifecycle = new ServiceLifecycle(SERVICE);
    private final Clock clock = Clock.systemUTC();
    /** key version → the notAfter of its bundle as last published; guarded by {@code this}. */
    private final Map<Integer, Instant> published = new HashMap<>();
    /** key version → the bytes last published under its record key (bundle or withdrawal), set before sending. */
    private final Map<Integer, byte[]> publishedBytes = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * key version → SHA-256 of the last {@value #REMEMBERED_PUBLICATIONS} records this service published under its key: the
     * guard reads its own earlier records too (it is behind while it re-publishes) and must not answer them.
     */
    private final Map<Integer, java.util.Set<String>> publishedDigests = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int REMEMBERED_PUBLICATIONS = 64;
    private volatile java.util.function.Supplier<BundleVerifier> batchVerifier;
    /** While the decrypt loop waits for the pinned batch-verification key: why (for readiness); else null. */
    private volatile String waitingFor;
    private volatile BundleGuard guard;
    private volatile DecryptedBatchLog replayLog;
    private TenantId tenant;
    private TenantKeyStore keys;
    private KeyServiceMetrics metrics;
    private Map<String, Object> clientProperties;
    private volatile AuditLog audit;
    private volatile BundlePublisher publisher;
    private volatile ExactlyOnceProcessor processor;
    private volatile boolean bundlePublished;
    private volatile ScheduledExecutorService upkeep;

    public KeyService(KeyServiceConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        tenant = TenantId.of(config.tenant());
        HeParameterSet newKeys = HeParameterSet.named(config.he().params());
        Path dir = Path.of(config.keysDir().orElse("umbra-keys/" + tenant.value()));
        keys = TenantKeyStore.open(dir, tenant, config.kekUri(), config.kekFile().map(Path::of), newKeys, config.he().relinKeys(), clock);
        lifecycle.closeAtStop(keys::close);
        clientProperties = KafkaClientSecurity.fromEnvironment().clientProperties();
        batchVerifier = BatchVerificationKey.loadIfPinned(config).orElse(null);
        if (batchVerifier != null) {
            LOG.info("tenant {}: batches must be signed by the encrypt-service's batch-signing key {}", tenant, batchVerifier.get().fingerprint());
        } else {
            waitingFor = "waiting for the pinned batch-verification key " + config.batchVerificationKeyFile().orElseThrow();
            LOG.warn("tenant {}: {} (UMBRA_BATCH_VERIFICATION_KEY_FILE does not exist yet: a new tenant whose encrypt-service has not"
                    + " made its batch-signing key). The bundles are published, but nothing is decrypted until it is pinned: results"
                    + " wait in {}", tenant, waitingFor, Topics.name(tenant, TopicKind.SCORE_RESULTS));
        }
        metrics = new KeyServiceMetrics(registry, tenant.value());
        metrics.keyVersion(keys.current().version());
        audit = lifecycle.closeAtStop(new AuditLog(tenant, SERVICE, instanceId(), config.bootstrapServers(), clientProperties));
        LOG.info("tenant {}: bundle-verification key {} (pin {} in the encrypt-service and the scoring pool)", tenant,
                keys.verificationKeyFingerprint(), dir.resolve(io.umbra.crypto.BundleSigningKey.VERIFICATION_FILE));
        lifecycle.startOnce("key-service-start", this::connect);
    }

    void onStop(@Observes ShutdownEvent event) {
        lifecycle.stop(); // upkeep, the decrypt loop, the publisher, the audit log, the key store: the last started first
    }

    public TenantKeyStore keys() {
        return keys;
    }

    public TenantId tenant() {
        return tenant;
    }

    /** The signed bundle of every live key version is on {@code umbra.keys.public}. */
    public boolean bundlePublished() {
        return bundlePublished;
    }

    /** The decrypt loop runs. */
    public boolean decrypting() {
        ExactlyOnceProcessor p = processor;
        return p != null && p.isRunning();
    }

    /** While the broker refuses the decrypt loop an ACL it needs: why (the loop retries meanwhile). */
    public Optional<String> decryptNotAuthorized() {
        ExactlyOnceProcessor p = processor;
        return p == null ? Optional.empty() : p.notAuthorized();
    }

    /** Why the decrypt loop gave up by itself (fenced by a newer instance, a fatal error), if it did. */
    public Optional<Throwable> decryptFailure() {
        ExactlyOnceProcessor p = processor;
        return p == null ? Optional.empty() : p.failure();
    }

    /**
     * Creates the next key version and publishes its signed bundle: encrypt-services switch to it once
     * they have verified it; results under older versions still decrypt until the retention destroys
     * them. {@code requestedBy} (a subject from the caller's credential) goes into the audit trail.
     */
    public synchronized KeyVersion rotate(String requestedBy) {
        if (!bundlePublished) {
            throw new IllegalStateException("the key-service is not connected to Kafka yet; rotate once it is ready");
        }
        int previous = keys.current().version();
        audit.record(AuditEvent.Type.ROTATION_REQUESTED, previous, null, null, "requested by " + requestedBy);
        KeyVersion next = keys.rotate(HeParameterSet.named(config.he().params()), config.he().relinKeys(), clock);
        audit.record(AuditEvent.Type.KEY_CREATED, next.version(), null, null, "parameter set " + next.parameterSet().label()
                + ", public key sha256:" + next.publicKeyFingerprint());
        if (!publish(next)) {
            throw new IllegalStateException("key version " + next.version() + " was created but its bundle could not be published yet;"
                    + " the upkeep keeps trying");
        }
        audit.record(AuditEvent.Type.KEY_ROTATED, next.version(), null, null, "v" + previous + " -> v" + next.version() + ", requested by " + requestedBy
                + "; v" + previous + " is destroyed after " + config.rotation().retention());
        metrics.keyVersion(next.version());
        LOG.info("tenant {}: rotated from key version {} to {} (requested by {})", tenant, previous, next.version(), requestedBy);
        return next;
    }

    /**
     * One phase of a rotation of the bundle-signing key, audited with {@code requestedBy}. After {@code promote}
     * every live bundle is signed again with the new key and published at once (what the upkeep would otherwise do
     * only before a bundle goes stale); if the broker does not take one, the upkeep keeps trying. A
     * {@link io.umbra.crypto.SigningKeyset.RotationRefused} when the keyset is not in the state the phase needs, or when
     * the new key is younger than {@code umbra.rotation.signing-overlap} and {@code force} is false.
     */
    public synchronized SigningRotation rotateSigning(io.umbra.crypto.SigningKeyset.Phase phase, boolean force, String requestedBy) {
        if (!bundlePublished) {
            throw new IllegalStateException("the key-service is not connected to Kafka yet; rotate once it is ready");
        }
        io.umbra.crypto.SigningKeyset.State state = keys.rotateSigningKey(phase, clock.instant(), config.rotation().signingOverlap(), force);
        String phaseName = phase.name().toLowerCase(java.util.Locale.ROOT);
        audit.record(AuditEvent.Type.SIGNING_KEY_ROTATED, null, null, phaseName.toUpperCase(java.util.Locale.ROOT), "bundle-signing key, phase "
                + phaseName + (force ? " (forced)" : "") + ": key ids " + state.keyIds().stream().map(Integer::toUnsignedString).toList()
                + ", signing with " + Integer.toUnsignedString(state.primaryKeyId()) + "; public keyset " + state.fingerprint()
                + (phase == io.umbra.crypto.SigningKeyset.Phase.PROMOTE ? "" : " (re-pin it)") + "; requested by " + requestedBy);
        boolean republished = true;
        if (phase == io.umbra.crypto.SigningKeyset.Phase.PROMOTE) {
            published.clear(); // every version is re-signed now; whatever fails here the upkeep publishes next
            republished = publishAll();
        }
        LOG.info("tenant {}: bundle-signing key rotation, phase {} (requested by {}): keys {}, signing with {}, public keyset {}{}", tenant,
                phaseName, requestedBy, state.keyIds(), Integer.toUnsignedString(state.primaryKeyId()), state.fingerprint(),
                republished ? "" : "; not every bundle could be re-published yet, the upkeep keeps trying");
        return new SigningRotation(state, republished);
    }

    /** A phase's outcome: the keyset's state and whether every live bundle was re-published (after promote). */
    public record SigningRotation(io.umbra.crypto.SigningKeyset.State state, boolean bundlesRepublished) {
    }

    /** {@code umbra.rotation.signing-overlap}: the least time from adding a signing key to promoting it. */
    public Duration signingOverlap() {
        return config.rotation().signingOverlap();
    }

    /** The audit trail, for the API: the last entries, newest last. */
    List<AuditEvent> auditTrail(AuditQuery query) {
        return AuditReader.read(config.bootstrapServers(), clientProperties, tenant, query);
    }

    private void connect() {
        try {
            String results = Topics.name(tenant, TopicKind.SCORE_RESULTS);
            String scores = Topics.name(tenant, TopicKind.SCORES);
            String dlq = Topics.name(tenant, TopicKind.DECRYPT_DLQ);
            String decrypted = Topics.name(tenant, TopicKind.DECRYPTED);
            if (!awaitTopics(List.of(Topics.PUBLIC_KEYS, results, scores, dlq, audit.topic(), decrypted))) {
                return;
            }
            if (keys.createdFirstVersion()) { // audited once the audit topic is known to exist
                KeyVersion v = keys.current();
                audit.record(AuditEvent.Type.KEY_CREATED, v.version(), null, null, "first key version, parameter set "
                        + v.parameterSet().label() + ", public key sha256:" + v.publicKeyFingerprint() + "; bundles signed by "
                        + keys.verificationKeyFingerprint());
            }
            publisher = lifecycle.closeAtStop(new BundlePublisher(config.bootstrapServers(),
                    tenant.value() + ".key-service-bundle-" + instanceId(), clientProperties));
            while (!publishAll()) {
                if (sleep()) {
                    return;
                }
            }
            bundlePublished = true;
            BundleGuard g = lifecycle.closeAtStop(new BundleGuard(tenant, config.bootstrapServers(),
                    tenant.value() + ".key-service-guard-" + instanceId(), clientProperties, this::isOurs, this::republish));
            g.start();
            guard = g;
            ScheduledExecutorService u = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "key-service-upkeep");
                t.setDaemon(true);
                return t;
            });
            long every = config.rotation().upkeepInterval().toMillis();
            u.scheduleWithFixedDelay(this::upkeep, every, every, TimeUnit.MILLISECONDS);
            upkeep = u;
            lifecycle.closeAtStop(u::shutdownNow);
            if (!awaitBatchVerificationKey()) {
                return;
            }
            startDecrypting(results, scores, dlq, decrypted);
        } catch (RuntimeException e) {
            LOG.error("key-service for tenant {} could not start its Kafka side; readiness stays DOWN", tenant, e);
        }
    }

    /**
     * Until {@code UMBRA_BATCH_VERIFICATION_KEY_FILE} exists and holds a public keyset, polls it every
     * {@link #RETRY}; false if stopped meanwhile. A file that appears but is unusable is logged (once per
     * problem) and waited on: the decrypt loop never starts without batch authentication.
     */
    private boolean awaitBatchVerificationKey() {
        String lastProblem = null;
        while (batchVerifier == null) {
            if (sleep()) {
                return false;
            }
            try {
                batchVerifier = BatchVerificationKey.loadIfPinned(config).orElse(null);
            } catch (IllegalStateException e) {
                if (!e.getMessage().equals(lastProblem)) {
                    lastProblem = e.getMessage();
                    LOG.error("tenant {}: {}; still not decrypting", tenant, lastProblem);
                    waitingFor = "waiting for a usable pinned batch-verification key: " + lastProblem;
                }
            }
        }
        waitingFor = null;
        LOG.info("tenant {}: the batch-verification key {} is pinned; batches must be signed by it", tenant, batchVerifier.get().fingerprint());
        return true;
    }

    /** Why the decrypt loop has not started though the bundles are published, if it waits for the pinned batch key. */
    public Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    /** Publishes every live version's bundle; false if one failed (logged). */
    private synchronized boolean publishAll() {
        for (KeyVersion v : keys.versions()) {
            if (!publish(v)) {
                return false;
            }
        }
        return true;
    }

    /** Signs {@code v}'s bundle for one validity period from now and publishes it; false if the broker did not take it. */
    private synchronized boolean publish(KeyVersion v) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(config.rotation().bundleValidity());
        SignedBundle signed = keys.sign(v.publicBundle(), now, notAfter);
        try {
            remember(v.version(), signed.encode()); // before sending: the guard must recognise it
            RecordMetadata at = publisher.publish(signed, Duration.ofSeconds(30));
            published.put(v.version(), signed.notAfter());
            LOG.info("tenant {}: signed bundle of key version {} ({} bytes, public key sha256 {}, valid until {}) published on {} partition {}"
                            + " offset {}", tenant, v.version(), v.bundleBytes(), v.publicKeyFingerprint(), signed.notAfter(), at.topic(),
                    at.partition(), at.offset());
            audit.record(AuditEvent.Type.BUNDLE_PUBLISHED, v.version(), null, null, "valid until " + signed.notAfter() + ", signed by "
                    + keys.verificationKeyFingerprint());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warn("tenant {}: publishing the bundle of key version {} on {} failed ({}); retrying", tenant, v.version(),
                    Topics.PUBLIC_KEYS, e.toString());
            return false;
        }
    }

    private void remember(int version, byte[] encoded) {
        publishedBytes.put(version, encoded);
        java.util.Set<String> digests = publishedDigests.computeIfAbsent(version, v -> java.util.Collections.synchronizedSet(
                new java.util.LinkedHashSet<>()));
        synchronized (digests) {
            digests.add(KeyVersion.sha256(encoded));
            while (digests.size() > REMEMBERED_PUBLICATIONS) {
                digests.remove(digests.iterator().next());
            }
        }
    }

    /** Whether {@code value} is a record this key-service published under its record key of {@code version}. */
    private boolean isOurs(int version, byte[] value) {
        java.util.Set<String> digests = publishedDigests.get(version);
        return digests != null && value != null && digests.contains(KeyVersion.sha256(value));
    }

    /** The guard saw someone else's record under {@code version}'s key: publish ours again (bundle or withdrawal). */
    private synchronized void republish(int version) {
        Optional<KeyVersion> live = keys.version(version);
        if (live.isPresent()) {
            if (publish(live.get())) {
                audit.record(AuditEvent.Type.TAMPER_DETECTED, version, null, "BUNDLE_SUPERSEDED", "a record the key-service did not"
                        + " publish stood under " + Topics.publicBundleKey(tenant, version) + " on " + Topics.PUBLIC_KEYS
                        + "; the signed bundle was published again");
            }
            return;
        }
        byte[] withdrawal = publishedBytes.get(version);
        if (withdrawal != null && publisher != null) {
            try {
                publisher.publishEncoded(tenant, version, withdrawal, Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("tenant {}: re-publishing the withdrawal of key version {} failed ({})", tenant, version, e.toString());
            }
        }
    }

    /** One upkeep round; never throws (the scheduler would stop). */
    void upkeep() {
        try {
            keys.refresh();
            Instant now = clock.instant();
            Duration validity = config.rotation().bundleValidity();
            synchronized (this) {
                for (KeyVersion v : keys.versions()) {
                    Instant notAfter = published.get(v.version());
                    if (notAfter == null || Duration.between(now, notAfter).compareTo(validity.dividedBy(2)) < 0) {
                        publish(v);
                    }
                }
                for (KeyVersion v : keys.versions()) {
                    Optional<Instant> retired = keys.retiredAt(v.version());
                    if (retired.isPresent() && !now.isBefore(retired.get().plus(config.rotation().retention()))) {
                        destroyRetired(v.version(), retired.get());
                    }
                }
                metrics.keyVersion(keys.current().version());
            }
        } catch (RuntimeException e) {
            LOG.error("tenant {}: key upkeep failed; next try in {}", tenant, config.rotation().upkeepInterval(), e);
        }
    }

    private void destroyRetired(int version, Instant retiredAt) {
        try {
            var withdrawal = keys.signWithdrawal(version, clock.instant());
            remember(version, withdrawal.encode());
            publisher.withdraw(withdrawal, Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.warn("tenant {}: withdrawing the bundle of key version {} failed ({}); the version is kept until it succeeds", tenant,
                    version, e.toString());
            return;
        }
        published.remove(version);
        DecryptedBatchLog log = replayLog;
        if (log != null) {
            log.forget(version);
        }
        if (keys.destroy(version)) {
            audit.record(AuditEvent.Type.KEY_DESTROYED, version, null, null, "retired at " + retiredAt + ", retention "
                    + config.rotation().retention() + " passed; secret files overwritten and removed, bundle withdrawn");
        }
    }

    /** Waits (logging which are missing) until every topic exists; false if stopped meanwhile. */
    private boolean awaitTopics(List<String> needed) {
        Map<String, Object> adminConfig = new HashMap<>(clientProperties);
        adminConfig.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, tenant.value() + ".key-service-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000"));
        try (Admin admin = Admin.create(adminConfig)) {
            long lastLog = 0;
            while (true) {
                String problem;
                try {
                    Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
                    Set<String> missing = new TreeSet<>(needed);
                    missing.removeAll(existing);
                    if (missing.isEmpty()) {
                        return true;
                    }
                    problem = "topics " + missing + " do not exist yet (create them: see docs/PIPELINE.md)";
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        return false;
                    }
                    Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                    problem = "broker " + config.bootstrapServers() + " not reachable (" + cause.getClass().getSimpleName() + ")";
                }
                if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(30) || lastLog == 0) {
                    LOG.warn("key-service for tenant {} waits: {}; retrying", tenant, problem);
                    lastLog = System.nanoTime();
                }
                if (sleep()) {
                    return false;
                }
            }
        }
    }

    /** The process's tracing: each decrypted score continues its transaction's trace (io.umbra.kafka.tracing). */
    private final HopTracing tracing = HopTracing.forService("key-service");

    private void startDecrypting(String results, String scoresTopic, String dlq, String decryptedTopic) {
        ResultDecryptor decryptor = new ResultDecryptor(keys, batchVerifier, Clock.systemUTC(), metrics::decryptTook)
                .maxAbsNetworkLogit(config.networkMaxAbsLogit().orElse(ResultDecryptor.MAX_ABS_NETWORK_LOGIT));
        DecryptedBatchLog log = new DecryptedBatchLog(decryptedTopic, decryptor, config.bootstrapServers(),
                tenant.value() + ".key-service-replay-" + instanceId(), clientProperties);
        replayLog = lifecycle.closeAtStop(log); // closed after the decrypt loop that writes it
        log.loadAndFollow(Duration.ofMinutes(2)); // the replay set is complete before the first result is read
        ExactlyOnceProcessor p = ExactlyOnceProcessor.builder()
                .bootstrapServers(config.bootstrapServers())
                .groupId(tenant.value() + ".key-service")
                .topics(List.of(results))
                .instanceId(instanceId())
                .serviceName("key-service")
                .deadLetterTopic(source -> dlq)
                .maxRecordBytes(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES)
                .maxPollRecords(config.decrypt().maxPollRecords())
                .listener(metrics)
                .handler(record -> {
                    java.time.Instant started = java.time.Instant.now();
                    return switch (decryptor.decrypt(record.value(), record.topic() + "-" + record.partition() + "@" + record.offset())) {
                    case ScoreDecryption.Scores s -> {
                        List<ProducerRecord<byte[], byte[]>> out = new java.util.ArrayList<>(s.scores().size() + 1);
                        // each score continues its transaction's own trace (slot order = the batch's), linked to the batch
                        BatchContexts traces = HopTracing.transactionsOf(record.headers());
                        for (int slot = 0; slot < s.scores().size(); slot++) {
                            Score score = s.scores().get(slot);
                            metrics.scored(score.eventTime(), score.decryptedAt());
                            out.add(new ProducerRecord<>(scoresTopic, null, score.transactionId().getBytes(StandardCharsets.UTF_8), score.toJson(),
                                    tracing.transactionAfterBatch("decrypt", traces, slot, record.headers(), started)));
                        }
                        out.add(log.entry(s)); // the replay set, in the same transaction as the scores
                        yield Outcome.emit(out);
                    }
                    case ScoreDecryption.Refused r -> {
                        LOG.warn("tenant {}: result at {}-{}@{} refused, {}: {}", tenant, record.topic(), record.partition(), record.offset(),
                                r.reason(), r.detail());
                        audit.recordFor(record.topic(), record.partition(), record.offset(), auditType(r.reason()),
                                null, null, r.reason(), "result at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                                        + ": " + r.detail());
                        yield Outcome.reject(r.reason(), r.detail());
                    }
                    };
                })
                .build();
        if (!lifecycle.unlessStopping(p::start)) {
            return;
        }
        processor = lifecycle.closeAtStop(p);
        LOG.info("tenant {}: decrypting {} into {} (transactional id {})", tenant, results, scoresTopic, p.transactionalId());
    }

    /**
     * The audit entry a refused result makes: a forged or replayed batch, a result moved from another tenant
     * and a score outside any genuine range are tampering.
     */
    static AuditEvent.Type auditType(String reason) {
        if (reason.equals(ResultDecryptor.BATCH_REPLAYED) || reason.equals(ResultDecryptor.TENANT_MISMATCH)
                || reason.equals(ResultDecryptor.BATCH_FORGED) || reason.equals(ResultDecryptor.SCORE_OUT_OF_RANGE)) {
            return AuditEvent.Type.TAMPER_DETECTED;
        }
        return reason.startsWith("MANIFEST") ? AuditEvent.Type.MANIFEST_REFUSED : AuditEvent.Type.DECRYPTION_FAILED;
    }

    /** {@code UMBRA_INSTANCE_ID}, else the host name (the pod name in Kubernetes), reduced to what a transactional id may hold. */
    String instanceId() {
        return InstanceIds.resolve(config.instanceId());
    }

    /** Sleeps one retry interval; true if the service is stopping. */
    private boolean sleep() {
        return lifecycle.awaitStop(RETRY);
    }
}
