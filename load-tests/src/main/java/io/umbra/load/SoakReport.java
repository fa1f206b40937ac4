package io.umbra.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The soak part of a load report: a section appended to the run's Markdown (the verdict, what was sampled, a
 * table per resource kind) and one SVG chart per kind beside it ({@code <report>-soak-<kind>.svg}), a line per
 * process, state directory or topic, over the measured window.
 */
public final class SoakReport {
    /** The most lines one chart draws (the largest at the end); the table lists every series. */
    static final int MAX_LINES = 10;
    private static final String[] COLORS = {"#1f6feb", "#cf222e", "#2da44e", "#bf8700", "#8250df", "#0a7f86", "#e16f24",
        "#6e7781", "#d4317c", "#3d2c00", "#57ab5a", "#0550ae"};

    /**
     * What a soak run found.
     *
     * @param window      the samples of the measured window
     * @param verdicts    each judged curve's verdict
     * @param every       the sampling period
     * @param sampled     what was sampled, in words (the processes, the broker's place)
     * @param topicPolicy each topic's cleanup policy and retention, as the broker reported them
     */
    public record Result(ResourceCurves window, List<GrowthVerdict.Series> verdicts, Duration every, List<String> sampled,
                         Map<String, String> topicPolicy) {
        public Result {
            verdicts = List.copyOf(verdicts);
            sampled = List.copyOf(sampled);
            topicPolicy = Map.copyOf(topicPolicy);
        }

        public boolean passed() {
            return GrowthVerdict.passed(verdicts);
        }

        /** The curves that grew, as lines for the terminal; empty when it passed. */
        public List<String> growing() {
            return verdicts.stream().filter(v -> !v.outcome().passes())
                    .map(v -> v.kind().title() + " of " + v.name() + ": " + v.why()).toList();
        }
    }

    private SoakReport() {
    }

