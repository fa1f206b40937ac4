package io.umbra.he.perf;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * docs/REFERENCE-FIGURES.md's measuring method, as SEAL's figures were taken: a few warm-up calls, then calls
 * timed one by one until there are at least {@code minCalls} of them and at least {@code minNanos}
 * have passed; the result is the median. On a JVM the first calls of a run also pay for JIT
 * compilation, which the median discards as long as they are a minority of the calls.
 */
public final class MedianTimer {
    private final int warmups;
    private final int minCalls;
    private final long minNanos;
    /** Results are folded in here so the JIT cannot drop a call whose result is unused. */
    private volatile int sink;

    public MedianTimer(int warmups, int minCalls, long minNanos) {
        if (warmups < 0 || minCalls < 1 || minNanos < 0) {
            throw new IllegalArgumentException("warm-ups must be >= 0, calls >= 1, time >= 0");
        }
        this.warmups = warmups;
        this.minCalls = minCalls;
        this.minNanos = minNanos;
    }

    /** docs/REFERENCE-FIGURES.md's defaults: 3 warm-ups, at least 15 calls and 1 s. */
    public static MedianTimer standard() {
        return new MedianTimer(3, 15, 1_000_000_000L);
    }

    /** One measurement: the median call time and how many calls it is the median of. */
    public record Result(double medianMicros, int calls, double minMicros, double maxMicros) {
    }

    public Result measure(Supplier<?> call) {
        int h = 0;
        for (int i = 0; i < warmups; i++) {
            h += System.identityHashCode(call.get());
        }
        long[] times = new long[Math.max(64, minCalls)];
        int count = 0;
        long start = System.nanoTime();
        while (count < minCalls || System.nanoTime() - start < minNanos) {
            long t0 = System.nanoTime();
            Object r = call.get();
            long t1 = System.nanoTime();
            h += System.identityHashCode(r);
            if (count == times.length) {
                times = Arrays.copyOf(times, 2 * count);
            }
            times[count++] = t1 - t0;
        }
        sink += h;
        long[] sorted = Arrays.copyOf(times, count);
        Arrays.sort(sorted);
        double median = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0;
        return new Result(median / 1e3, count, sorted[0] / 1e3, sorted[count - 1] / 1e3);
    }
}
