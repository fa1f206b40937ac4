package io.umbra.alert;

import io.smallrye.common.annotation.Identifier;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import io.umbra.kafka.KafkaClientSecurity;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An analyst's acknowledge or resolve: checks the move against the alert's current status
 * ({@link AlertStatus#canMoveTo}), writes the new version to {@code <t>.alerts} (the source of truth) with an
 * idempotent producer, then waits until the alert store shows it, so the caller reads its own write.
 * Moves of one alert are serialized on this instance; the note, if any, travels as a record header
 * ({@value #NOTE_HEADER}) because the Alert event has no field for it yet.
 */
@ApplicationScoped
public class AlertTransitions {
    public static final String NOTE_HEADER = "umbra.alert.note";
    public static final int MAX_NOTE_CHARS = 1000;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    /** What became of a requested move. */
    public sealed interface Result {
    }

    /** Written and visible in the store: {@code alert} is what a GET now returns. */
    public record Done(Alert alert) implements Result {
    }

    /** Written, but not yet visible in the store within the wait. */
    public record Pending(Alert alert) implements Result {
    }

    public record NotFound() implements Result {
    }

    /** Not allowed from the alert's current status. */
    public record Refused(Alert current, AlertStatus target) implements Result {
    }

    private final AlertStore store;
    private final AlertMetrics metrics;
    private final Clock clock;
    private final Duration visibilityTimeout;
    private final String topic;
    private final Map<String, Object> producerConfig;
    private final Object[] locks = new Object[64];
    private Producer<String, byte[]> producer;

    public AlertTransitions(AlertStore store, AlertMetrics metrics, Clock clock, AlertServiceConfig config,
                            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.visibilityTimeout = config.alert().readYourWritesTimeout();
        this.topic = Topics.name(TenantId.of(config.tenant()), TopicKind.ALERTS);
        Map<String, Object> p = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.tenant() + ".alert-service-" + config.instanceId() + "-status");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() - 1000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        KafkaClientSecurity.fromEnvironment().addTo(p);
        this.producerConfig = Map.copyOf(p);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Moves alert {@code id} to {@code target}. Throws {@link AlertStore.Unavailable} when the store cannot be read
     * and {@link IllegalStateException} when the broker does not take the write in time.
     */
    public Result move(UUID id, AlertStatus target, Optional<String> note) throws InterruptedException {
        return move(id, target, note, Optional.empty());
    }

    /** As {@link #move(UUID, AlertStatus, Optional)}, recording {@code by} (the caller's name) as who acknowledged or resolved it. */
    public Result move(UUID id, AlertStatus target, Optional<String> note, Optional<String> by) throws InterruptedException {
        synchronized (locks[Math.floorMod(id.hashCode(), locks.length)]) {
            Optional<Alert> current = store.find(id);
            if (current.isEmpty()) {
                return new NotFound();
            }
            Alert now = current.get();
            if (!now.status().canMoveTo(target)) {
                return new Refused(now, target);
            }
            Instant at = clock.instant();
            Alert next = now.moveTo(target, at.isBefore(now.createdAt()) ? now.createdAt() : at, by.orElse(null));
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, id.toString(), next.toJson());
            note.ifPresent(n -> record.headers().add(NOTE_HEADER, n.getBytes(StandardCharsets.UTF_8)));
            try {
                producer().send(record).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new IllegalStateException("the alert topic did not take the change: " + cause.getClass().getSimpleName(), cause);
            }
            metrics.statusChanged(target);
            return awaitVisible(next);
        }
    }

    private Result awaitVisible(Alert written) throws InterruptedException {
        long deadline = System.nanoTime() + visibilityTimeout.toNanos();
        while (true) {
            Optional<Alert> seen = store.find(written.alertId());
            if (seen.isPresent() && (seen.get().equals(written) || seen.get().status().compareTo(written.status()) > 0)) {
                return new Done(seen.get());
            }
            if (System.nanoTime() > deadline) {
                return new Pending(written);
            }
            Thread.sleep(20);
        }
    }

    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
