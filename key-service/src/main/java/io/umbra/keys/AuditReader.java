package io.umbra.keys;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.audit.AuditEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the tail of {@code <t>.audit} for the API. A plain consumer without a group (nothing is
 * committed): each partition is read from at most {@link #SCAN_PER_PARTITION} records before its end,
 * so a query costs bounded time and memory however long the trail is. Entries repeated by a producer
 * retry or a replay (same id) are returned once.
 */
final class AuditReader {
    private static final Logger LOG = LoggerFactory.getLogger(AuditReader.class);
    static final int SCAN_PER_PARTITION = 20_000;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private AuditReader() {
    }

    static List<AuditEvent> read(String bootstrapServers, Map<String, Object> clientProperties, TenantId tenant, AuditQuery query) {
        String topic = Topics.name(tenant, TopicKind.AUDIT);
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, tenant.value() + ".key-service-audit-query");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("the audit topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - SCAN_PER_PARTITION));
            }
            // the newest `limit` matching entries of each partition are enough for the newest `limit` overall
            Map<TopicPartition, ArrayDeque<AuditEvent>> newest = new HashMap<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!reachedEnd(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    AuditEvent e;
                    try {
                        e = AuditEvent.fromJson(r.value());
                    } catch (RuntimeException bad) {
                        LOG.warn("{}-{}@{} is not an audit entry; skipped", r.topic(), r.partition(), r.offset());
                        continue;
                    }
                    if (!e.tenant().equals(tenant) || !query.matches(e)) {
                        continue;
                    }
                    ArrayDeque<AuditEvent> q = newest.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayDeque<>());
                    q.addLast(e);
                    if (q.size() > query.limit()) {
                        q.removeFirst();
                    }
                }
            }
            List<AuditEvent> all = new ArrayList<>();
            newest.values().forEach(all::addAll);
            all.sort(Comparator.comparing(AuditEvent::at).thenComparing(e -> e.eventId().toString()));
            Set<UUID> seen = new HashSet<>();
            List<AuditEvent> unique = new ArrayList<>();
            for (AuditEvent e : all) {
                if (seen.add(e.eventId())) {
                    unique.add(e);
                }
            }
            return unique.size() <= query.limit() ? unique : List.copyOf(unique.subList(unique.size() - query.limit(), unique.size()));
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(10)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
