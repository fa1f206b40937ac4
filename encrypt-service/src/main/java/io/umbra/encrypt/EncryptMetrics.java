package io.umbra.encrypt;

import io.umbra.he.backend.Backends;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.umbra.kafka.BatchStats;
import io.umbra.kafka.ClientMeters;
import io.umbra.kafka.ProcessorListener;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The encrypt-service's meters, fed by the processor ({@link ProcessorListener}: what committed) and the
 * handler (per batch, staged until its transaction commits, so a replayed poll is not counted twice).
 * Encryption time is recorded as spent, aborted or not: it is CPU the service used.
 */
public final class EncryptMetrics implements ProcessorListener {
    private final MeterRegistry registry;
    /** The consumer's lag and the clients' other metrics. */
    private final ClientMeters clientMeters;
    private final Counter recordsIn;
    private final Counter batchesOut;
    private final Counter transactionsBatched;
    private final Counter aborted;
    private final DistributionSummary fillRatio;
    private final Timer encryptionTime;
    private final AtomicInteger keyVersion = new AtomicInteger();
    private final AtomicInteger bundleStale = new AtomicInteger();
    /** Touched only on the processor thread. */
    private final List<double[]> staged = new ArrayList<>();

    public EncryptMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.clientMeters = new ClientMeters(registry);
        // Which HE engine computes here (UMBRA_HE_BACKEND): umbra_he_backend{backend="native"} 1
        Gauge.builder("umbra.he.backend", () -> 1).tag("backend", Backends.current().name())
                .description("the HE compute backend this process runs (UMBRA_HE_BACKEND)").register(registry);
        this.recordsIn = Counter.builder("umbra.encrypt.records.in").description("feature records consumed (committed)").register(registry);
        this.batchesOut = Counter.builder("umbra.encrypt.batches.out").description("encrypted batches (ScoreRequests) committed").register(registry);
        this.transactionsBatched = Counter.builder("umbra.encrypt.transactions.batched")
                .description("transactions placed in a slot of a committed batch").register(registry);
        this.aborted = Counter.builder("umbra.encrypt.polls.aborted").description("polls whose transaction was aborted and replayed").register(registry);
        this.fillRatio = DistributionSummary.builder("umbra.encrypt.batch.fill.ratio")
                .description("slots used / max slots, per committed batch").register(registry);
        this.encryptionTime = Timer.builder("umbra.encrypt.batch.encryption")
                .description("encoding, encrypting and serializing one batch's feature columns").register(registry);
        registry.gauge("umbra.encrypt.key.version", keyVersion);
        registry.gauge("umbra.encrypt.bundle.stale", bundleStale);
    }

    /** A public bundle was refused (bad signature, stale, …), by reason. */
    void bundleRefused(String reason) {
        Counter.builder("umbra.encrypt.bundles.refused").description("public bundles refused, by reason").tag("reason", reason)
                .register(registry).increment();
    }

    /** Whether the bundle in use has passed its signed validity. */
    void bundleStale(boolean stale) {
        bundleStale.set(stale ? 1 : 0);
    }

    /** The key version batches are now encrypted under (0: none yet). */
    public void keyVersion(int version) {
        keyVersion.set(version);
    }

    void stageBatch(int slots, int maxSlots, long encryptNanos) {
        encryptionTime.record(Duration.ofNanos(encryptNanos));
        staged.add(new double[] {slots, (double) slots / maxSlots});
    }

    void commitStaged() {
        for (double[] b : staged) {
            batchesOut.increment();
            transactionsBatched.increment(b[0]);
            fillRatio.record(b[1]);
        }
        staged.clear();
    }

    void dropStaged() {
        staged.clear();
    }

    @Override
    public void clientsCreated(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
        clientMeters.bind(consumer, producer);
    }

    @Override
    public void batchCommitted(BatchStats stats) {
        recordsIn.increment(stats.recordsIn());
        stats.deadLetteredByReason().forEach((reason, n) ->
                Counter.builder("umbra.encrypt.dlq").description("feature records sent to <t>.encrypt.dlq").tag("reason", reason)
                        .register(registry).increment(n));
    }

    @Override
    public void batchAborted(int records, Throwable cause) {
        aborted.increment();
    }
}
