package io.umbra.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether the pipeline keeps up, judged on the warm-up's own scores: the warm-up of a run that waits for
 * steady state ends at the first check where, over the last {@code window} whole seconds together
 * (a sliding window: batching makes single seconds lumpy),
 *
 * <ul>
 *   <li>scores arrived at no less than {@value #KEEP_UP_SHARE} of the offered rate (nothing piles up),</li>
 *   <li>their 99th-percentile latency stayed at or below {@code p99Bound},</li>
 * </ul>
 * and the transactions in flight (produced, not yet scored) are no more than the rate can put in flight
 * within twice that bound. A cold JVM's backlog fails all three until it has drained.
 *
 * <p>Times are nanoseconds since the run's {@code t0}, given by the caller, so the rule is tested without a
 * clock. Scores are recorded by the score reader, checks made by the producer thread.
 */
public final class SteadyState {
    /** The share of the offered rate that must come back scored, per second of the sliding window. */
    public static final double KEEP_UP_SHARE = 0.9;

    private final double ratePerSecond;
    private final int windowSeconds;
    private final double p99BoundMillis;
    private final Histogram[] perSecond;
    private final long[] counts;
    private final long[] secondOf;
    private String lastReason = "no check yet";

    /**
     * @param ratePerSecond the offered rate
     * @param window        the sliding window, in whole seconds (at least 1 s)
     * @param p99Bound      the per-second 99th-percentile latency that counts as keeping up
     */
    public SteadyState(double ratePerSecond, Duration window, Duration p99Bound) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(p99Bound, "p99Bound");
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("the rate must be positive");
        }
        this.windowSeconds = (int) Math.max(1, window.toSeconds());
        if (p99Bound.isNegative() || p99Bound.isZero()) {
            throw new IllegalArgumentException("the steady-state p99 bound must be positive, got " + p99Bound);
        }
        this.ratePerSecond = ratePerSecond;
        this.p99BoundMillis = p99Bound.toNanos() / 1e6;
        int slots = windowSeconds + 2;
        this.perSecond = new Histogram[slots];
        this.counts = new long[slots];
        this.secondOf = new long[slots];
        for (int i = 0; i < slots; i++) {
            perSecond[i] = new Histogram(Timeline.MAX_MICROS, 2);
            secondOf[i] = -1;
        }
    }

    /** A first score of a warm-up transaction arrived {@code atNanos} after t0, {@code latencyNanos} after it was due. */
    public synchronized void recordScore(long atNanos, long latencyNanos) {
        long second = Math.max(atNanos, 0) / 1_000_000_000L;
        int slot = (int) (second % perSecond.length);
        if (secondOf[slot] != second) {
            if (secondOf[slot] > second) {
                return; // older than the window: it no longer matters
            }
            perSecond[slot].reset();
            counts[slot] = 0;
            secondOf[slot] = second;
        }
        perSecond[slot].recordValue(Math.min(Math.max(latencyNanos, 0) / 1000, Timeline.MAX_MICROS));
        counts[slot]++;
    }

    /**
     * Whether the last {@code window} whole seconds before {@code nowNanos} show the pipeline keeping up with
     * {@code inFlight} transactions waiting. When not, {@link #reason()} says which rule failed.
     */
    public synchronized boolean isSteady(long nowNanos, long inFlight) {
        long current = Math.max(nowNanos, 0) / 1_000_000_000L;
        if (current < windowSeconds) {
            lastReason = "fewer than " + windowSeconds + " whole seconds of scores so far";
            return false;
        }
        double needed = ratePerSecond * KEEP_UP_SHARE * windowSeconds;
        long scored = 0;
        Histogram window = new Histogram(Timeline.MAX_MICROS, 2);
        for (long s = current - windowSeconds; s < current; s++) {
            int slot = (int) (s % perSecond.length);
            if (secondOf[slot] == s) {
                scored += counts[slot];
                window.add(perSecond[slot]);
            }
        }
        if (scored < needed) {
            lastReason = String.format(Locale.ROOT, "%d scored in the last %d s, fewer than %.0f (%.0f %% of %s tx/s)", scored,
                    windowSeconds, needed, KEEP_UP_SHARE * 100, LoadReport.rateText(ratePerSecond));
            return false;
        }
        double p99 = window.getValueAtPercentile(99) / 1000.0;
        if (p99 > p99BoundMillis) {
            lastReason = String.format(Locale.ROOT, "p99 %.0f ms over the last %d s, above the bound of %.0f ms", p99, windowSeconds,
                    p99BoundMillis);
            return false;
        }
        double maxInFlight = Math.max(1, ratePerSecond * 2 * p99BoundMillis / 1000.0);
        if (inFlight > maxInFlight) {
            lastReason = String.format(Locale.ROOT, "%d in flight, more than the %.0f that %s tx/s puts in flight within twice the bound",
                    inFlight, maxInFlight, LoadReport.rateText(ratePerSecond));
            return false;
        }
        lastReason = "steady";
        return true;
    }

    /** Why the last {@link #isSteady} said no, or "steady". */
    public synchronized String reason() {
        return lastReason;
    }

    public int windowSeconds() {
        return windowSeconds;
    }

    public double p99BoundMillis() {
        return p99BoundMillis;
    }
}
