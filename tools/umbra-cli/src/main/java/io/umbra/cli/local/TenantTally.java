package io.umbra.cli.local;

import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import io.umbra.events.score.Score;
import io.umbra.traffic.LabelledTransaction;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one tenant's run found out about detection: which transactions were planted frauds (from the
 * generator's labels), how they scored and whether they raised alerts, and how long a transaction took
 * to come back as a decrypted score. Fed from the producer's and the monitor's threads.
 */
final class TenantTally {
    /** Planted fraud ids remembered at most (about 55 hours at 200 tx/s and 0.5 %); later ones are not tracked. */
    private static final int MAX_TRACKED_FRAUDS = 1_000_000;
    /** Latency histogram: 10 ms buckets up to 2 minutes, the last one open-ended. */
    private static final int BUCKET_MS = 10;
    private static final int BUCKETS = 12_000;

    private final Set<String> planted = ConcurrentHashMap.newKeySet();
    private final LongAdder plantedSent = new LongAdder();
    private final LongAdder plantedAlerted = new LongAdder();
    private final LongAdder genuineAlerted = new LongAdder();
    private final LongAdder plantedScored = new LongAdder();
    private final DoubleAdder plantedProbability = new DoubleAdder();
    private final LongAdder genuineScored = new LongAdder();
    private final DoubleAdder genuineProbability = new DoubleAdder();
    private final AtomicLongArray latency = new AtomicLongArray(BUCKETS);
    private final LongAdder latencyCount = new LongAdder();

    void sent(LabelledTransaction tx) {
        if (tx.isFraud()) {
            plantedSent.increment();
            if (planted.size() < MAX_TRACKED_FRAUDS) {
                planted.add(tx.transaction().transactionId());
            }
        }
    }

    void scored(Score score) {
        if (planted.contains(score.transactionId())) {
            plantedScored.increment();
            plantedProbability.add(score.fraudProbability());
        } else {
            genuineScored.increment();
            genuineProbability.add(score.fraudProbability());
            // Genuine transactions are stamped when sent, so event time to decryption is the pipeline's latency
            // (a night-time fraud carries an earlier local time on purpose).
            long ms = Duration.between(score.eventTime(), score.decryptedAt()).toMillis();
            if (ms >= 0) {
                latency.incrementAndGet((int) Math.min(BUCKETS - 1, ms / BUCKET_MS));
                latencyCount.increment();
            }
        }
    }

    void alerted(Alert alert) {
        if (alert.status() != AlertStatus.OPEN) {
            return;
        }
        if (planted.contains(alert.transactionId())) {
            plantedAlerted.increment();
        } else {
            genuineAlerted.increment();
        }
    }

    long plantedSent() {
        return plantedSent.sum();
    }

    long plantedAlerted() {
        return plantedAlerted.sum();
    }

    long genuineAlerted() {
        return genuineAlerted.sum();
    }

    /** Mean fraud probability of the planted frauds scored so far, or NaN. */
    double plantedMeanProbability() {
        long n = plantedScored.sum();
        return n == 0 ? Double.NaN : plantedProbability.sum() / n;
    }

    /** Mean fraud probability of the genuine transactions scored so far, or NaN. */
    double genuineMeanProbability() {
        long n = genuineScored.sum();
        return n == 0 ? Double.NaN : genuineProbability.sum() / n;
    }

    /** The latency quantile {@code q} in milliseconds (bucket upper bound), or -1 without data. */
    long latencyMillis(double q) {
        long n = latencyCount.sum();
        if (n == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += latency.get(i);
            if (seen >= rank) {
                return (long) (i + 1) * BUCKET_MS;
            }
        }
        return (long) BUCKETS * BUCKET_MS;
    }
}
