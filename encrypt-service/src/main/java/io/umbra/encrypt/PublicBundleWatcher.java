package io.umbra.encrypt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.events.envelope.PublicBundle;

/**
 * Follows {@code umbra.keys.public} (compacted, keyed by tenant) from the beginning, on every partition,
 * without a consumer group — every instance needs every version, and nothing here is committed — and
 * hands each newer key version of its own tenant, loaded, to {@code onKeys}. Other tenants' bundles are
 * skipped unread; a bundle that does not decode or load is logged (never its bytes) and skipped.
 *
 * <p>Runs on its own thread until {@link #stop()}; waits and retries while the topic does not exist.
 */
final class PublicBundleWatcher implements Runnable {
    private static final Logger LOG = Logger.getLogger(PublicBundleWatcher.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final TenantId tenant;
    private final Map<String, Object> consumerConfig;
    private final Consumer<EncryptionKeys> onKeys;
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private int newestVersion;

    PublicBundleWatcher(TenantId tenant, String bootstrapServers, String clientId, Consumer<EncryptionKeys> onKeys) {
        this.tenant = tenant;
        this.onKeys = onKeys;
        this.consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // a bundle holds public keys of up to a few MB
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES);
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            if (!assignAll(c)) {
                return;
            }
            while (!stopping) {
                try {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(1))) {
                        consider(r);
                    }
                } catch (WakeupException e) {
                    // stop() — the loop condition decides
                } catch (KafkaException e) {
                    LOG.warnf("reading %s: %s; retrying", Topics.PUBLIC_KEYS, e.toString());
                    sleep();
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "the public bundle watcher of tenant %s stopped", tenant);
        }
    }

    void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Every partition of the topic, from the beginning; false if stopped while waiting for the topic. */
    private boolean assignAll(KafkaConsumer<byte[], byte[]> c) {
        long waitingSince = System.nanoTime();
        boolean told = false;
        while (!stopping) {
            List<PartitionInfo> partitions;
            try {
                partitions = c.partitionsFor(Topics.PUBLIC_KEYS, Duration.ofSeconds(5));
            } catch (WakeupException e) {
                continue;
            } catch (KafkaException e) {
                partitions = List.of();
            }
            if (partitions != null && !partitions.isEmpty()) {
                List<TopicPartition> all = new ArrayList<>();
                partitions.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                c.assign(all);
                c.seekToBeginning(all);
                return true;
            }
            if (!told || System.nanoTime() - waitingSince > Duration.ofMinutes(1).toNanos()) {
                LOG.warnf("waiting for the key-service: topic %s does not exist yet (or the broker is unreachable); retrying",
                        Topics.PUBLIC_KEYS);
                told = true;
                waitingSince = System.nanoTime();
            }
            sleep();
        }
        return false;
    }

    private void consider(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || !tenant.value().equals(new String(r.key(), StandardCharsets.UTF_8)) || r.value() == null) {
            return; // another tenant's bundle, or a tombstone
        }
        try {
            PublicBundle bundle = PublicBundle.decode(r.value());
            if (!bundle.tenant().equals(tenant)) {
                LOG.warnf("ignoring the bundle at %s-%d@%d: keyed by %s but made for another tenant", r.topic(), r.partition(), r.offset(), tenant);
                return;
            }
            if (bundle.keyVersion() <= newestVersion) {
                return; // the compacted topic may still hold older versions
            }
            EncryptionKeys keys = EncryptionKeys.load(bundle);
            newestVersion = bundle.keyVersion();
            LOG.infof("loaded the public bundle of tenant %s, key version %d (%s)", tenant, bundle.keyVersion(), keys);
            onKeys.accept(keys);
        } catch (Exception e) {
            // Messages of the decoders name fields and offsets, never key bytes.
            LOG.warnf("ignoring the bundle at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }
}
