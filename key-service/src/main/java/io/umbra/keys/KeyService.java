package io.umbra.keys;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.InstanceIds;
import io.umbra.kafka.ExactlyOnceProcessor;
import io.umbra.kafka.Outcome;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The service's lifecycle. At startup: open (or create) the tenant's keys — a key problem stops the
 * application, it never makes new keys to cover a missing one. Then, on a thread of its own so the
 * HTTP face answers meanwhile: wait for the topics, publish the public bundle, start the decrypt loop.
 * Readiness is DOWN until both have happened.
 */
@ApplicationScoped
public class KeyService {
    private static final Logger LOG = LoggerFactory.getLogger(KeyService.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final KeyServiceConfig config;
    private final MeterRegistry registry;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private TenantId tenant;
    private TenantKeyStore keys;
    private KeyServiceMetrics metrics;
    private Thread starter;
    private volatile BundlePublisher publisher;
    private volatile ExactlyOnceProcessor processor;
    private volatile boolean bundlePublished;

    public KeyService(KeyServiceConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        tenant = TenantId.of(config.tenant());
        HeParameterSet newKeys = HeParameterSet.named(config.he().params());
        Path dir = Path.of(config.keysDir().orElse("umbra-keys/" + tenant.value()));
        keys = TenantKeyStore.open(dir, tenant, newKeys, config.he().relinKeys(), Clock.systemUTC());
        metrics = new KeyServiceMetrics(registry, tenant.value());
        metrics.keyVersion(keys.current().version());
        starter = new Thread(this::connect, "key-service-start");
        starter.setDaemon(true);
        starter.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping.countDown();
        if (starter != null) {
            starter.interrupt();
        }
        ExactlyOnceProcessor p = processor;
        if (p != null) {
            p.close();
        }
        BundlePublisher b = publisher;
        if (b != null) {
            b.close();
        }
        if (keys != null) {
            keys.destroy();
        }
    }

    public TenantKeyStore keys() {
        return keys;
    }

    /** The public bundle of the current key version is on {@code umbra.keys.public}. */
    public boolean bundlePublished() {
        return bundlePublished;
    }

    /** The decrypt loop runs. */
    public boolean decrypting() {
        ExactlyOnceProcessor p = processor;
        return p != null && p.isRunning();
    }

    /** Why the decrypt loop gave up by itself (fenced by a newer instance, a fatal error), if it did. */
    public Optional<Throwable> decryptFailure() {
        ExactlyOnceProcessor p = processor;
        return p == null ? Optional.empty() : p.failure();
    }

    private void connect() {
        try {
            String results = Topics.name(tenant, TopicKind.SCORE_RESULTS);
            String scores = Topics.name(tenant, TopicKind.SCORES);
            String dlq = Topics.name(tenant, TopicKind.DECRYPT_DLQ);
            if (!awaitTopics(List.of(Topics.PUBLIC_KEYS, results, scores, dlq))) {
                return;
            }
            if (!publishBundle()) {
                return;
            }
            startDecrypting(results, scores, dlq);
        } catch (RuntimeException e) {
            LOG.error("key-service for tenant {} could not start its Kafka side; readiness stays DOWN", tenant, e);
        }
    }

    /** Waits (logging which are missing) until every topic exists; false if stopped meanwhile. */
    private boolean awaitTopics(List<String> needed) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, tenant.value() + ".key-service-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000"))) {
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

    private boolean publishBundle() {
        KeyVersion current = keys.current();
        publisher = new BundlePublisher(config.bootstrapServers(), tenant.value() + ".key-service-bundle-" + instanceId());
        while (true) {
            try {
                RecordMetadata at = publisher.publish(current.publicBundle(), Duration.ofSeconds(30));
                bundlePublished = true;
                LOG.info("tenant {}: public bundle of key version {} ({} bytes, public key sha256 {}) published on {} partition {} offset {}",
                        tenant, current.version(), current.bundleBytes(), current.publicKeyFingerprint(), at.topic(), at.partition(), at.offset());
                return true;
            } catch (InterruptedException e) {
                return false;
            } catch (Exception e) {
                LOG.warn("tenant {}: publishing the public bundle on {} failed ({}); retrying", tenant, Topics.PUBLIC_KEYS, e.toString());
                if (sleep()) {
                    return false;
                }
            }
        }
    }

    private void startDecrypting(String results, String scoresTopic, String dlq) {
        ResultDecryptor decryptor = new ResultDecryptor(keys, Clock.systemUTC(), metrics::decryptTook);
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
                .handler(record -> switch (decryptor.decrypt(record.value())) {
                    case ScoreDecryption.Scores s -> Outcome.emit(s.scores().stream()
                            .map(score -> new ProducerRecord<>(scoresTopic, score.transactionId().getBytes(StandardCharsets.UTF_8), score.toJson()))
                            .toList());
                    case ScoreDecryption.Refused r -> {
                        LOG.warn("tenant {}: result at {}-{}@{} refused, {}: {}", tenant, record.topic(), record.partition(), record.offset(),
                                r.reason(), r.detail());
                        yield Outcome.reject(r.reason(), r.detail());
                    }
                })
                .build();
        if (stopping.getCount() == 0) {
            return;
        }
        p.start();
        processor = p;
        LOG.info("tenant {}: decrypting {} into {} (transactional id {})", tenant, results, scoresTopic, p.transactionalId());
    }

    /** {@code UMBRA_INSTANCE_ID}, else the host name (the pod name in Kubernetes), reduced to what a transactional id may hold. */
    String instanceId() {
        return InstanceIds.resolve(config.instanceId());
    }

    /** Sleeps one retry interval; true if the service is stopping. */
    private boolean sleep() {
        try {
            return stopping.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return true;
        }
    }
}
