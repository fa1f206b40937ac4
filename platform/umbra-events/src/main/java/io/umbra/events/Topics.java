package io.umbra.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every Kafka topic name in Umbra, in one place. Per tenant {@code <t>.<kind>} for each {@link TopicKind};
 * shared, {@link #PUBLIC_KEYS}. Services, the local broker launcher and the Kubernetes provisioning
 * all take names from here; nobody concatenates a topic name by hand.
 *
 * <p>Message sizes: one encrypted batch is one record (see docs/EVENTS.md, "Message size"). The
 * topics the scoring pool reads and writes get {@code max.message.bytes} =
 * {@link #SCORE_TOPIC_MAX_MESSAGE_BYTES}; their producers need {@code max.request.size} and their
 * consumers {@code max.partition.fetch.bytes} at least as large. Every other topic keeps Kafka's default.
 */
public final class Topics {
    /**
     * Compacted, keyed by {@link #publicBundleKey}: each tenant's signed public bundles (CKKS and HPKE
     * public keys), one record per live key version, so compaction keeps every version a rotation still
     * drains; a tombstone under a version's key withdraws it.
     */
    public static final String PUBLIC_KEYS = "umbra.keys.public";
    /**
     * {@code min.compaction.lag.ms} of {@link #PUBLIC_KEYS}: one hour. Anyone who may write the topic can
     * write under a tenant's record key; this keeps the tenant's valid bundle from being compacted away
     * under such a record before the tenant's key-service (which watches its own keys) publishes again.
     */
    public static final long PUBLIC_KEYS_MIN_COMPACTION_LAG_MS = 3_600_000L;

    /**
     * {@code retention.ms} of the ciphertext streams ({@link TopicKind#ciphertextStream}): 12 hours. Each transaction
     * costs about 25 KB there (a bank at 250 tx/s writes ≈ 530 GiB a day to {@code score.requests}, ≈ 3.6 TiB per replica
     * at Kafka's 7-day default), and the records are read within seconds. 12 h covers an outage of the pool or of
     * the key-service through a night; a consumer further behind than that loses batches, so the lag alerts
     * (k8s/monitoring) fire hours earlier. A bank that needs longer raises it, with the disk to match.
     */
    public static final long CIPHERTEXT_RETENTION_MS = 12 * 3_600_000L;

    /** Kafka's default {@code message.max.bytes} / {@code max.message.bytes} (1 MiB plus record overhead). */
    public static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    /** The largest encrypted batch envelope (request or result) a score topic carries: 8 MiB. */
    public static final int MAX_ENVELOPE_BYTES = 8 << 20;
    /** Room for the record key, headers (a dead letter's reason) and record-batch framing: 64 KiB. */
    public static final int RECORD_OVERHEAD_BYTES = 64 << 10;
    /** {@code max.message.bytes} of the score topics: {@link #MAX_ENVELOPE_BYTES} plus {@link #RECORD_OVERHEAD_BYTES}. */
    public static final int SCORE_TOPIC_MAX_MESSAGE_BYTES = MAX_ENVELOPE_BYTES + RECORD_OVERHEAD_BYTES;

    /**
     * Wide envelopes: 16 MiB, for a deployment whose batches do not fit {@link #MAX_ENVELOPE_BYTES} (a network at N = 8192
     * on feature schema 2: 27 fresh ciphertexts of ≈ 331 KB). Its score topics, broker, encrypt-services and scoring pool
     * all take {@link #maxMessageBytes(int)} of it ({@code UMBRA_MAX_ENVELOPE_BYTES}).
     */
    public static final int WIDE_ENVELOPE_BYTES = 16 << 20;

    /** {@code max.message.bytes} of score topics whose envelopes may reach {@code envelopeBytes}. */
    public static int maxMessageBytes(int envelopeBytes) {
        if (envelopeBytes < MAX_ENVELOPE_BYTES || envelopeBytes > 64 << 20) {
            throw new IllegalArgumentException("the envelope limit must be 8 to 64 MiB, not " + envelopeBytes + " bytes");
        }
        return envelopeBytes + RECORD_OVERHEAD_BYTES;
    }

    /** A valid, non-reserved tenant id as a regular expression (the reserved names excluded by lookahead). */
    private static final String TENANT = "(?!(?:umbra|default)\\.|umbra-|kube-)" + TenantId.REGEX;

    /**
     * What the shared scoring pool subscribes to: every tenant's {@code <t>.score.requests}, so a new
     * tenant is picked up without a redeploy. Matches exactly the names {@link #parse} accepts as
     * {@link TopicKind#SCORE_REQUESTS}.
     */
    public static final Pattern SCORE_REQUESTS_PATTERN = pattern(TopicKind.SCORE_REQUESTS);

    private Topics() {
    }

    /** The record key of {@code tenant}'s bundle of {@code keyVersion} on {@link #PUBLIC_KEYS}: {@code <tenant>/v<version>}. */
    public static String publicBundleKey(TenantId tenant, int keyVersion) {
        if (keyVersion < 1) {
            throw new IllegalArgumentException("key version must be ≥ 1, not " + keyVersion);
        }
        return tenant.value() + "/v" + keyVersion;
    }

    /** The tenant-id part of a {@link #publicBundleKey} (everything before '/'), or the whole key if it has none. */
    public static String tenantOfPublicBundleKey(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    /** {@code <tenant>.<kind>}. */
    public static String name(TenantId tenant, TopicKind kind) {
        return new TenantTopic(tenant, kind).name();
    }

    /** Every per-tenant topic of {@code tenant}, in {@link TopicKind} order: what provisioning creates. */
    public static List<TenantTopic> all(TenantId tenant) {
        List<TenantTopic> topics = new ArrayList<>();
        for (TopicKind kind : TopicKind.values()) {
            topics.add(new TenantTopic(tenant, kind));
        }
        return List.copyOf(topics);
    }

    /**
     * The prefix of every topic of {@code tenant}, {@code <t>.}, for prefixed Kafka ACLs. The dot makes
     * it exact: tenant ids contain no dot, so {@code acme.} never matches {@code acme-eu.}'s topics.
     */
    public static String aclPrefix(TenantId tenant) {
        return tenant.value() + '.';
    }

    /** The topics of {@code kind} of every tenant, for a pattern subscription. */
    public static Pattern pattern(TopicKind kind) {
        return Pattern.compile(TENANT + Pattern.quote("." + kind.suffix()));
    }

    /**
     * The tenant and kind of a per-tenant topic name, or an {@link IllegalArgumentException} saying why
     * {@code topic} is not one (a shared topic such as {@link #PUBLIC_KEYS}, an unknown kind, a refused
     * tenant id).
     */
    public static TenantTopic parse(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic name is empty");
        }
        if (topic.length() > TenantId.MAX_LENGTH + 1 + 32) {
            throw new IllegalArgumentException("topic " + Identifiers.quote(topic) + " is too long to be an Umbra tenant topic");
        }
        if (topic.equals(PUBLIC_KEYS)) {
            throw new IllegalArgumentException("topic " + PUBLIC_KEYS + " is shared by all tenants, not a tenant topic");
        }
        int dot = topic.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("topic " + Identifiers.quote(topic) + " is not <tenant>.<kind>: it has no '.'");
        }
        TopicKind kind = TopicKind.ofSuffix(topic.substring(dot + 1));
        if (kind == null) {
            throw new IllegalArgumentException("topic " + Identifiers.quote(topic) + " has no known kind after '<tenant>.'; known: "
                    + knownSuffixes());
        }
        TenantId tenant;
        try {
            tenant = TenantId.of(topic.substring(0, dot));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("topic " + Identifiers.quote(topic) + ": " + e.getMessage(), e);
        }
        return new TenantTopic(tenant, kind);
    }

    /** {@link #parse}, or empty when {@code topic} is not a valid per-tenant topic. */
    public static Optional<TenantTopic> tryParse(String topic) {
        try {
            return Optional.of(parse(topic));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String knownSuffixes() {
        StringBuilder b = new StringBuilder();
        for (TopicKind k : TopicKind.values()) {
            b.append(b.isEmpty() ? "" : ", ").append(k.suffix());
        }
        return b.toString();
    }
}
