package io.umbra.load;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * When each transaction of a run is due: transaction {@code i} at {@code t0 + i / rate}, whatever
 * happened to the ones before it (open loop). The first {@link #warmupCount()} transactions warm the
 * pipeline up and are left out of every figure; the rest are the measured window. Transactions go to
 * the tenants in turn, so each of {@code n} tenants gets {@code rate / n}.
 *
 * <p>Latency is measured from {@link #offsetNanos} of a transaction, not from when the producer
 * actually got round to sending it: a producer that stalls for a second makes the next second's
 * transactions a second late, and that second shows up in their latency instead of vanishing
 * (coordinated omission).
 */
public final class SendSchedule {
    /** A run larger than this is refused: the ledger keeps two bits per transaction. */
    public static final long MAX_TRANSACTIONS = 1L << 30;

    private final double ratePerSecond;
    private final double nanosPerTransaction;
    private final long measuredCount;
    private volatile long warmupCount;
    private volatile long total;
    private final List<String> tenants;

    public SendSchedule(double ratePerSecond, Duration warmup, Duration measured, List<String> tenants) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("the rate must be a positive number of transactions per second, got " + ratePerSecond);
        }
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(measured, "measured");
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("the warm-up must not be negative, got " + warmup);
        }
        if (measured.isNegative() || measured.isZero()) {
            throw new IllegalArgumentException("the duration must be positive, got " + measured);
        }
        if (tenants == null || tenants.isEmpty()) {
            throw new IllegalArgumentException("at least one tenant is needed");
        }
        this.ratePerSecond = ratePerSecond;
        this.nanosPerTransaction = 1e9 / ratePerSecond;
        this.warmupCount = countIn(warmup, ratePerSecond);
        this.measuredCount = countIn(measured, ratePerSecond);
        if (measuredCount == 0) {
            throw new IllegalArgumentException("a rate of " + ratePerSecond + "/s sends nothing in " + measured);
        }
        this.total = warmupCount + measuredCount;
        if (total > MAX_TRANSACTIONS) {
            throw new IllegalArgumentException("rate × (warm-up + duration) is " + total + " transactions, more than the "
                    + MAX_TRANSACTIONS + " one run can track");
        }
        this.tenants = List.copyOf(tenants);
    }

    private static long countIn(Duration d, double rate) {
        return Math.round(d.toNanos() / 1e9 * rate);
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** Every transaction of the run, warm-up included. */
    public long total() {
        return total;
    }

    /** Transactions {@code 0 .. warmupCount-1} are the warm-up. */
    public long warmupCount() {
        return warmupCount;
    }

    public long measuredCount() {
        return measuredCount;
    }

    /**
     * Ends the warm-up early, at transaction {@code seq} (a warm-up that waits for steady state: the schedule
     * was built with its cap as the warm-up). {@code seq} must not have been sent yet; the window keeps its
     * length, so the run's total shrinks by what the warm-up did not use. Only ever shortens the warm-up.
     */
    public synchronized void endWarmupAt(long seq) {
        if (seq < 0 || seq > warmupCount) {
            throw new IllegalArgumentException("the warm-up can only be shortened: " + seq + " is outside 0.." + warmupCount);
        }
        warmupCount = seq;
        total = seq + measuredCount;
    }

    public boolean isWarmup(long seq) {
        return seq < warmupCount;
    }

    public List<String> tenants() {
        return tenants;
    }

    /** Nanoseconds after the run's {@code t0} at which transaction {@code seq} is due. */
    public long offsetNanos(long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative, got " + seq);
        }
        return Math.round(seq * nanosPerTransaction);
    }

    /** Where the measured window starts, in nanoseconds after {@code t0}. */
    public long measuredStartNanos() {
        return offsetNanos(warmupCount);
    }

    /** The tenant transaction {@code seq} goes to: round robin. */
    public String tenantOf(long seq) {
        return tenants.get((int) (seq % tenants.size()));
    }

    /** How many transactions are due {@code elapsedNanos} after {@code t0} (0 before it, at most {@link #total()}). */
    public long dueBy(long elapsedNanos) {
        if (elapsedNanos < 0) {
            return 0;
        }
        long n = (long) Math.floor(elapsedNanos / nanosPerTransaction) + 1;
        // rounding of offsetNanos may put the boundary one either way: settle it on offsetNanos itself
        while (n > 0 && offsetNanos(n - 1) > elapsedNanos) {
            n--;
        }
        while (n < total && offsetNanos(n) <= elapsedNanos) {
            n++;
        }
        return Math.min(n, total);
    }
}
