package io.umbra.load;

import io.umbra.events.score.Score;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a transaction's latency goes, from the four times a {@link Score} carries: scheduled send →
 * batch sealed by the encrypt-service (ingest, features, batching linger, encryption) → scored by the
 * pool (queueing and the homomorphic sum) → decrypted by the key-service → read by this harness.
 * Clocks are those of one machine. Recorded for a sample of the window's scores (parsing every score
 * would cost the cores the pipeline needs).
 */
public final class StageBreakdown {
    /** Every how many window scores one is parsed for the breakdown. */
    public static final int SAMPLE_EVERY = 10;

    /** The stages, in order. */
    public static final List<String> STAGES = List.of(
            "send → batch sealed (ingest, encrypt-service batching + encryption)",
            "sealed → scored (score.requests queue + he-scoring)",
            "scored → decrypted (score.results queue + key-service)",
            "decrypted → read by the harness (scores topic, commit)");

    private final Histogram[] stages = new Histogram[STAGES.size()];

    public StageBreakdown() {
        for (int i = 0; i < stages.length; i++) {
            stages[i] = new Histogram(Timeline.MAX_MICROS, 2);
        }
    }

    /** One score, due at {@code scheduled} and read at {@code seen}. */
    public synchronized void record(Instant scheduled, Score s, Instant seen) {
        Instant[] marks = {scheduled, s.producedAt(), s.scoredAt(), s.decryptedAt(), seen};
        for (int i = 0; i < stages.length; i++) {
            long micros = (marks[i + 1].toEpochMilli() - marks[i].toEpochMilli()) * 1000;
            stages[i].recordValue(Math.min(Math.max(micros, 0), Timeline.MAX_MICROS));
        }
    }

    /** Per stage: samples, p50 and p99 in milliseconds (NaN without samples). */
    public synchronized List<Stage> stages() {
        List<Stage> out = new ArrayList<>();
        for (int i = 0; i < stages.length; i++) {
            out.add(new Stage(STAGES.get(i), stages[i].getTotalCount(), Timeline.percentileMillis(stages[i], 50),
                    Timeline.percentileMillis(stages[i], 99)));
        }
        return out;
    }

    public record Stage(String name, long samples, double p50Millis, double p99Millis) {
    }
}
