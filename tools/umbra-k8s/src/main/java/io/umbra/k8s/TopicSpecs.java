package io.umbra.k8s;

import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.topic.KafkaTopicBuilder;
import io.umbra.events.TenantId;
import io.umbra.events.TenantTopic;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How each per-tenant topic is laid out on the cluster: the Strimzi {@code KafkaTopic} of a {@link TenantTopic}. */
public final class TopicSpecs {
    /** Three copies, two in sync before a write counts: one broker may fail without losing an acknowledged record. */
    public static final int REPLICAS = 3;
    public static final int MIN_IN_SYNC_REPLICAS = 2;
    /**
     * How long the audit trail ({@code <t>.audit}) keeps an entry: 400 days, a year and a month of
     * margin for an annual audit. Kafka's default (7 days) would silently shorten the trail; a bank
     * whose rules ask for longer raises this (or sets {@code -1}, forever, with the disk to match).
     */
    public static final long AUDIT_RETENTION_MS = java.time.Duration.ofDays(400).toMillis();
    /**
     * How long the alerts topic ({@code <t>.alerts}, the changelog the alert-service's store is rebuilt from) keeps an
     * alert: 400 days, like the audit trail. It is compacted as well (one record per alert id, its latest state), so a
     * year of alerts is bounded by their number, not by every status change; Kafka's default (7 days, delete) made a
     * restarted alert-service forget every alert older than a week.
     */
    public static final long ALERTS_RETENTION_MS = AUDIT_RETENTION_MS;
    /**
     * The largest encrypted batch envelope a tenant's score topics carry: {@link Topics#WIDE_ENVELOPE_BYTES} (16 MiB), since
     * the tenant default serves the network on feature schema 3 at set (a), whose batch (28 fresh ciphertexts of about
     * 331 KB and the manifest) exceeds the 8 MiB {@link Topics#MAX_ENVELOPE_BYTES}. The template's encrypt-service and the
     * scoring pool take it as {@code UMBRA_MAX_ENVELOPE_BYTES}, the brokers' {@code replica.fetch.max.bytes} its
     * {@link #SCORE_TOPIC_MAX_MESSAGE_BYTES} (tests keep the manifests equal to these); what {@code ./umbra local} does for
     * the same model (umbra-local's LocalTopics with {@code Topics.WIDE_ENVELOPE_BYTES}).
     */
    public static final int ENVELOPE_BYTES = Topics.WIDE_ENVELOPE_BYTES;
    /** {@code max.message.bytes} of the scoring-zone topics: {@link #ENVELOPE_BYTES} plus {@link Topics#RECORD_OVERHEAD_BYTES}. */
    public static final int SCORE_TOPIC_MAX_MESSAGE_BYTES = Topics.maxMessageBytes(ENVELOPE_BYTES);

    private TopicSpecs() {
    }

    /**
     * Partitions of a tenant's topic of {@code kind}. The transaction topics carry a bank's card
     * traffic keyed by card id, so they get the most; {@code score.requests} carries one record per
     * batch of up to 2,048 transactions, and its count bounds how many scoring pods can work on one
     * tenant at a time (k8s/scoring/base/scaledobject.yaml). Dead letters are rare; the audit trail
     * keeps one total order.
     */
    public static int partitions(TopicKind kind) {
        return switch (kind) {
            case TX_RAW, TX_FEATURES, SCORES -> 12;
            case SCORE_REQUESTS, SCORE_RESULTS -> 8;
            case ALERTS -> 6;
            case TX_DLQ, ENCRYPT_DLQ, SCORE_DLQ, DECRYPT_DLQ, ALERT_DLQ, DECRYPTED -> 3;
            case AUDIT -> 1;
        };
    }

    /** The KafkaTopic (in {@value Manifests#KAFKA_NAMESPACE}, where the Topic Operator watches) of one topic. */
    public static KafkaTopic kafkaTopic(TenantTopic topic) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("min.insync.replicas", MIN_IN_SYNC_REPLICAS);
        if (topic.kind().scoringZone()) {
            // one encrypted batch per record, up to a wide envelope; other topics keep the broker's default
            config.put("max.message.bytes", SCORE_TOPIC_MAX_MESSAGE_BYTES);
        }
        if (topic.kind().ciphertextStream()) {
            // read within seconds, ≈ 25 KB a transaction: hours, not Kafka's week (Topics.CIPHERTEXT_RETENTION_MS)
            // (an int, as the template's YAML reads 43200000 back; the 400 days below need a long)
            config.put("retention.ms", Math.toIntExact(Topics.CIPHERTEXT_RETENTION_MS));
        }
        if (topic.kind().compacted()) {
            // the key-service's replay set: one record per batch id, removed with its key version
            config.put("cleanup.policy", "compact");
        }
        if (topic.kind() == TopicKind.ALERTS) {
            config.put("cleanup.policy", "compact,delete");
            config.put("retention.ms", ALERTS_RETENTION_MS);
        }
        if (topic.kind() == TopicKind.AUDIT) {
            // the audit trail is deleted by age only, never compacted: every entry is a fact of its own
            config.put("cleanup.policy", "delete");
            config.put("retention.ms", AUDIT_RETENTION_MS);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("strimzi.io/cluster", Manifests.KAFKA_CLUSTER);
        labels.put("app.kubernetes.io/part-of", "umbra");
        labels.put(Manifests.TENANT_LABEL, topic.tenant().value());
        return new KafkaTopicBuilder()
                .withNewMetadata()
                    .withName(topic.name())
                    .withNamespace(Manifests.KAFKA_NAMESPACE)
                    .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                    .withTopicName(topic.name())
                    .withPartitions(partitions(topic.kind()))
                    .withReplicas(REPLICAS)
                    .withConfig(config)
                .endSpec()
                .build();
    }

    /** Every topic of {@code tenant} ({@link Topics#all}), as KafkaTopics, in {@link TopicKind} order. */
    public static List<KafkaTopic> kafkaTopics(TenantId tenant) {
        return Topics.all(tenant).stream().map(TopicSpecs::kafkaTopic).toList();
    }
}
