package io.umbra.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies of the measured window: one histogram over the whole window, and per second of the
 * window the transactions sent, the scores that arrived and their median and 99th percentile — what
 * the report's chart draws. Latencies are recorded in microseconds, up to an hour (longer ones count
 * as an hour).
 *
 * <p>Scores are recorded by one thread (the score reader) in the order they arrive; sends by another
 * (the producer). Memory is one histogram plus a few numbers per second.
 */
public final class Timeline {
    static final long MAX_MICROS = 3_600_000_000L;

    private final Histogram overall = new Histogram(MAX_MICROS, 3);
    private final Histogram currentSecond = new Histogram(MAX_MICROS, 2);
    private final AtomicLongArray sentPerSecond;
    private final List<Second> seconds = new ArrayList<>();
    private int current;
    private boolean finished;

    /** @param capacitySeconds the longest window (run plus drain) it tracks; later events count in the last second */
    public Timeline(int capacitySeconds) {
        if (capacitySeconds < 1) {
            throw new IllegalArgumentException("capacitySeconds must be at least 1");
        }
        this.sentPerSecond = new AtomicLongArray(capacitySeconds);
    }

    /** A transaction of the measured window was handed to the producer {@code sinceStartNanos} after the window began. */
    public void recordSent(long sinceStartNanos) {
        sentPerSecond.incrementAndGet(secondOf(sinceStartNanos));
    }

    /** The first score of a measured transaction arrived {@code sinceStartNanos} into the window, {@code latencyNanos} after it was due. */
    public synchronized void recordScore(long sinceStartNanos, long latencyNanos) {
        if (finished) {
            throw new IllegalStateException("the timeline is finished");
        }
        int second = secondOf(sinceStartNanos);
        // scores arrive in order to within a poll; a late straggler counts in the second being filled
        while (second > current) {
            closeSecond();
        }
        long micros = Math.min(Math.max(latencyNanos, 0) / 1000, MAX_MICROS);
        overall.recordValue(micros);
        currentSecond.recordValue(micros);
    }

    private int secondOf(long sinceStartNanos) {
        long s = Math.max(sinceStartNanos, 0) / 1_000_000_000L;
        return (int) Math.min(s, sentPerSecond.length() - 1);
    }

    private void closeSecond() {
        seconds.add(new Second(current, 0, currentSecond.getTotalCount(), percentileMillis(currentSecond, 50),
                percentileMillis(currentSecond, 99)));
        currentSecond.reset();
        current++;
    }

    /**
     * Closes the window: every second up to the last one in which something was sent or scored,
     * with its send count filled in. Call once, after the score reader has stopped.
     */
    public synchronized List<Second> finish() {
        if (!finished) {
            finished = true;
            int last = current;
            for (int s = sentPerSecond.length() - 1; s > last; s--) {
                if (sentPerSecond.get(s) > 0) {
                    last = s;
                    break;
                }
            }
            while (current <= last) {
                closeSecond();
            }
            for (int i = 0; i < seconds.size(); i++) {
                Second s = seconds.get(i);
                seconds.set(i, new Second(s.index(), sentPerSecond.get(s.index()), s.scored(), s.p50Millis(), s.p99Millis()));
            }
        }
        return List.copyOf(seconds);
    }

    /** Every latency of the window, in microseconds (a copy). */
    public synchronized Histogram overall() {
        return overall.copy();
    }

    static double percentileMillis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * One second of the measured window.
     *
     * @param index     seconds since the window began
     * @param sent      transactions handed to the producer in it
     * @param scored    first scores that arrived in it
     * @param p50Millis median latency of those scores, NaN if none
     * @param p99Millis 99th percentile, NaN if none
     */
    public record Second(int index, long sent, long scored, double p50Millis, double p99Millis) {
    }
}
