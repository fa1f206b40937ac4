package io.umbra.keys;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.IntConsumer;

/**
 * Watches the tenant's own record keys on the shared {@link Topics#PUBLIC_KEYS}. Any principal that may
 * write the topic can write under {@code <tenant>/v<n>} (ACLs cannot restrict by record key): a
 * tombstone, garbage, an old bundle. Readers ignore what does not verify, but compaction keeps only the
 * last record per key, so such a record would, once compacted, leave the version without a bundle for
 * every reader that starts afterwards. The topic's {@code min.compaction.lag.ms} gives the tenant time;
 * this guard uses it: as soon as the last record under one of the tenant's live versions is not the
 * one the key-service published, it publishes again.
 */
final class BundleGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundleGuard.class);
    /** A version is re-published at most this often, however fast someone writes under its key. */
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    private final TenantId tenant;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BiPredicate<Integer, byte[]> isOurs;
    private final IntConsumer republish;
    private final Map<Integer, Long> lastRepublished = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param isOurs    whether these bytes are what the key-service last published for the version (or its withdrawal)
     * @param republish publishes the version's bundle again (called on the guard's thread)
     */
    BundleGuard(TenantId tenant, String bootstrapServers, String clientId, Map<String, Object> clientProperties,
                BiPredicate<Integer, byte[]> isOurs, IntConsumer republish) {
        this.tenant = tenant;
        this.isOurs = isOurs;
        this.republish = republish;
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "key-service-bundle-guard");
        this.thread.setDaemon(true);
    }

    /** Starts watching from the topic's current end (what is there now was just overwritten by publishing every version). */
    void start() {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.PUBLIC_KEYS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(Topics.PUBLIC_KEYS, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        thread.start();
    }

    private void run() {
        String prefix = tenant.value() + "/v";
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.US_ASCII);
                    if (!key.startsWith(prefix)) {
                        continue;
                    }
                    int version;
                    try {
                        version = Integer.parseInt(key.substring(prefix.length()));
                    } catch (NumberFormatException e) {
                        continue; // not a key any reader looks up
                    }
                    if (isOurs.test(version, r.value())) {
                        continue;
                    }
                    LOG.warn("tenant {}: a record the key-service did not publish ({}) now stands under {} on {} at partition {} offset {};"
                                    + " publishing the signed bundle again", tenant, r.value() == null ? "a tombstone" : r.value().length + " bytes",
                            key, Topics.PUBLIC_KEYS, r.partition(), r.offset());
                    long now = System.nanoTime();
                    Long last = lastRepublished.get(version);
                    if (last != null && now - last < MIN_INTERVAL.toNanos()) {
                        Thread.sleep(MIN_INTERVAL.toMillis());
                    }
                    lastRepublished.put(version, System.nanoTime());
                    republish.accept(version);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("tenant {}: the bundle guard stopped; a record written under the tenant's keys is no longer answered", tenant, e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
