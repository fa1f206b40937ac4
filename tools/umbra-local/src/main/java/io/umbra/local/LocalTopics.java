package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.TenantTopic;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.kafka.local.TopicSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The topics of a local run, as production provisioning creates them: every {@link Topics#all} topic of
 * each tenant with {@value #PARTITIONS} partitions (scoring-zone topics with their raised
 * {@code max.message.bytes}, every other one with Kafka's default set explicitly), and the shared compacted
 * {@link Topics#PUBLIC_KEYS}.
 */
public final class LocalTopics {
    /** Partitions per tenant topic: more than one, so per-card ordering and rebalances are exercised. */
    public static final int PARTITIONS = 3;
    /** A public bundle and its key, headers and batch framing. */
    public static final int PUBLIC_KEYS_MAX_MESSAGE_BYTES = PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES;

    private LocalTopics() {
    }

    /** The topic specs for {@code tenants}, shared topic first. */
    public static List<TopicSpec> forTenants(List<TenantId> tenants) {
        return forTenants(tenants, Topics.MAX_ENVELOPE_BYTES);
    }

    /** As {@link #forTenants(List)}, the score topics taking envelopes up to {@code envelopeBytes} ({@link Topics#maxMessageBytes}). */
    public static List<TopicSpec> forTenants(List<TenantId> tenants, int envelopeBytes) {
        int scoreTopicBytes = Topics.maxMessageBytes(envelopeBytes);
        List<TopicSpec> specs = new ArrayList<>();
        // One partition: a handful of bundles, read whole by every encrypt-service and the scoring pool.
        // min.compaction.lag.ms: a record someone writes under a tenant's key (garbage, a forged withdrawal) cannot
        // compact the tenant's valid bundle away before its key-service has seen it and published again.
        specs.add(TopicSpec.of(Topics.PUBLIC_KEYS, 1).compacted().maxMessageBytes(PUBLIC_KEYS_MAX_MESSAGE_BYTES)
                .with("min.compaction.lag.ms", Long.toString(Topics.PUBLIC_KEYS_MIN_COMPACTION_LAG_MS)));
        for (TenantId tenant : tenants) {
            for (TenantTopic topic : Topics.all(tenant)) {
                // Set on every topic, not only the raised ones: the local broker's own default is raised
                // for the score topics, production's is Kafka's 1 MiB, and the topics must behave the same.
                int max = topic.kind().maxMessageBytes() == Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES ? scoreTopicBytes : topic.kind().maxMessageBytes();
                TopicSpec spec = TopicSpec.of(topic.name(), PARTITIONS).maxMessageBytes(max);
                if (topic.kind() == TopicKind.ALERTS) {
                    // as in production (umbra-k8s TopicSpecs): one record per alert id, the store's changelog
                    spec = spec.with("cleanup.policy", "compact,delete");
                }
                if (topic.kind().ciphertextStream()) {
                    spec = spec.with("retention.ms", Long.toString(Topics.CIPHERTEXT_RETENTION_MS));
                }
                specs.add(topic.kind().compacted() ? spec.compacted() : spec);
            }
        }
        return List.copyOf(specs);
    }
}
