package io.umbra.scoring;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.kafka.InstanceIds;
import io.umbra.kafka.ExactlyOnceProcessor;
import io.umbra.model.LogisticModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
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
    private volatile boolean stopping;
    private volatile Throwable startFailure;

    public ScoringPipeline(ScoringConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        model = loadModel(config.modelPath());
        String instanceId = InstanceIds.resolve(config.instanceId());
        keys = new PublicKeyDirectory(config.bootstrapServers(), GROUP_ID + "-" + instanceId + "-keys", config.keyVersionsPerTenant(),
                config.topicRefresh());
        ScoringMetrics metrics = new ScoringMetrics(registry, keys::size, keys::refusedBundles);
        BatchScorer scorer = new BatchScorer(model, keys, Clock.systemUTC(), EnvelopeLimits.DEFAULT, config.keyWait());
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
                .maxRecordBytes(Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES)
                .producerProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES
                        + Topics.RECORD_OVERHEAD_BYTES)
                // ciphertexts are SEAL-zstd already and manifests are HPKE output: compressing again costs CPU for nothing
                .producerProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
                // how soon a new tenant's topic joins the pattern subscription
                .consumerProperty(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) config.topicRefresh().toMillis())
                .build();
        keys.start();
        // Consume requests only once the bundles are read: before that, every batch would wait for its
        // key and be dead-lettered UNKNOWN_KEY_VERSION although its bundle is on the topic.
        Thread starter = new Thread(this::startWhenKeysAreRead, "scoring-start");
        starter.setDaemon(true);
        starter.start();
        LOG.info("he-scoring-service {} scores {} v{} for every tenant's {} (instance {}, {} requests per transaction);"
                + " it starts consuming once {} has been read", processor.transactionalId(), model.modelId(), model.version(),
                TopicKind.SCORE_REQUESTS.suffix(), instanceId, config.maxPollRecords(), Topics.PUBLIC_KEYS);
    }

    private void startWhenKeysAreRead() {
        try {
            while (!keys.caughtUpOnce()) {
                if (stopping) {
                    return;
                }
                Thread.sleep(100);
            }
            synchronized (this) {
                if (!stopping) {
                    processor.start();
                    LOG.info("public bundles read ({} tenant key versions): consuming score requests", keys.size());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            startFailure = e;
            LOG.error("the exactly-once loop did not start", e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            stopping = true;
        }
        if (processor != null) {
            processor.close();
        }
        if (keys != null) {
            keys.close();
        }
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

    public int bundlesKnown() {
        PublicKeyDirectory k = keys;
        return k == null ? 0 : k.size();
    }

    public LogisticModel model() {
        return model;
    }

    static LogisticModel loadModel(Optional<java.nio.file.Path> path) {
        if (path.isEmpty()) {
            return LogisticModel.bundled();
        }
        try {
            return LogisticModel.load(path.get());
        } catch (IOException e) {
            throw new UncheckedIOException("UMBRA_MODEL_PATH " + path.get() + " cannot be read", e);
        }
    }
}
