package io.umbra.encrypt;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Everything the encrypt-service reads from its environment ({@code UMBRA_TENANT} → {@code umbra.tenant},
 * {@code UMBRA_BATCH_MAX_SLOTS} → {@code umbra.batch.max-slots}). Kafka's bootstrap servers and the HTTP
 * port are Quarkus' own keys; see application.properties.
 */
@ConfigMapping(prefix = "umbra")
public interface EncryptConfig {
    /** The default batching deadline in milliseconds. */
    int DEFAULT_LATENCY_BUDGET_MS = 200;

    /** The one tenant this instance serves: its topics, its key, nobody else's. */
    String tenant();

    /**
     * The largest batch envelope this service produces ({@code UMBRA_MAX_ENVELOPE_BYTES}; default 8 MiB,
     * {@code Topics.MAX_ENVELOPE_BYTES}). Raise it, with the tenant's score topics' {@code max.message.bytes} and the
     * scoring pool's limit, for batches that do not fit (docs/EVENTS.md: N = 8192 with 27 features).
     */
    Optional<Integer> maxEnvelopeBytes();

    /** Stable per replica (the pod name): the transactional id suffix. Default: the host name. */
    Optional<String> instanceId();

    /**
     * The tenant's bundle-verification key, pinned at provisioning: the Tink public keyset (JSON) the
     * key-service's bundles must be signed with ({@code UMBRA_BUNDLE_VERIFICATION_KEY}). One of this
     * and {@link #bundleVerificationKeyFile()} is required.
     */
    Optional<String> bundleVerificationKey();

    /** The same, read from a file (a mounted ConfigMap: {@code UMBRA_BUNDLE_VERIFICATION_KEY_FILE}). */
    Optional<String> bundleVerificationKeyFile();

    /**
     * Where the tenant's batch-signing key lives ({@code UMBRA_BATCH_SIGNING_DIR}): {@code batch-signing.wrapped}
     * (wrapped by the key-encryption key), its public half {@code batch-verification.json} (pinned at the
     * key-service) and, without {@link #kekUri()}, the local key-encryption keyset {@code kek.keyset}.
     * Created on first start if empty. Default {@code ./umbra-batch-signing/<tenant>}.
     */
    Optional<String> batchSigningDir();

    /** The key-encryption key in a KMS ({@code UMBRA_KEK_URI}), as the key-service's; absent, a local keyset in the signing directory. */
    Optional<String> kekUri();

    /** The local key-encryption keyset in a file of its own ({@code UMBRA_KEK_FILE}); default {@code kek.keyset} in the signing directory. */
    Optional<String> kekFile();

    Batch batch();

    interface Batch {
        /**
         * Most transactions per encrypted batch (= {@code max.poll.records}). Default and cap: the slot count
         * N/2 of the tenant's CKKS parameters (2048 at set (b)).
         */
        Optional<Integer> maxSlots();

        /**
         * The batching deadline ({@code UMBRA_BATCH_LATENCY_BUDGET_MS}): a batch closes when it is full or when
         * the fetch that fills it has waited this long ({@code fetch.max.wait.ms}; the fetch for the next batch
         * is sent while the current one is encrypted, so a transaction waits about this long for its batch to
         * close, plus at most the encryption of the batch before it). Smaller means lower latency and, at low
         * rates, more batches of fewer transactions: more ciphertext bytes per transaction (README). Default
         * {@value EncryptConfig#DEFAULT_LATENCY_BUDGET_MS} ms.
         */
        Optional<Integer> latencyBudgetMs();

        /**
         * The old name of {@link #latencyBudgetMs()} ({@code UMBRA_BATCH_LINGER_MS}, 200 ms by default until
         * 2026-12): still read when the budget is not set, with a warning.
         */
        Optional<Integer> lingerMs();

        /**
         * The typical size of one feature-vector record on the topic: {@code fetch.min.bytes} = max slots × this,
         * so a backlog fills a batch at once. About 600 bytes of JSON plus the record's framing.
         */
        @WithDefault("650")
        int typicalRecordBytes();

        /** Threads that encrypt a batch's feature columns in parallel. */
        @WithDefault("2")
        int encryptThreads();
    }
}
