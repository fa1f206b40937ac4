package io.umbra.keys;

import io.umbra.events.Topics;
import io.umbra.events.TenantId;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.SignedBundle;
import io.umbra.events.envelope.SignedWithdrawal;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the tenant's signed public bundles on {@link Topics#PUBLIC_KEYS}, one record per key version
 * under {@link Topics#publicBundleKey}. The topic is compacted, so the latest signature of every live
 * version is what encrypt-services and the scoring pool read; re-signing before a bundle goes stale
 * replaces the record, a signed withdrawal withdraws a destroyed version. Not part of any
 * consume-transform-produce transaction: an idempotent producer with {@code acks=all} is enough.
 */
final class BundlePublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    BundlePublisher(String bootstrapServers, String clientId, Map<String, Object> clientProperties) {
        Map<String, Object> config = new java.util.HashMap<>(clientProperties);
        config.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                // a bundle at set (a) with relinearization keys is over 1 MiB; the topic's max.message.bytes must allow it too
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES),
                // wait at most this for the topic's metadata, then the caller logs and retries
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"));
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends the signed bundle and waits for the broker's acknowledgement (all in-sync replicas). */
    RecordMetadata publish(SignedBundle bundle, Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        return send(Topics.publicBundleKey(bundle.tenant(), bundle.keyVersion()), bundle.encode(), timeout);
    }

    /**
     * Withdraws a bundle with a signed withdrawal under its key: readers act only on one that verifies
     * (a bare tombstone could come from anyone who may write the topic, and is ignored).
     */
    RecordMetadata withdraw(SignedWithdrawal withdrawal, Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        return send(Topics.publicBundleKey(withdrawal.tenant(), withdrawal.keyVersion()), withdrawal.encode(), timeout);
    }

    /** Sends already encoded bytes (a bundle or a withdrawal) under {@code tenant}'s key of {@code keyVersion}. */
    RecordMetadata publishEncoded(TenantId tenant, int keyVersion, byte[] encoded, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        return send(Topics.publicBundleKey(tenant, keyVersion), encoded, timeout);
    }

    private RecordMetadata send(String key, byte[] value, Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.PUBLIC_KEYS, key.getBytes(StandardCharsets.US_ASCII), value);
        return producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
