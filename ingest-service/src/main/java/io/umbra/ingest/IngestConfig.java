package io.umbra.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the ingest-service reads from configuration, environment first ({@code UMBRA_TENANT} →
 * {@code umbra.tenant}). The Kafka Streams application id, client id, state directory and the topics to
 * wait for are derived from these by {@link TenantStreamsConfig}, so a tenant's topic names are spelled
 * only in umbra-events' {@code Topics}.
 */
@ConfigMapping(prefix = "umbra")
public interface IngestConfig {
    /** The tenant this instance serves ({@code UMBRA_TENANT}); required. */
    String tenant();

    /** Stable per replica ({@code UMBRA_INSTANCE_ID}, the pod name); the host name when absent. */
    Optional<String> instanceId();

    /** Where Kafka Streams keeps its RocksDB state ({@code UMBRA_STATE_DIR}); see {@link TenantStreamsConfig} for the default. */
    Optional<String> stateDir();

    /**
     * The feature schema version written to {@code <t>.tx.features} ({@code UMBRA_FEATURE_SCHEMA_VERSION}): 1 (the
     * default, per-transaction features), 2 (plus per-card behaviour, from a per-card state store) or 3 (2 plus
     * whether the merchant sells digital goods). It must match the tenant's model: the scoring pool refuses a batch
     * of another version.
     */
    @WithDefault("1")
    int featureSchemaVersion();

    Features features();

    CardState cardState();

    Validation validation();

    Dedupe dedupe();

    Http http();

    /** The tenant's feature configuration: ingest and training must use the same values. */
    interface Features {
        /** ISO 3166-1 alpha-2: the country of cards whose transactions carry no cardCountry. */
        @WithDefault("DE")
        String homeCountry();

        /** ISO 4217: the currency amount buckets are measured in. */
        @WithDefault("EUR")
        String referenceCurrency();

        /** Reference major units per major unit of each other currency (USD → 0.86 when the reference is EUR). */
        Map<String, Double> rates();
    }

    /** The tenant's {@code TransactionValidator.Limits}. */
    interface Validation {
        /** How far ahead of this service's clock a timestamp may be (producers' clocks drift). */
        @WithDefault("PT5M")
        Duration maxFutureSkew();

        /** How far behind this service's clock a timestamp may be (offline terminals upload late). */
        @WithDefault("P7D")
        Duration maxAge();

        /** The largest amount in minor units (at most 2^53). */
        @WithDefault("1000000000000000")
        long maxAmountMinor();

        /** Records larger than this are refused unparsed (RECORD_TOO_LARGE); EVENTS.md sets 16 KiB. */
        @WithDefault("16384")
        int maxRecordBytes();
    }

    /** The per-card history of feature schema 2. */
    interface CardState {
        /**
         * A card without a transaction for this long (by this service's clock) is forgotten: its next transaction
         * counts as its first ({@code UMBRA_CARD_STATE_IDLE_RETENTION}).
         */
        @WithDefault("P90D")
        Duration idleRetention();
    }

    /** Exact-duplicate dropping by transaction id. */
    interface Dedupe {
        /** How long a transaction id is remembered; a duplicate arriving later is processed again. */
        @WithDefault("P7D")
        Duration retention();
    }

    /** {@code POST /transactions}. */
    interface Http {
        /** The most transactions one call may carry. */
        @WithDefault("1000")
        int maxItems();

        /** The largest body accepted (keep {@code quarkus.http.limits.max-body-size} at least this). */
        @WithDefault("1048576")
        int maxBodyBytes();

        /** How long a call waits for the broker to acknowledge its transactions. */
        @WithDefault("PT15S")
        Duration publishTimeout();
    }
}