    /** Writes the charts beside {@code markdown} and appends the soak section to it; returns the charts' paths. */
    public static List<Path> append(Path markdown, Result r) {
        String base = markdown.getFileName().toString().replaceFirst("\\.md$", "");
        List<Path> charts = new ArrayList<>();
        try {
            for (ResourceKind kind : ResourceKind.values()) {
                String svg = chart(kind, r);
                if (svg != null) {
                    Path p = markdown.resolveSibling(base + "-soak-" + kind.slug() + ".svg");
                    Files.writeString(p, svg + "\n", StandardCharsets.UTF_8);
                    charts.add(p);
                }
            }
            Files.writeString(markdown, section(base, r), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the soak report beside " + markdown + ": " + e.getMessage(), e);
        }
        return charts;
    }

    /** The Markdown section; chart links are relative to the report ({@code <base>-soak-<kind>.svg}). */
    static String section(String base, Result r) {
        StringBuilder b = new StringBuilder("\n## Soak: resources over the measured window\n\n");
        if (r.passed()) {
            b.append("**Bounded**: no resource kept growing. Flat resources (RSS, heap after GC, threads, file descriptors) stayed within"
                    + " their tolerance or settled; retained data (state stores, topics) grew no faster than the traffic.\n\n");
        } else {
            b.append("**GROWING**: ").append(r.growing().size()).append(" curve(s) kept growing under steady load (a suspected leak):\n\n");
            r.growing().forEach(g -> b.append("- ").append(g).append('\n'));
            b.append('\n');
        }
        b.append("Sampled every ").append(LoadRun.human(r.every())).append(": ");
        b.append(String.join("; ", r.sampled())).append(".\n\n");
        b.append("The rule (`GrowthVerdict`): a flat resource passes when the median of the window's last third is within max(10 %"
                + " of the first third's median, a floor: RSS 32 MiB, heap 16 MiB, threads 4, descriptors 16) of the first third's,"
                + " or when it grew but the least-squares slope of the last half, carried over the whole window, is within that"
                + " tolerance (settled); otherwise it is growing and the soak fails. Retained data passes unless the growth from"
                + " the second third to the last is more than 1.5 × that from the first to the second plus max(10 % of its size,"
                + " 8 MiB) and it is above its earlier high by as much: faster than a steady feed. No soak of minutes reaches a"
                + " retention of hours or days, so the bound itself is the retention settings' (docs/RELIABILITY.md); the rate per"
                + " day below is what that bound has to hold.\n\n");
        for (String note : r.window().notes()) {
            b.append("- Note: ").append(note).append('\n');
        }
        if (!r.window().notes().isEmpty()) {
            b.append('\n');
        }
        for (ResourceKind kind : ResourceKind.values()) {
            Map<String, List<ResourceCurves.Point>> curves = r.window().of(kind);
            if (curves.isEmpty()) {
                continue;
            }
            b.append("### ").append(capitalised(kind.title())).append(" (").append(kind.unit()).append(")\n\n");
            b.append("![").append(kind.title()).append("](").append(base).append("-soak-").append(kind.slug()).append(".svg)\n\n");
            if (kind.rule() == ResourceKind.Rule.SHOWN) {
                b.append("Between two collections of the old generation it also holds the garbage promoted since the last one;"
                        + " the judged figure is the heap after GC above. A process without enough heap-after-GC samples (its old"
                        + " generation was never collected in the window) is judged here instead, as an upper bound: flat is"
                        + " flat, growth is inconclusive (it may be garbage no collection has needed to free).\n\n");
                if (r.verdicts().stream().noneMatch(v -> v.kind() == kind)) {
                    continue;
                }
            }
            boolean retained = kind.rule() == ResourceKind.Rule.RETAINED;
            b.append("| ").append(kind == ResourceKind.TOPIC ? "topic" : "process").append(" | samples | first third (median) | last third"
                    + " (median) | min | max | ").append(retained ? "rate per hour (whole window) | per day" : "slope per hour (last half)")
                    .append(kind == ResourceKind.TOPIC ? " | policy" : "").append(" | verdict | why |\n");
            b.append("| --- | --- | --- | --- | --- | --- | --- |").append(retained ? " --- |" : "")
                    .append(kind == ResourceKind.TOPIC ? " --- |" : "").append(" --- | --- |\n");
            for (GrowthVerdict.Series v : r.verdicts()) {
                if (v.kind() != kind) {
                    continue;
                }
                b.append("| ").append(kind == ResourceKind.TOPIC ? "`" + v.name() + "`" : v.name()).append(" | ").append(v.samples())
                        .append(" | ").append(value(kind, v.first())).append(" | ").append(value(kind, v.last())).append(" | ")
                        .append(value(kind, v.min())).append(" | ").append(value(kind, v.max())).append(" | ")
                        .append(value(kind, v.slopePerHour()));
                if (retained) {
                    b.append(" | ").append(value(kind, v.slopePerHour() * 24));
                }
                if (kind == ResourceKind.TOPIC) {
                    b.append(" | ").append(r.topicPolicy().getOrDefault(v.name(), "?"));
                }
                b.append(" | ").append(v.outcome().passes() ? v.outcome().words() : "**" + v.outcome().words() + "**")
                        .append(" | ").append(v.why()).append(" |\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** One kind's chart over the window, x in minutes; null when the kind has no sample. */
    static String chart(ResourceKind kind, Result r) {
        Map<String, List<ResourceCurves.Point>> curves = r.window().of(kind);
        if (curves.isEmpty()) {
            return null;
        }
        TreeSet<Long> times = new TreeSet<>();
        curves.values().forEach(ps -> ps.forEach(p -> times.add(p.atMillis())));
        List<Long> axis = new ArrayList<>(times);
        List<Map.Entry<String, List<ResourceCurves.Point>>> lines = new ArrayList<>(curves.entrySet());
        String title = capitalised(kind.title());
        if (lines.size() > MAX_LINES) {
            lines.sort(Comparator.comparingDouble((Map.Entry<String, List<ResourceCurves.Point>> e) ->
                    e.getValue().get(e.getValue().size() - 1).value()).reversed());
            lines = new ArrayList<>(lines.subList(0, MAX_LINES));
            lines.sort(Map.Entry.comparingByKey());
            title += " (the " + MAX_LINES + " largest of " + curves.size() + ")";
        }
        List<SvgChart.Series> series = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            double[] values = new double[axis.size()];
            java.util.Arrays.fill(values, Double.NaN);
            for (ResourceCurves.Point p : lines.get(k).getValue()) {
                values[axis.indexOf(p.atMillis())] = kind.inUnits(p.value());
            }
            series.add(new SvgChart.Series(lines.get(k).getKey(), COLORS[k % COLORS.length], values));
        }
        // the x axis: minutes since the window's first sample, the points evenly spaced at the sampling period
        double perPoint = r.every().toMillis() / 60_000.0;
        return SvgChart.render(title, kind.unit(), series, "minutes since the measured window began", perPoint);
    }

    private static String value(ResourceKind kind, double raw) {
        if (!Double.isFinite(raw)) {
            return "–";
        }
        double u = kind.inUnits(raw);
        return Math.abs(u) >= 100 || u == Math.rint(u) ? String.format(Locale.ROOT, "%,.0f", u) : String.format(Locale.ROOT, "%.1f", u);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
