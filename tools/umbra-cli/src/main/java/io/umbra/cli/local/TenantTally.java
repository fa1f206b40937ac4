package io.umbra.cli.local;

import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import io.umbra.events.score.Score;
import io.umbra.traffic.FraudPattern;
import io.umbra.traffic.LabelledTransaction;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What one tenant's run found out about detection, counting only the transactions its own generator sent: which were
 * planted frauds and of which pattern (the generator's labels), how they scored, whether they raised alerts, and how long
 * a transaction took to come back as a decrypted score. A score or alert of a transaction this run did not send (another
 * producer on the same topics: {@code umbra produce}, {@code POST /transactions}, a load test) is counted apart and enters
 * neither recall nor precision. Fed from the producer's and the monitor's threads.
 */
final class TenantTally {
    /** Planted fraud ids remembered at most (about 55 hours at 200 tx/s and 0.5 %); later ones are not tracked. */
    private static final int MAX_TRACKED_FRAUDS = 1_000_000;
    /** Genuine ids sent are remembered this long: a score or alert later than that is counted as unmatched. */
    static final Duration GENUINE_MEMORY = Duration.ofMinutes(10);
    /** Latency histogram: 10 ms buckets up to 2 minutes, the last one open-ended. */
    private static final int BUCKET_MS = 10;
    private static final int BUCKETS = 12_000;

    private final LongSupplier nanoClock;
    private final Map<String, FraudPattern> planted = new ConcurrentHashMap<>();
    /** Genuine transaction id → when it was sent ({@link #nanoClock}); pruned after {@link #GENUINE_MEMORY}. */
    private final Map<String, Long> genuine = new ConcurrentHashMap<>();
    private final AtomicLong lastPrune;
    private final LongAdder plantedSent = new LongAdder();
    private final LongAdder genuineSent = new LongAdder();
    private final Map<FraudPattern, LongAdder> sentByPattern = adders();
    private final Map<FraudPattern, LongAdder> scoredByPattern = adders();
    private final Map<FraudPattern, LongAdder> alertedByPattern = adders();
    private final Set<String> alertedPlanted = ConcurrentHashMap.newKeySet();
    private final LongAdder genuineAlerted = new LongAdder();
    private final LongAdder foreignScored = new LongAdder();
    private final LongAdder foreignAlerted = new LongAdder();
    private final LongAdder plantedScored = new LongAdder();
    private final DoubleAdder plantedProbability = new DoubleAdder();
    private final LongAdder genuineScored = new LongAdder();
    private final DoubleAdder genuineProbability = new DoubleAdder();
    private final AtomicLongArray latency = new AtomicLongArray(BUCKETS);
    private final LongAdder latencyCount = new LongAdder();

    TenantTally() {
        this(System::nanoTime);
    }

    TenantTally(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastPrune = new AtomicLong(nanoClock.getAsLong());
    }

    private static Map<FraudPattern, LongAdder> adders() {
        Map<FraudPattern, LongAdder> m = new EnumMap<>(FraudPattern.class);
        for (FraudPattern p : FraudPattern.values()) {
            m.put(p, new LongAdder());
        }
        return m;
    }

    /** A transaction this run's generator sent. */
    void sent(LabelledTransaction tx) {
        if (tx.isFraud()) {
            plantedSent.increment();
            sentByPattern.get(tx.fraud()).increment();
            if (planted.size() < MAX_TRACKED_FRAUDS) {
                planted.put(tx.transaction().transactionId(), tx.fraud());
            }
        } else {
            genuineSent.increment();
            long now = nanoClock.getAsLong();
            genuine.put(tx.transaction().transactionId(), now);
            long last = lastPrune.get();
            if (now - last > GENUINE_MEMORY.toNanos() / 10 && lastPrune.compareAndSet(last, now)) {
                long cutoff = now - GENUINE_MEMORY.toNanos();
                genuine.values().removeIf(t -> t < cutoff);
            }
        }
    }

    void scored(Score score) {
        FraudPattern pattern = planted.get(score.transactionId());
        if (pattern != null) {
            plantedScored.increment();
            scoredByPattern.get(pattern).increment();
            plantedProbability.add(score.fraudProbability());
        } else if (genuine.containsKey(score.transactionId())) {
            genuineScored.increment();
            genuineProbability.add(score.fraudProbability());
            // Genuine transactions are stamped when sent, so event time to decryption is the pipeline's latency
            // (a night-time fraud carries an earlier local time on purpose).
            long ms = Duration.between(score.eventTime(), score.decryptedAt()).toMillis();
            if (ms >= 0) {
                latency.incrementAndGet((int) Math.min(BUCKETS - 1, ms / BUCKET_MS));
                latencyCount.increment();
            }
        } else {
            foreignScored.increment();
        }
    }

    void alerted(Alert alert) {
        if (alert.status() != AlertStatus.OPEN) {
            return;
        }
        FraudPattern pattern = planted.get(alert.transactionId());
        if (pattern != null) {
            if (alertedPlanted.add(alert.transactionId())) {
                alertedByPattern.get(pattern).increment();
            }
        } else if (genuine.containsKey(alert.transactionId())) {
            genuineAlerted.increment();
        } else {
            foreignAlerted.increment();
        }
    }

    long plantedSent() {
        return plantedSent.sum();
    }

    long genuineSent() {
        return genuineSent.sum();
    }

    long plantedAlerted() {
        return alertedPlanted.size();
    }

    /** Planted frauds whose score came back. */
    long plantedScored() {
        return plantedScored.sum();
    }

    /** Open alerts on genuine transactions this run sent. */
    long genuineAlerted() {
        return genuineAlerted.sum();
    }

    /** Scores of transactions this run did not send (or sent longer ago than {@link #GENUINE_MEMORY}). */
    long foreignScored() {
        return foreignScored.sum();
    }

    /** Alerts on transactions this run did not send: in neither recall nor precision. */
    long foreignAlerted() {
        return foreignAlerted.sum();
    }

    long sent(FraudPattern p) {
        return sentByPattern.get(p).sum();
    }

    long scored(FraudPattern p) {
        return scoredByPattern.get(p).sum();
    }

    long alerted(FraudPattern p) {
        return alertedByPattern.get(p).sum();
    }

    /** Alerted planted frauds over planted frauds scored (those whose pattern appeared and came back), or NaN. */
    double recall() {
        long n = plantedScored();
        return n == 0 ? Double.NaN : (double) plantedAlerted() / n;
    }

    /** Alerted planted frauds over every alert on this run's own transactions, or NaN without alerts. */
    double precision() {
        long alerts = plantedAlerted() + genuineAlerted();
        return alerts == 0 ? Double.NaN : (double) plantedAlerted() / alerts;
    }

    /** Mean fraud probability of the planted frauds scored so far, or NaN. */
    double plantedMeanProbability() {
        long n = plantedScored.sum();
        return n == 0 ? Double.NaN : plantedProbability.sum() / n;
    }

    /** Mean fraud probability of this run's genuine transactions scored so far, or NaN. */
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
