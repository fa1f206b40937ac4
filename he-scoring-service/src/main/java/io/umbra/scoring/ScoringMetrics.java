package io.umbra.scoring;

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
import java.util.function.Supplier;

/**
 * The pool's meters (Prometheus names): {@code umbra_score_requests_total{tenant}} and
 * {@code umbra_score_results_total{tenant}} counted when their transaction commits,
 * {@code umbra_score_dlq_total{reason}}, {@code umbra_he_eval_seconds} (model evaluation and score
 * serialization), {@code umbra_ciphertext_load_seconds}, {@code umbra_score_batch_seconds} (a whole
 * transaction), {@code umbra_score_batches_aborted_total}, {@code umbra_bundles_known} and
 * {@code umbra_bundles_refused}.
 */
public final class ScoringMetrics implements ProcessorListener {
    private final MeterRegistry registry;
    /** The consumer's lag and the clients' other metrics. */
    private final ClientMeters clientMeters;
    private final Timer evalTime;
    private final Timer loadTime;
    private final Timer batchTime;
    private final Counter aborted;

    public ScoringMetrics(MeterRegistry registry, Supplier<Number> bundlesKnown, Supplier<Number> bundlesRefused) {
        this.registry = registry;
        this.clientMeters = new ClientMeters(registry);
        // Which HE engine computes here (UMBRA_HE_BACKEND): umbra_he_backend{backend="native"} 1
        Gauge.builder("umbra.he.backend", () -> 1).tag("backend", Backends.current().name())
                .description("the HE compute backend this process runs (UMBRA_HE_BACKEND)").register(registry);
        this.evalTime = Timer.builder("umbra.he.eval").description("homomorphic evaluation of the model on one batch")
                .publishPercentileHistogram().register(registry);
        this.loadTime = Timer.builder("umbra.ciphertext.load").description("loading and validating one batch's feature ciphertexts")
                .register(registry);
        this.batchTime = Timer.builder("umbra.score.batch").description("one poll's transaction, poll to commit").register(registry);
        this.aborted = Counter.builder("umbra.score.batches.aborted").description("transactions rolled back (replayed after)")
                .register(registry);
        Gauge.builder("umbra.bundles.known", bundlesKnown).description("(tenant, key version) pairs whose public material is loaded")
                .register(registry);
        Gauge.builder("umbra.bundles.refused", bundlesRefused).description("public bundles refused: unsigned, not signed by the pinned key, stale, mis-keyed, or not parsing").register(registry);
    }

    void scored(Duration load, Duration eval) {
        loadTime.record(load);
        evalTime.record(eval);
    }

    /** Counts of a committed transaction, per tenant. */
    void committed(Map<String, Integer> requestsByTenant, Map<String, Integer> resultsByTenant) {
        requestsByTenant.forEach((tenant, n) -> Counter.builder("umbra.score.requests").tag("tenant", tenant)
                .description("score requests consumed (committed)").register(registry).increment(n));
        resultsByTenant.forEach((tenant, n) -> Counter.builder("umbra.score.results").tag("tenant", tenant)
                .description("score results produced (committed)").register(registry).increment(n));
    }

    @Override
    public void clientsCreated(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
        clientMeters.bind(consumer, producer);
    }

    @Override
    public void batchCommitted(BatchStats stats) {
        batchTime.record(stats.latency());
        stats.deadLetteredByReason().forEach((reason, n) -> Counter.builder("umbra.score.dlq").tag("reason", reason)
                .description("score requests sent to <t>.score.dlq").register(registry).increment(n));
    }

    @Override
    public void batchAborted(int records, Throwable cause) {
        aborted.increment();
    }
}
