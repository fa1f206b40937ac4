package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import io.umbra.events.score.Score;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Counts what the pipeline committed, per tenant, by reading the topics as a downstream system would:
 * {@code read_committed}, from the beginning, no consumer group (nothing is committed, no service's lag
 * changes). Raw transactions, feature vectors, scores, alerts (new ones and status changes) and each
 * dead-letter topic. Optional listeners see every decoded score and alert, on the monitor's thread.
 */
public final class PipelineMonitor implements AutoCloseable {
    /** The dead-letter topics, one per consuming stage. */
    public static final Set<TopicKind> DEAD_LETTER_KINDS = Collections.unmodifiableSet(java.util.EnumSet.of(
            TopicKind.TX_DLQ, TopicKind.ENCRYPT_DLQ, TopicKind.SCORE_DLQ, TopicKind.DECRYPT_DLQ, TopicKind.ALERT_DLQ));
    private static final List<TopicKind> COUNTED = List.of(TopicKind.TX_RAW, TopicKind.TX_FEATURES, TopicKind.SCORES,
            TopicKind.ALERTS, TopicKind.TX_DLQ, TopicKind.ENCRYPT_DLQ, TopicKind.SCORE_DLQ, TopicKind.DECRYPT_DLQ,
            TopicKind.ALERT_DLQ);

    /**
     * What one tenant's topics hold so far.
     *
     * @param raw          records on {@code <t>.tx.raw}
     * @param features     feature vectors on {@code <t>.tx.features}
     * @param scores       scores on {@code <t>.scores}
     * @param alerts       alerts raised (records with status OPEN on {@code <t>.alerts})
     * @param alertUpdates alert status changes (the other records on {@code <t>.alerts})
     * @param deadLetters  records on each dead-letter topic
     * @param unreadable   score or alert records that did not decode (a bug somewhere upstream)
     */
    public record Counts(long raw, long features, long scores, long alerts, long alertUpdates, Map<TopicKind, Long> deadLetters,
                         long unreadable) {
        public long deadLetterTotal() {
            return deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, TenantId> tenantOfTopic = new HashMap<>();
    private final Map<String, TopicKind> kindOfTopic = new HashMap<>();
    private final Map<TenantId, Map<TopicKind, AtomicLong>> counts = new HashMap<>();
    private final Map<TenantId, AtomicLong> alertsRaised = new HashMap<>();
    private final Map<TenantId, AtomicLong> unreadable = new HashMap<>();
    private final BiConsumer<TenantId, Score> onScore;
    private final BiConsumer<TenantId, Alert> onAlert;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private PipelineMonitor(String bootstrapServers, Map<String, Object> clientProperties, List<TenantId> tenants,
                            BiConsumer<TenantId, Score> onScore, BiConsumer<TenantId, Alert> onAlert) {
        this.onScore = onScore;
        this.onAlert = onAlert;
        for (TenantId t : tenants) {
            Map<TopicKind, AtomicLong> perKind = new EnumMap<>(TopicKind.class);
            for (TopicKind k : COUNTED) {
                String topic = Topics.name(t, k);
                tenantOfTopic.put(topic, t);
                kindOfTopic.put(topic, k);
                perKind.put(k, new AtomicLong());
            }
            counts.put(t, perKind);
            alertsRaised.put(t, new AtomicLong());
            unreadable.put(t, new AtomicLong());
        }
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "umbra-local-monitor",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // score.dlq records are envelopes of several MB; one at a time is enough to count them
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES));
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::loop, "umbra-local-monitor");
        this.thread.setDaemon(true);
    }

    /** Starts counting {@code tenants}' topics on {@code bootstrapServers}; the topics must exist. */
    public static PipelineMonitor start(String bootstrapServers, List<TenantId> tenants) {
        return start(bootstrapServers, tenants, null, null);
    }

    /** As {@link #start(String, List)}, calling {@code onScore} and {@code onAlert} (either may be null) per record. */
    public static PipelineMonitor start(String bootstrapServers, List<TenantId> tenants, BiConsumer<TenantId, Score> onScore,
                                        BiConsumer<TenantId, Alert> onAlert) {
        return start(bootstrapServers, Map.of(), tenants, onScore, onAlert);
    }

    /**
     * As {@link #start(String, List, BiConsumer, BiConsumer)} on a secured broker: {@code clientProperties}
     * log the monitor in (e.g. {@link LocalPipeline#operatorClientProperties()}).
     */
    public static PipelineMonitor start(String bootstrapServers, Map<String, Object> clientProperties, List<TenantId> tenants,
                                        BiConsumer<TenantId, Score> onScore, BiConsumer<TenantId, Alert> onAlert) {
        PipelineMonitor monitor = new PipelineMonitor(bootstrapServers, clientProperties, List.copyOf(tenants), onScore, onAlert);
        monitor.thread.start();
        try {
            if (!monitor.assigned.await(30, TimeUnit.SECONDS)) {
                monitor.close();
                throw new IllegalStateException("the pipeline monitor found no partitions of " + tenants + "'s topics in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            monitor.close();
            throw new IllegalStateException("interrupted while starting the pipeline monitor", e);
        }
        if (monitor.failure != null) {
            monitor.close();
            throw monitor.failure;
        }
        return monitor;
    }

    /** The counts of {@code tenant} so far. */
    public Counts counts(TenantId tenant) {
        Map<TopicKind, AtomicLong> c = Objects.requireNonNull(counts.get(tenant), () -> "not monitored: " + tenant);
        Map<TopicKind, Long> dlq = new EnumMap<>(TopicKind.class);
        for (TopicKind k : DEAD_LETTER_KINDS) {
            dlq.put(k, c.get(k).get());
        }
        long alertRecords = c.get(TopicKind.ALERTS).get();
        long raised = alertsRaised.get(tenant).get();
        return new Counts(c.get(TopicKind.TX_RAW).get(), c.get(TopicKind.TX_FEATURES).get(), c.get(TopicKind.SCORES).get(),
                raised, alertRecords - raised, Map.copyOf(dlq), unreadable.get(tenant).get());
    }

    /** Why the monitor stopped counting, or null while it counts. */
    public RuntimeException failure() {
        return failure;
    }

    private void loop() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : tenantOfTopic.keySet()) {
                consumer.partitionsFor(topic, Duration.ofSeconds(20))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            assigned.countDown();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    count(r);
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            assigned.countDown();
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void count(ConsumerRecord<byte[], byte[]> r) {
        TenantId tenant = tenantOfTopic.get(r.topic());
        TopicKind kind = kindOfTopic.get(r.topic());
        counts.get(tenant).get(kind).incrementAndGet();
        try {
            if (kind == TopicKind.SCORES && onScore != null) {
                onScore.accept(tenant, Score.fromJson(r.value()));
            } else if (kind == TopicKind.ALERTS) {
                Alert alert = Alert.fromJson(r.value());
                if (alert.status() == AlertStatus.OPEN) {
                    alertsRaised.get(tenant).incrementAndGet();
                }
                if (onAlert != null) {
                    onAlert.accept(tenant, alert);
                }
            }
        } catch (RuntimeException e) {
            // A record that does not decode is counted, not fatal: the monitor keeps watching the rest.
            unreadable.get(tenant).incrementAndGet();
        }
    }

    /** Stops counting. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
