package io.umbra.ingest.http;

import io.smallrye.common.annotation.Identifier;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.ingest.IngestConfig;
import io.umbra.ingest.TenantStreamsConfig;
import io.umbra.kafka.InstanceIds;
import io.umbra.kafka.KafkaClientSecurity;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts transactions received over HTTP on {@code <t>.tx.raw}, keyed by card id as bank producers do, so
 * they take exactly the Kafka path (validation again, deduplication, features). Idempotent producer with
 * {@code acks=all}: an acknowledged transaction is on every in-sync replica, and the producer's own retries
 * never write it twice. Not transactional: a caller who retries after a timeout may write a second copy,
 * which the topology's duplicate filter drops.
 */
@ApplicationScoped
public class RawTransactionPublisher {
    private static final Logger LOG = Logger.getLogger(RawTransactionPublisher.class);

    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;

    /** One transaction to publish: the card id (the record key) and the payload as received. */
    public record Transaction(String cardId, byte[] payload) {
    }

    @Inject
    public RawTransactionPublisher(TenantId tenant, IngestConfig config,
                                   @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.topic = Topics.name(tenant, TopicKind.TX_RAW);
        this.timeout = config.http().publishTimeout();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.valueOf(kafka.getOrDefault("bootstrap.servers", "localhost:9092")));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, TenantStreamsConfig.applicationId(tenant) + "-http-"
                + InstanceIds.resolve(config.instanceId()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        long ms = timeout.toMillis();
        // Bounded by the call's timeout, so a missing topic or an absent broker answers 503, not a hung request.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ms));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1_000, ms - 10)));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1_000, ms - 10) + 5));
        KafkaClientSecurity.fromEnvironment().addTo(props);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Publishes every transaction; the result at {@code i} says whether transaction {@code i} was acknowledged in time. */
    public List<Boolean> publish(List<Transaction> transactions) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(transactions.size());
        for (Transaction t : transactions) {
            try {
                sent.add(producer.send(new ProducerRecord<>(topic, t.cardId(), t.payload())));
            } catch (RuntimeException e) {
                // max.block.ms passed (no metadata: broker or topic missing) or the producer is closed
                LOG.warnf("could not hand a transaction to the producer for %s (%s)", topic, e.getClass().getSimpleName());
                sent.add(null);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Boolean> acknowledged = new ArrayList<>(sent.size());
        int failures = 0;
        for (Future<RecordMetadata> f : sent) {
            boolean ok = false;
            if (f != null) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    ok = true;
                } catch (ExecutionException | TimeoutException e) {
                    ok = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            failures += ok ? 0 : 1;
            acknowledged.add(ok);
        }
        if (failures > 0) {
            LOG.warnf("%d of %d transactions were not acknowledged on %s within %s", failures, sent.size(), topic, timeout);
        }
        return acknowledged;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
