package io.umbra.keys;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * Everything the key-service reads from configuration, environment first ({@code UMBRA_TENANT} →
 * {@code umbra.tenant}, {@code UMBRA_HE_RELIN_KEYS} → {@code umbra.he.relin-keys}). Topic names are not
 * configurable: they come from umbra-events' {@code Topics}.
 */
@ConfigMapping(prefix = "umbra")
public interface KeyServiceConfig {
    /** The tenant this instance serves ({@code UMBRA_TENANT}); required. */
    String tenant();

    /** Stable per replica ({@code UMBRA_INSTANCE_ID}, the pod name): the transactional id suffix; the host name when absent. */
    Optional<String> instanceId();

    /** Where the wrapped keys and the local key-encryption keyset live ({@code UMBRA_KEYS_DIR}); {@code ./umbra-keys/<tenant>} when absent. */
    Optional<String> keysDir();

    /**
     * The key-encryption key in a KMS ({@code UMBRA_KEK_URI}, e.g. {@code gcp-kms://projects/…/cryptoKeys/…}
     * or {@code aws-kms://arn:aws:kms:…}); absent, a local keyset file {@code kek.keyset} in the keys directory.
     */
    Optional<String> kekUri();

    /**
     * The local key-encryption keyset in a file of its own ({@code UMBRA_KEK_FILE}), e.g. a secret mounted apart
     * from the key directory, so a copy of the key directory alone unwraps nothing; without it,
     * {@code kek.keyset} in the keys directory. Refused if its group or others may read it.
     */
    Optional<String> kekFile();

    /**
     * The encrypt-service's batch-verification key, pinned at provisioning: the Tink public keyset (JSON,
     * the encrypt-service's {@code batch-verification.json}) every batch must be signed with
     * ({@code UMBRA_BATCH_VERIFICATION_KEY}). One of this and {@link #batchVerificationKeyFile()} is
     * required: without it the key-service does not start (it would open batches anyone can make).
     */
    Optional<String> batchVerificationKey();

    /** The same, read from a file (a mounted ConfigMap: {@code UMBRA_BATCH_VERIFICATION_KEY_FILE}). */
    Optional<String> batchVerificationKeyFile();

    /**
     * {@code UMBRA_NETWORK_MAX_ABS_LOGIT}: the largest |logit| a score of the tenant's network may decrypt to before its
     * batch is refused as made up (default 64); the served model's worst case over valid transactions.
     */
    Optional<Double> networkMaxAbsLogit();

    /** The broker(s): {@code KAFKA_BOOTSTRAP_SERVERS}, wired in application.properties. */
    @WithDefault("localhost:9092")
    String bootstrapServers();

    He he();

    Decrypt decrypt();

    Rotation rotation();

    /** Key rotation, bundle validity and the destruction of retired versions. */
    interface Rotation {
        /** How long a signed bundle is valid; it is re-signed when half of it has passed ({@code UMBRA_ROTATION_BUNDLE_VALIDITY}). */
        @WithDefault("P7D")
        java.time.Duration bundleValidity();

        /**
         * How long a retired key version is kept after its successor became current, so batches encrypted
         * under it drain ({@code UMBRA_ROTATION_RETENTION}); then its secret is destroyed.
         */
        @WithDefault("PT24H")
        java.time.Duration retention();

        /**
         * The least time between adding a new bundle-signing key and promoting it ({@code UMBRA_ROTATION_SIGNING_OVERLAP}):
         * every encrypt-service and the scoring pool must have re-pinned the public keyset holding it by then, or they
         * refuse the bundles it signs. {@code ./umbra keys rotate-signing --phase promote --force} overrides it.
         */
        @WithDefault("PT1H")
        java.time.Duration signingOverlap();

        /** How often re-signing, destruction and picking up other replicas' rotations are checked. */
        @WithDefault("PT30S")
        java.time.Duration upkeepInterval();
    }

    /** Parameters of key versions this instance creates; existing versions keep the parameters they were made with. */
    interface He {
        /** {@code a} (N=8192, {60,40,40,60}, 2^40) or {@code b} (N=4096, {36,36,37}, 2^30). */
        @WithDefault("b")
        String params();

        /** Whether new key versions also get relinearization keys (models with ciphertext multiplications need them). */
        @WithDefault("false")
        boolean relinKeys();
    }

    /** The decrypt loop on {@code <t>.score.results}. */
    interface Decrypt {
        /** Results per poll, hence per transaction: each can be several MB and takes a decryption. */
        @WithDefault("4")
        int maxPollRecords();
    }
}
