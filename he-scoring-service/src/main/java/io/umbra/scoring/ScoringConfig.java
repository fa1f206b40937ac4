package io.umbra.scoring;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the scoring pool reads from configuration, environment first ({@code UMBRA_MODEL_PATH} →
 * {@code umbra.model-path}). There is no tenant here: one pool serves every tenant, so nothing in it
 * is per tenant and any number of replicas can run side by side.
 */
@ConfigMapping(prefix = "umbra")
public interface ScoringConfig {
    /** The broker(s); application.properties fills it from {@code kafka.bootstrap.servers} ({@code KAFKA_BOOTSTRAP_SERVERS}). */
    String bootstrapServers();

    /** Stable per replica ({@code UMBRA_INSTANCE_ID}, the pod name): the transactional id suffix. The host name when absent. */
    Optional<String> instanceId();

    /**
     * A signed model file ({@code UMBRA_MODEL_PATH}, as {@code umbra model train} or {@code import-pmml}
     * writes it); the bundled model when absent.
     */
    Optional<Path> modelPath();

    /**
     * Per-tenant models ({@code UMBRA_MODELS_DIR}): {@code <tenant>.json} signed model files, logistic or
     * network; a tenant without a file gets the default model.
     */
    Optional<Path> modelsDir();

    /** The model owner's pinned verification key ({@code UMBRA_MODEL_VERIFICATION_KEY_FILE}); required with a model file. */
    Optional<Path> modelVerificationKeyFile();

    /**
     * Score requests per poll, hence per transaction. Each one is a whole encrypted batch (load and
     * evaluate take tens of milliseconds at set (b)), so a few keep a transaction far under its timeout.
     */
    @WithDefault("4")
    int maxPollRecords();

    /**
     * The largest envelope the pool decodes and produces ({@code UMBRA_MAX_ENVELOPE_BYTES}; default 8 MiB). It decodes for
     * every tenant, so it takes the largest any tenant's encrypt-service produces (docs/EVENTS.md).
     */
    Optional<Integer> maxEnvelopeBytes();

    /**
     * How often the consumers refresh topic metadata ({@code metadata.max.age.ms}): how soon a new
     * tenant's {@code <t>.score.requests} is noticed by the pattern subscription.
     */
    @WithDefault("PT10S")
    Duration topicRefresh();

    /**
     * How long a request under a key version this replica has not seen yet may wait for the
     * public-key reader to catch up (the encrypt-service may have read the bundle a moment earlier).
     * The wait ends as soon as the reader has reached the end of the topic without finding it.
     */
    @WithDefault("PT5S")
    Duration keyWait();

    /**
     * The directory of the tenants' pinned bundle-verification keys, {@code <tenant>.json} each
     * ({@code UMBRA_BUNDLE_VERIFICATION_KEYS_DIR}; in Kubernetes a mounted ConfigMap). Required.
     */
    Optional<Path> bundleVerificationKeysDir();

    /** Key versions kept per tenant (the newest); older ones are dropped, which bounds memory during rotations. */
    @WithDefault("8")
    int keyVersionsPerTenant();
}
