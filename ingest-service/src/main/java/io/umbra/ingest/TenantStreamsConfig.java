package io.umbra.ingest;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.InstanceIds;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Derives the per-tenant Kafka Streams settings from {@code umbra.tenant} (and the instance id and state
 * directory), so that nobody spells {@code acme.tx.raw} in a properties file:
 *
 * <ul>
 *   <li>{@code quarkus.kafka-streams.application-id = <t>.ingest-service} — the consumer group, and the
 *       prefix of the repartition and changelog topics;</li>
 *   <li>{@code quarkus.kafka-streams.topics = <t>.tx.raw,<t>.tx.features,<t>.tx.dlq} — Quarkus starts the
 *       topology only once all three exist, logging what it waits for, instead of dying on a missing topic;</li>
 *   <li>{@code kafka-streams.client.id} and {@code group.instance.id = <t>.ingest-service-<instance>} — the broker's
 *       view names the pod, and a restarted pod rejoins as the same static member;</li>
 *   <li>{@code kafka-streams.state.dir} — {@code UMBRA_STATE_DIR}, else {@code <java.io.tmpdir>/umbra-state/ingest-service-<instance>}
 *       (Kafka Streams adds {@code /<application id>} below it, so tenants never share a directory).</li>
 * </ul>
 *
 * Its ordinal is below {@code application.properties}, so an explicit setting there still wins.
 */
public class TenantStreamsConfig implements ConfigSourceFactory {
    public static final String SERVICE = "ingest-service";
    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String tenantValue = value(context, "umbra.tenant");
        if (tenantValue == null) {
            // At build time, or misconfigured: IngestConfig's required tenant() then says so.
            return List.of();
        }
        TenantId tenant = TenantId.of(tenantValue);
        // The one rule of every service: UMBRA_INSTANCE_ID, else the pod or host name; never a made-up constant,
        // which would give two replicas the same client id and static membership.
        String instance = InstanceIds.resolve(Optional.ofNullable(value(context, "umbra.instance-id")));
        String stateDir = value(context, "umbra.state-dir");
        if (stateDir == null) {
            stateDir = Path.of(System.getProperty("java.io.tmpdir"), "umbra-state", SERVICE + "-" + instance).toString();
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.kafka-streams.application-id", applicationId(tenant));
        props.put("quarkus.kafka-streams.topics", String.join(",", Topics.name(tenant, TopicKind.TX_RAW),
                Topics.name(tenant, TopicKind.TX_FEATURES), Topics.name(tenant, TopicKind.TX_DLQ)));
        props.put("kafka-streams.client.id", applicationId(tenant) + "-" + instance);
        props.put("kafka-streams.state.dir", stateDir);
        // Static membership: a restarted instance (same UMBRA_INSTANCE_ID) takes its predecessor's place in the
        // group at once instead of waiting out the dead member's session. Kafka Streams appends the thread index.
        props.put("kafka-streams.group.instance.id", applicationId(tenant) + "-" + instance);
        return List.of(new PropertiesConfigSource(props, "umbra-ingest-tenant-streams", ORDINAL));
    }

    /** {@code <t>.ingest-service}: the Kafka Streams application id (and consumer group) of a tenant. */
    public static String applicationId(TenantId tenant) {
        return tenant.value() + "." + SERVICE;
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue().trim();
    }
}
