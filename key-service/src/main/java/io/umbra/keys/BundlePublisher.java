package io.umbra.keys;

import io.umbra.events.Topics;
import io.umbra.events.envelope.PublicBundle;
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
 * Publishes the tenant's public bundle on {@link Topics#PUBLIC_KEYS}, keyed by tenant id. The topic is
 * compacted, so the latest bundle per tenant is what encrypt-services and the scoring pool read;
 * republishing the same bytes on every start is harmless. Not part of any consume-transform-produce
 * transaction: an idempotent producer with {@code acks=all} is enough for one record.
 */
final class BundlePublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    BundlePublisher(String bootstrapServers, String clientId) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                // a bundle at set (a) with relinearization keys is over 1 MiB; the topic's max.message.bytes must allow it too
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(PublicBundle.MAX_BYTES + Topics.RECORD_OVERHEAD_BYTES),
                // wait at most this for the topic's metadata, then the caller logs and retries
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends the bundle and waits for the broker's acknowledgement (all in-sync replicas). */
    RecordMetadata publish(PublicBundle bundle, Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.PUBLIC_KEYS,
                bundle.tenant().value().getBytes(StandardCharsets.US_ASCII), bundle.encode());
        return producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
