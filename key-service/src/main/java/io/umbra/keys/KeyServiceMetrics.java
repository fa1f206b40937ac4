package io.umbra.keys;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.umbra.he.backend.Backends;
import io.umbra.kafka.BatchStats;
import io.umbra.kafka.ClientMeters;
import io.umbra.kafka.ProcessorListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The key-service's meters. Results in, scores out and dead letters are counted per committed
 * transaction (an aborted batch is replayed and counted once); decryption time per result.
 *
 * <pre>
 * umbra_key_results_in_total            score results consumed
 * umbra_key_scores_out_total            plaintext scores produced
 * umbra_key_dlq_total{reason=...}       results dead-lettered, by reason
 * umbra_key_decrypt_seconds             decrypt + decode of one score ciphertext
 * umbra_key_version                     the current key version (what is published)
 * umbra_key_score_latency_seconds       a transaction's time (eventTime) to its score decrypted: the SLA's latency
 * </pre>
 */
public final class KeyServiceMetrics implements ProcessorListener {
    private final MeterRegistry registry;
    /** The consumer's lag and the clients' other metrics. */
    private final ClientMeters clientMeters;
    private final Counter resultsIn;
    private final Counter scoresOut;
    private final Timer decrypt;
    private final Timer scoreLatency;
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final AtomicInteger keyVersion = new AtomicInteger();

    public KeyServiceMetrics(MeterRegistry registry, String tenant) {
        this.registry = registry;
        this.clientMeters = new ClientMeters(registry);
        // Which HE engine computes here (UMBRA_HE_BACKEND): umbra_he_backend{backend="native"} 1
        Gauge.builder("umbra.he.backend", () -> 1).tag("backend", Backends.current().name())
                .description("the HE compute backend this process runs (UMBRA_HE_BACKEND)").register(registry);
        this.resultsIn = Counter.builder("umbra.key.results.in").description("score results consumed").tag("tenant", tenant).register(registry);
        this.scoresOut = Counter.builder("umbra.key.scores.out").description("plaintext scores produced").tag("tenant", tenant).register(registry);
        this.decrypt = Timer.builder("umbra.key.decrypt").description("decrypt and decode of one score ciphertext").tag("tenant", tenant)
                .publishPercentiles(0.5, 0.99).register(registry);
        // Per score, a histogram (and the SLA's bounds as buckets): what the p99 alert and panel read. Recorded at
        // decryption, before the commit, so a replayed batch counts its scores again.
        this.scoreLatency = Timer.builder("umbra.key.score.latency")
                .description("a transaction's own time (eventTime, the bank's clock) to its score decrypted here")
                .tag("tenant", tenant).publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(250), Duration.ofSeconds(1))
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        registry.gauge("umbra.key.version", io.micrometer.core.instrument.Tags.of("tenant", tenant), keyVersion);
    }

    public void keyVersion(int version) {
        keyVersion.set(version);
    }

    /** A score decrypted: its latency since the transaction's time (a clock ahead of ours counts 0). */
    public void scored(java.time.Instant eventTime, java.time.Instant decryptedAt) {
        scoreLatency.record(Math.max(0, decryptedAt.toEpochMilli() - eventTime.toEpochMilli()), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void decryptTook(Duration d) {
        decrypt.record(d);
    }

    @Override
    public void clientsCreated(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
        clientMeters.bind(consumer, producer);
    }

    @Override
    public void batchCommitted(BatchStats stats) {
        resultsIn.increment(stats.recordsIn());
        scoresOut.increment(stats.recordsOut());
        stats.deadLetteredByReason().forEach((reason, n) -> deadLetters.computeIfAbsent(reason,
                r -> Counter.builder("umbra.key.dlq").description("results dead-lettered, by reason").tag("reason", r).register(registry))
                .increment(n));
    }
}
