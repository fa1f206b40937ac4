package io.umbra.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The soak run's judgement on each curve of the measured window: does a resource stay bounded under steady load?
 *
 * <p><b>Flat resources</b> (RSS, heap after GC, threads, file descriptors) must not keep growing at a steady rate.
 * The window is cut in thirds; the median of the last third against the median of the first is the growth
 * (medians, so a garbage-collection sawtooth or a burst of threads does not move it). Growth within the tolerance,
 * {@code max(10 % of the first third's median, the kind's floor)} (RSS 32 MiB, heap 16 MiB, threads 4, descriptors
 * 16), is <b>flat</b>. Growth beyond it is <b>settled</b> when the least-squares slope of the last half, carried over
 * the whole window's length, stays within the tolerance (it grew, then stopped: a cache filled, code was compiled);
 * otherwise it is <b>growing</b>: a suspected leak, and the soak fails.
 *
 * <p><b>Retained data</b> (state stores, topics) must grow, because every store and topic keeps its records until
 * their retention (7 days for the transaction topics and the dedupe store, 24 hours for the card history, …), and
 * no soak run reaches that. What a leak looks like instead is growth faster than the traffic that feeds it. At a
 * steady rate the growth of each third must be about that of the others: the growth from the second to the last
 * third more than 1.5 times that from the first to the second, plus {@code max(10 % of the last third's median,
 * the floor of 8 MiB)}, and above the highest value of the first two thirds by as much (a cleaner or a compaction
 * that shrank it in between does not count), is <b>growing faster than the traffic</b> and fails; otherwise it is <b>within
 * retention</b>, reported with its rate per hour and per day so the bound at retention can be read off. That the
 * growth stops at retention is the retention settings' job (docs/RELIABILITY.md's table), not something a soak of
 * minutes can show.
 *
 * <p><b>Heap</b>: Micrometer's heap after GC ({@code jvm_gc_live_data_size_bytes}) only has a value once the old
 * generation has been collected, and a service whose old generation never fills (the serial collector's tenured space
 * with room to spare) has none. For such a process its old generation in use is judged instead, by the flat rule: it
 * is an upper bound of what the old generation keeps alive, so flat there is flat; but growth there may be promoted
 * garbage that no collection has needed to free yet, so it is <b>inconclusive</b> rather than a failure (a real leak
 * fills the old generation, which forces the collections that give the heap-after-GC curve).
 *
 * <p>A curve with fewer than {@link #MIN_SAMPLES} samples in the window is <b>not judged</b> (and does not fail).
 */
public final class GrowthVerdict {
    /** Below this many samples a curve says nothing about its trend. */
    public static final int MIN_SAMPLES = 9;
    /** Growth allowed as a share of the level (flat) or of the size (retained). */
    public static final double RELATIVE_TOLERANCE = 0.10;
    /** How much faster the last third may grow than the second before retained data counts as growing faster than its feed. */
    public static final double ACCELERATION = 1.5;

    /** What a curve did. */
    public enum Outcome {
        FLAT(true), SETTLED(true), WITHIN_RETENTION(true), GROWING(false), INCONCLUSIVE(true), NOT_JUDGED(true);

        private final boolean passes;

        Outcome(boolean passes) {
            this.passes = passes;
        }

        public boolean passes() {
            return passes;
        }

        /** As the report writes it. */
        public String words() {
            return switch (this) {
                case FLAT -> "flat";
                case SETTLED -> "grew, then settled";
                case WITHIN_RETENTION -> "grows with the data retained";
                case GROWING -> "GROWING";
                case INCONCLUSIVE -> "grows, never collected: inconclusive";
                case NOT_JUDGED -> "not judged";
            };
        }
    }

    /**
     * One curve's verdict; values in raw units (bytes or a count).
     *
     * @param first        median of the first third
     * @param last         median of the last third
     * @param slopePerHour least-squares slope over the last half, per hour (retained data: over the whole window)
     * @param why          the figures that decided it, in words
     */
    public record Series(ResourceKind kind, String name, Outcome outcome, int samples, double first, double last, double min, double max,
                         double slopePerHour, String why) {
    }

    private GrowthVerdict() {
    }

    /** Every judged or shown curve of {@code window} (the measured window's samples), kind by kind. */
    public static List<Series> judgeAll(ResourceCurves window) {
        List<Series> out = new ArrayList<>();
        for (ResourceKind kind : ResourceKind.values()) {
            if (kind.rule() == ResourceKind.Rule.SHOWN) {
                continue;
            }
            for (Map.Entry<String, List<ResourceCurves.Point>> e : window.of(kind).entrySet()) {
                out.add(judge(kind, e.getKey(), e.getValue()));
            }
            if (kind == ResourceKind.HEAP_AFTER_GC) {
                out.addAll(upperBounds(window));
            }
        }
        return out;
    }

    /** The old generation in use of each process whose heap after GC has too few samples, judged as its upper bound. */
    private static List<Series> upperBounds(ResourceCurves window) {
        List<Series> out = new ArrayList<>();
        Map<String, List<ResourceCurves.Point>> afterGc = window.of(ResourceKind.HEAP_AFTER_GC);
        for (Map.Entry<String, List<ResourceCurves.Point>> e : window.of(ResourceKind.OLD_GEN_USED).entrySet()) {
            if (afterGc.getOrDefault(e.getKey(), List.of()).size() >= MIN_SAMPLES) {
                continue;
            }
            Series v = judgeCurve(ResourceKind.OLD_GEN_USED, e.getKey(), e.getValue());
            if (v.outcome() == Outcome.GROWING) {
                v = new Series(v.kind(), v.name(), Outcome.INCONCLUSIVE, v.samples(), v.first(), v.last(), v.min(), v.max(),
                        v.slopePerHour(), v.why() + "; no collection of the old generation in the window, so this may be garbage");
            }
            out.add(v);
        }
        return out;
    }

    /** Whether no curve is {@link Outcome#GROWING}. */
    public static boolean passed(List<Series> verdicts) {
        return verdicts.stream().allMatch(s -> s.outcome().passes());
    }

    public static Series judge(ResourceKind kind, String name, List<ResourceCurves.Point> points) {
        if (kind.rule() == ResourceKind.Rule.SHOWN) {
            throw new IllegalArgumentException(kind + " is shown, not judged on its own");
        }
        return judgeCurve(kind, name, points);
    }

    /** {@link #judge}, for any kind (the shown old generation too, as an upper bound). */
    private static Series judgeCurve(ResourceKind kind, String name, List<ResourceCurves.Point> points) {
        int n = points.size();
        double[] t = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = (points.get(i).atMillis() - points.get(0).atMillis()) / 1000.0;
            v[i] = points.get(i).value();
        }
        double min = Arrays.stream(v).min().orElse(Double.NaN);
        double max = Arrays.stream(v).max().orElse(Double.NaN);
        if (n < MIN_SAMPLES) {
            return new Series(kind, name, Outcome.NOT_JUDGED, n, Double.NaN, Double.NaN, min, max, Double.NaN,
                    n + " samples in the window, fewer than " + MIN_SAMPLES);
        }
        int third = n / 3;
        double first = median(v, 0, third);
        double middle = median(v, third, n - third);
        double last = median(v, n - third, n);
        double span = t[n - 1] - t[0];
        if (kind.rule() == ResourceKind.Rule.RETAINED) {
            double slope = slope(t, v, 0, n);
            double early = middle - first;
            double late = last - middle;
            double allowance = Math.max(RELATIVE_TOLERANCE * Math.abs(last), kind.floor());
            double earlierHigh = Arrays.stream(v, 0, n - third).max().orElse(0);
            // a compacted topic or a store the cleaner shrank grows back: not faster than its feed while below its earlier high
            boolean faster = late > ACCELERATION * Math.max(early, 0) + allowance && last > earlierHigh + allowance;
            String why = String.format(Locale.ROOT, "grew %s from the first third to the second, %s from the second to the last"
                    + " (allowed: 1.5 × the first + %s)", amount(kind, early), amount(kind, late), amount(kind, allowance));
            return new Series(kind, name, faster ? Outcome.GROWING : Outcome.WITHIN_RETENTION, n, first, last, min, max,
                    slope * 3600, why);
        }
        double tolerance = Math.max(RELATIVE_TOLERANCE * Math.abs(first), kind.floor());
        double growth = last - first;
        double lateSlope = slope(t, v, n / 2, n);
        double carried = lateSlope * span;
        Outcome outcome;
        String why;
        if (growth <= tolerance) {
            outcome = Outcome.FLAT;
            why = String.format(Locale.ROOT, "last third's median %s the first's by %s (tolerance %s)",
                    growth >= 0 ? "above" : "below", amount(kind, Math.abs(growth)), amount(kind, tolerance));
        } else if (carried <= tolerance) {
            outcome = Outcome.SETTLED;
            why = String.format(Locale.ROOT, "up %s between the first and last thirds (tolerance %s), but the last half's"
                    + " slope carried over the window is %s", amount(kind, growth), amount(kind, tolerance), amount(kind, carried));
        } else {
            outcome = Outcome.GROWING;
            why = String.format(Locale.ROOT, "up %s between the first and last thirds (tolerance %s), and still rising in the"
                    + " last half: %s over the window's length", amount(kind, growth), amount(kind, tolerance), amount(kind, carried));
        }
        return new Series(kind, name, outcome, n, first, last, min, max, lateSlope * 3600, why);
    }

    static String amount(ResourceKind kind, double raw) {
        double u = kind.inUnits(raw);
        return (Math.abs(u) >= 100 || u == Math.rint(u) ? String.format(Locale.ROOT, "%,.0f", u) : String.format(Locale.ROOT, "%.1f", u))
                + " " + kind.unit();
    }

    static double median(double[] v, int from, int to) {
        double[] part = Arrays.copyOfRange(v, from, to);
        Arrays.sort(part);
        int k = part.length;
        return k % 2 == 1 ? part[k / 2] : (part[k / 2 - 1] + part[k / 2]) / 2;
    }

    /** Least-squares slope of {@code v} over {@code t} on {@code [from, to)}; 0 for a single point. */
    static double slope(double[] t, double[] v, int from, int to) {
        int k = to - from;
        double mt = 0;
        double mv = 0;
        for (int i = from; i < to; i++) {
            mt += t[i];
            mv += v[i];
        }
        mt /= k;
        mv /= k;
        double num = 0;
        double den = 0;
        for (int i = from; i < to; i++) {
            num += (t[i] - mt) * (v[i] - mv);
            den += (t[i] - mt) * (t[i] - mt);
        }
        return den == 0 ? 0 : num / den;
    }
}
