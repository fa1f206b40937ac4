package io.umbra.alert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Everything the alert-service reads from its environment ({@code UMBRA_TENANT} → {@code umbra.tenant}).
 * Kafka's own keys ({@code KAFKA_BOOTSTRAP_SERVERS}) and the HTTP port are Quarkus'; see application.properties.
 */
@ConfigMapping(prefix = "umbra")
public interface AlertServiceConfig {
    /** The one tenant this instance serves: its topics, its alerts, nobody else's. */
    String tenant();

    /** Stable per replica (the pod name): names the Kafka Streams client and its static group membership. */
    String instanceId();

    /** Where Kafka Streams keeps its local state (RocksDB); one directory per tenant and instance. */
    String stateDir();

    AlertSettings alert();

    interface AlertSettings {
        /**
         * Alert when the fraud probability is at least this: an override of the served model's threshold
         * ({@link #modelCardFile()}). Without a model card and without this, {@value AlertPolicy#FALLBACK_THRESHOLD}.
         */
        Optional<Double> threshold();

        /**
         * The signed card of the model this tenant is served ({@code <model>.card.json}, written by {@code umbra model train}
         * beside the model): its operating threshold becomes the score rule, unless {@link #threshold()} overrides it.
         * Requires {@link #modelVerificationKeyFile()}.
         */
        Optional<String> modelCardFile();

        /** The model owner's pinned verification key ({@code model-verification.json}) the card must be signed with. */
        Optional<String> modelVerificationKeyFile();

        /**
         * {@code amountMinor:probability} pairs, comma-separated: also alert when the amount is at least X minor
         * units and the probability at least Y. Empty, {@code off} or {@code none} disables them. The default
         * ({@code 50000:0.5}) sits in application.properties so that an empty variable can still switch it off.
         */
        Optional<String> amountRule();

        /** How long acknowledge/resolve wait for their new version to show in the alert store. */
        @WithDefault("5s")
        Duration readYourWritesTimeout();

        /** How many live-page (Server-Sent Events) listeners one instance serves at once. */
        @WithDefault("64")
        int maxStreamListeners();
    }
}
