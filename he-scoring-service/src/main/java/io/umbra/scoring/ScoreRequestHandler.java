package io.umbra.scoring;

import io.umbra.kafka.tracing.HopTracing;

import io.umbra.events.TenantId;
import io.umbra.events.TenantTopic;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.Outcome;
import io.umbra.kafka.RecordHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka face of {@link BatchScorer}: a record of {@code <t>.score.requests} in, its result on
 * {@code <t>.score.results} (keyed by batch id) or a rejection for {@code <t>.score.dlq} out. Counts
 * per tenant are staged until the transaction commits, so a replayed batch is not counted twice.
 */
final class ScoreRequestHandler implements RecordHandler {
    private final BatchScorer scorer;
    private final ScoringMetrics metrics;
    private final HopTracing tracing = HopTracing.forService("he-scoring-service");
    private final Map<String, Integer> requests = new HashMap<>();
    private final Map<String, Integer> results = new HashMap<>();

    ScoreRequestHandler(BatchScorer scorer, ScoringMetrics metrics) {
        this.scorer = scorer;
        this.metrics = metrics;
    }

    @Override
    public Outcome handle(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        java.time.Instant started = java.time.Instant.now();
        // The subscription pattern admits only names Topics.parse accepts as score.requests.
        TenantTopic source = Topics.parse(record.topic());
        TenantId tenant = source.tenant();
        requests.merge(tenant.value(), 1, Integer::sum);
        return switch (scorer.score(tenant, record.value())) {
            case BatchScorer.Refused refused -> Outcome.reject(refused.reason(), refused.message());
            case BatchScorer.Scored scored -> {
                metrics.scored(scored.loadTime(), scored.evalTime());
                results.merge(tenant.value(), 1, Integer::sum);
                byte[] key = scored.result().batchId().toString().getBytes(StandardCharsets.UTF_8);
                yield Outcome.emit(new ProducerRecord<>(Topics.name(tenant, TopicKind.SCORE_RESULTS), null, key, scored.result().encode(),
                        tracing.batchHop("score batch", record.headers(), started))); // the batch's trace; slots' contexts copied
            }
        };
    }

    @Override
    public void batchCommitted() {
        metrics.committed(requests, results);
        batchAborted();
    }

    @Override
    public void batchAborted() {
        requests.clear();
        results.clear();
    }
}
