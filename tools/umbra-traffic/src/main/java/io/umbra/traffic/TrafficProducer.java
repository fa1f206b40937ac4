package io.umbra.traffic;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Sends a {@link TrafficGenerator}'s transactions to {@code <t>.tx.raw}, keyed by card id, at a steady
 * rate, as a bank's producer would: idempotent ({@code enable.idempotence}, {@code acks=all}), so a
 * retried send is not a duplicate on the topic. Each transaction is stamped with the wall-clock instant
 * it is sent at.
 *
 * <pre>{@code
 * TrafficProducer producer = TrafficProducer.builder()
 *         .bootstrapServers(bootstrap).generator(new TrafficGenerator(TrafficProfile.of(acme), 42))
 *         .rate(200).duration(Duration.ofMinutes(1)).build();
 * TrafficProducer.Result result = producer.run();     // blocks; stop() from another thread ends it early
 * }</pre>
 *
 * <p>Pacing: transaction {@code i} is due at {@code start + i / rate}; a producer that falls behind (a
 * slow broker) sends what is due at once rather than dropping, so {@code count} transactions are always
 * offered. {@link #sent()} counts what the broker acknowledged.
 */
public final class TrafficProducer implements AutoCloseable {
    /** What a run did. */
    public record Result(long generated, long sent, long failed, long frauds, Duration elapsed) {
        /** Acknowledged transactions per second over the run. */
        public double rate() {
            return elapsed.isZero() ? 0 : sent * 1e9 / elapsed.toNanos();
        }
    }

    private final TrafficGenerator generator;
    private final String topic;
    private final double rate;
    private final Duration duration;
    private final long count;
    private final Clock clock;
    private final Consumer<LabelledTransaction> onSent;
    private final Producer<String, byte[]> producer;
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong frauds = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private volatile boolean stopped;

    private TrafficProducer(Builder b) {
        this.generator = b.generator;
        this.topic = Topics.name(b.generator.profile().tenant(), TopicKind.TX_RAW);
        this.rate = b.rate;
        this.duration = b.duration;
        this.count = b.count;
        this.clock = b.clock;
        this.onSent = b.onSent;
        Map<String, Object> config = new HashMap<>(b.properties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "umbra-traffic-" + b.generator.profile().tenant());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(config);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The topic this producer writes: {@code <t>.tx.raw}. */
    public String topic() {
        return topic;
    }

    /**
     * Sends until {@code count} transactions were offered, {@code duration} passed or {@link #stop()} was
     * called, then waits for every acknowledgement (flush). Call once.
     */
    public Result run() {
        long start = System.nanoTime();
        long limit = duration == null ? Long.MAX_VALUE : duration.toNanos();
        double nanosPerTx = 1e9 / rate;
        try {
            for (long i = 0; !stopped && (count < 0 || i < count); i++) {
                long due = (long) (i * nanosPerTx);
                if (due >= limit) {
                    break;
                }
                long wait;
                // Sleeping under a fraction of a millisecond costs more than it saves: send instead.
                while (!stopped && (wait = start + due - System.nanoTime()) > 200_000) {
                    LockSupport.parkNanos(wait);
                }
                if (stopped) {
                    break;
                }
                send(generator.next(clock.instant()));
            }
        } finally {
            producer.flush();
        }
        return result(Duration.ofNanos(System.nanoTime() - start));
    }

    private void send(LabelledTransaction tx) {
        generated.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, tx.key(), tx.payload()), (metadata, error) -> {
            if (error == null) {
                sent.incrementAndGet();
                if (tx.isFraud()) {
                    frauds.incrementAndGet();
                }
                if (onSent != null) {
                    onSent.accept(tx);
                }
            } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error);
            }
        });
    }

    /** Ends {@link #run()} after the transaction in hand; safe from any thread. */
    public void stop() {
        stopped = true;
    }

    /** Transactions handed to the Kafka producer so far. */
    public long generated() {
        return generated.get();
    }

    /** Transactions the broker acknowledged so far. */
    public long sent() {
        return sent.get();
    }

    /** Transactions the producer gave up on (after its retries). */
    public long failed() {
        return failed.get();
    }

    /** Planted frauds among the acknowledged transactions. */
    public long frauds() {
        return frauds.get();
    }

    /** The first send failure, or null. */
    public Exception firstFailure() {
        return firstFailure.get();
    }

    private Result result(Duration elapsed) {
        return new Result(generated.get(), sent.get(), failed.get(), frauds.get(), elapsed);
    }

    /** Stops a running {@link #run()} and closes the Kafka producer (waiting up to 10 s for outstanding sends). */
    @Override
    public void close() {
        stop();
        producer.close(Duration.ofSeconds(10));
    }

    /** How to produce: where, what, how fast, how long. */
    public static final class Builder {
        private String bootstrapServers;
        private TrafficGenerator generator;
        private double rate = 100;
        private Duration duration;
        private long count = -1;
        private Clock clock = Clock.systemUTC();
        private Consumer<LabelledTransaction> onSent;
        private final Map<String, Object> properties = new HashMap<>();

        private Builder() {
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** The tenant's generator; its profile names the topic. */
        public Builder generator(TrafficGenerator generator) {
            this.generator = Objects.requireNonNull(generator, "generator");
            return this;
        }

        /** Transactions per second (default 100). */
        public Builder rate(double perSecond) {
            if (!(perSecond > 0 && perSecond <= 1_000_000)) {
                throw new IllegalArgumentException("rate must be in (0, 1,000,000] transactions per second, got " + perSecond);
            }
            this.rate = perSecond;
            return this;
        }

        /** Stop after this long (default: no limit). */
        public Builder duration(Duration duration) {
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
            this.duration = duration;
            return this;
        }

        /** Stop after this many transactions (default: no limit). */
        public Builder count(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative, got " + count);
            }
            this.count = count;
            return this;
        }

        /** Where transaction timestamps come from (default: the system clock, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Called on the producer's I/O thread for each acknowledged transaction, with its label (for
         * example to remember which transaction ids were planted frauds). Keep it quick.
         */
        public Builder onSent(Consumer<LabelledTransaction> onSent) {
            this.onSent = onSent;
            return this;
        }

        /** Any Kafka producer property; idempotence, acks and the serializers are fixed. */
        public Builder producerProperty(String key, Object value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public TrafficProducer build() {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(generator, "generator");
            return new TrafficProducer(this);
        }
    }
}
