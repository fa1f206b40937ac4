package io.umbra.cli.produce;

import io.umbra.cli.CommandFailure;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends raw transactions to {@code <t>.tx.raw} the way docs/EVENTS.md asks a bank's producer to: idempotent,
 * {@code acks=all}, keyed by the card id (so a card's transactions stay in order on one partition, where ingest's
 * per-card features expect them), and waits until the broker has acknowledged every one.
 */
public final class BankProducer {
    /** The settings docs/EVENTS.md recommends (beside bootstrap and login). */
    public static Map<String, Object> recommendedSettings() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return c;
    }

    private BankProducer() {
    }

    /**
     * Sends every good line and returns how many the broker acknowledged; a failure names how many were not
     * (sending the same file again is safe: ingest de-duplicates by transaction id).
     */
    public static int send(String bootstrap, Map<String, Object> login, String tenant, List<TransactionFile.Good> records) {
        String topic = Topics.name(TenantId.of(tenant), TopicKind.TX_RAW);
        Map<String, Object> config = new HashMap<>(login);
        config.putAll(recommendedSettings());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "umbra-produce-" + tenant);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        List<Future<?>> acks = new ArrayList<>(records.size());
        int failed = 0;
        String firstError = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (TransactionFile.Good g : records) {
                acks.add(producer.send(new ProducerRecord<>(topic, g.cardId(), g.value())));
            }
            producer.flush();
            for (Future<?> f : acks) {
                try {
                    f.get(150, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    failed++;
                    if (firstError == null) {
                        firstError = e.getCause() != null ? e.getCause().getMessage() : e.toString();
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CommandFailure("cannot send to " + topic + " on " + bootstrap + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted while waiting for the broker's acknowledgements");
        }
        if (failed > 0) {
            throw new CommandFailure(failed + " of " + records.size() + " transactions were not acknowledged by " + bootstrap + " ("
                    + firstError + "); sending the file again is safe: ingest de-duplicates by transaction id");
        }
        return records.size();
    }
}
