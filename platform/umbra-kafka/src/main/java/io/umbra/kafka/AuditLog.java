package io.umbra.kafka;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.audit.AuditEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Appends {@link AuditEvent}s to a tenant's {@code <t>.audit} topic. Writes are acknowledged by all
 * in-sync replicas and idempotent; they are not part of the services' processing transactions, so an
 * entry about a record that is later replayed can appear twice — entries made for one input record get
 * a name-based id ({@link #idFor}) so a reader recognises the repeat. A failure to audit is logged and
 * counted, never thrown into the processing that triggered it.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final TenantId tenant;
    private final String topic;
    private final String service;
    private final String instance;
    private final KafkaProducer<byte[], byte[]> producer;
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param clientProperties extra client settings (security), added to the producer's
     */
    public AuditLog(TenantId tenant, String service, String instance, String bootstrapServers, Map<String, Object> clientProperties) {
        this.tenant = tenant;
        this.topic = Topics.name(tenant, TopicKind.AUDIT);
        this.service = service;
        this.instance = instance;
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, tenant.value() + "." + service + "-audit-" + instance);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        this.producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The topic entries go to. */
    public String topic() {
        return topic;
    }

    /** Records an event now, with a random id. Returns without waiting for the broker. */
    public void record(AuditEvent.Type type, Integer keyVersion, UUID batchId, String reason, String detail) {
        record(new AuditEvent(UUID.randomUUID(), java.time.Instant.now(), tenant, type, service, instance, keyVersion, batchId, reason,
                detail));
    }

    /** Records an event about one input record, with an id derived from it, so a replay of that record repeats the id. */
    public void recordFor(String sourceTopic, int partition, long offset, AuditEvent.Type type, Integer keyVersion, UUID batchId,
                          String reason, String detail) {
        record(new AuditEvent(idFor(type, sourceTopic, partition, offset), java.time.Instant.now(), tenant, type, service, instance,
                keyVersion, batchId, reason, detail));
    }

    /** The name-based id of the entry of {@code type} about the record at {@code topic-partition@offset}. */
    public static UUID idFor(AuditEvent.Type type, String topic, int partition, long offset) {
        return UUID.nameUUIDFromBytes((type + "|" + topic + "|" + partition + "|" + offset).getBytes(StandardCharsets.UTF_8));
    }

    public void record(AuditEvent event) {
        if (!event.tenant().equals(tenant)) {
            throw new IllegalArgumentException("an audit entry of " + event.tenant() + " does not belong in " + topic);
        }
        try {
            producer.send(new ProducerRecord<>(topic, event.eventId().toString().getBytes(StandardCharsets.US_ASCII), event.toJson()),
                    (metadata, e) -> {
                        if (e != null) {
                            failures.incrementAndGet();
                            LOG.error("audit entry {} {} could not be written to {}: {}", event.type(), event.eventId(), topic, e.toString());
                        }
                    });
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.error("audit entry {} {} could not be written to {}: {}", event.type(), event.eventId(), topic, e.toString());
        }
    }

    /** Waits until every entry sent so far is acknowledged (or failed). */
    public void flush() {
        producer.flush();
    }

    /** Entries that could not be written since the start. */
    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
