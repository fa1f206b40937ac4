package io.umbra.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The written record of a run: {@code load-<date>-<rate>.md} (parameters, machine, summary, latency
 * percentiles, per second) and a sibling {@code .html} with the same summary and an inline SVG chart
 * of throughput and p50/p99 latency per second. Both are self-contained: no script, no stylesheet,
 * no image fetched from anywhere.
 */
public final class LoadReport {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TITLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** The percentiles the report lists, and the labels it gives them. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private LoadReport() {
    }

    /** The files written: the Markdown report, its HTML twin and the JSON summary (with the SLA verdict, if any). */
    public record ReportFiles(Path markdown, Path html, Path json) {
    }

    /** Writes the files into {@code dir} (created if needed) and returns their paths. */
    public static ReportFiles write(LoadResult r, Path dir) {
        return write(r, null, dir);
    }

    /** Writes the files, with {@code sla}'s verdict (null: no SLA was given) in the Markdown and the JSON. */
    public static ReportFiles write(LoadResult r, SlaVerdict sla, Path dir) {
        String base = baseName(r);
        try {
            Files.createDirectories(dir);
            Path md = dir.resolve(base + ".md");
            Path html = dir.resolve(base + ".html");
            Path json = dir.resolve(base + ".json");
            Files.writeString(md, markdown(r, sla), StandardCharsets.UTF_8);
            Files.writeString(html, html(r), StandardCharsets.UTF_8);
            Files.writeString(json, LoadSummary.of(r).toJson(sla) + "\n", StandardCharsets.UTF_8);
            return new ReportFiles(md, html, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the load report into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code load-<UTC date and time>-<rate>}: the time keeps two runs at one rate on one day apart. */
    static String baseName(LoadResult r) {
        return "load-" + FILE_TIME.format(r.startedAt()) + "-" + rateText(r.plan().ratePerSecond());
    }

    static String rateText(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : String.format(Locale.ROOT, "%.2f", rate);
    }

    public static String markdown(LoadResult r) {
        return markdown(r, null);
    }

    public static String markdown(LoadResult r, SlaVerdict sla) {
        LoadPlan p = r.plan();
        StringBuilder b = new StringBuilder();
        b.append("# Load run ").append(TITLE_TIME.format(r.startedAt())).append(": ").append(rateText(p.ratePerSecond()))
                .append(" tx/s\n\n");
        b.append(verdict(r)).append("\n\n");
        if (sla != null) {
            b.append(sla.markdown());
        }
        b.append("## Parameters\n\n");
        b.append("| rate (tx/s, all tenants) | duration | warm-up | drain (max) | tenants | seed | broker | pipeline |\n");
        b.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        b.append("| ").append(rateText(p.ratePerSecond())).append(" | ").append(seconds(p.duration().toMillis() / 1000.0))
                .append(" | ").append(warmupText(r)).append(" | ").append(seconds(p.drain().toMillis() / 1000.0))
                .append(" | ").append(String.join(", ", p.tenants())).append(" | ").append(p.seed()).append(" | `")
                .append(r.target().bootstrapServers()).append("` | ")
                .append(r.target().selfStarted() ? "started by this run (LocalPipeline), stopped after" : "already running")
                .append(" |\n\n");
        b.append("## Machine\n\n");
        MachineInfo m = r.machine();
        b.append("| nproc | CPU | memory | OS | JVM of the harness |\n| --- | --- | --- | --- | --- |\n");
        b.append("| ").append(m.processors()).append(" | ").append(m.cpuModel()).append(" | ")
                .append(m.memoryMiB() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", m.memoryMiB() / 1024.0))
                .append(" | ").append(m.os()).append(" | ").append(m.java()).append(" |\n\n");
        b.append("The broker, every service and this harness share these cores.\n\n");
        b.append("## Summary (measured window)\n\n");
        b.append("| produced | scored | duplicates | lost | throughput (scored/s) | request bytes / tx | send failures | stray scores | late sends (>")
                .append((int) LoadResult.ProducerStats.LATE_MILLIS).append(" ms, whole run) | max producer lag |\n");
        b.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        TransactionLedger.Counts c = r.measured();
        b.append("| ").append(c.produced()).append(" | ").append(c.scored()).append(" | ").append(c.duplicates()).append(" | ")
                .append(c.lost()).append(" | ").append(fixed(r.throughputTps(), 1)).append(" | ")
                .append(fixed(r.requestBytesPerTransaction(), 1)).append(" | ").append(r.sendFailures()).append(" | ")
                .append(r.strays()).append(" | ").append(r.producer().lateSends()).append(" | ")
                .append(fixed(r.producer().maxLagMillis(), 1)).append(" ms |\n\n");
        TransactionLedger.Counts w = r.warmup();
        b.append("Warm-up (not counted above): ").append(w.produced()).append(" produced, ").append(w.scored()).append(" scored, ")
                .append(w.duplicates()).append(" duplicates, ").append(w.lost()).append(" lost. Request bytes: ")
                .append(r.requestBytes()).append(" in ").append(r.requestRecords())
                .append(" records on the score-request topics, over ").append(r.scoredAll())
                .append(" transactions scored in the whole run. Throughput is window scores over ")
                .append(fixed(r.windowSeconds(), 1)).append(" s; the run waited ").append(fixed(r.drainSeconds(), 1))
                .append(" s after its last send.\n\n");
        if (r.producer().stoppedEarly()) {
            b.append("**The run stopped sending early:** ").append(r.producer().stopReason()).append("\n\n");
        }
        b.append("## Latency: produce → score on `<t>.scores`, from the scheduled send time\n\n");
        b.append("| scores | p50 | p90 | p99 | p99.9 | max | mean |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        Histogram h = r.latencyMicros();
        b.append("| ").append(h.getTotalCount());
        for (double q : PERCENTILES) {
            b.append(" | ").append(ms(Timeline.percentileMillis(h, q)));
        }
        b.append(" | ").append(ms(r.maxMillis())).append(" | ")
                .append(ms(h.getTotalCount() == 0 ? Double.NaN : h.getMean() / 1000.0)).append(" |\n\n");
        b.append("## Where the time goes (every ").append(StageBreakdown.SAMPLE_EVERY).append("th score of the window, from the times it carries)\n\n");
        if (r.stages().isEmpty() || r.stages().get(0).samples() == 0) {
            b.append("No sample: nothing was scored in the window.\n\n");
        } else {
            b.append("| stage | samples | p50 | p99 |\n| --- | --- | --- | --- |\n");
            for (StageBreakdown.Stage st : r.stages()) {
                b.append("| ").append(st.name()).append(" | ").append(st.samples()).append(" | ").append(ms(st.p50Millis()))
                        .append(" | ").append(ms(st.p99Millis())).append(" |\n");
            }
            b.append('\n');
        }
        b.append("## Consumer lag per hop (records behind, sampled each second of the window)\n\n");
        if (r.lag().isEmpty()) {
            b.append("Not sampled.\n\n");
        } else {
            b.append("Committed offset of each consumer group against the topic's last stable offset, summed over partitions: "
                    + "a hop whose lag grows to the last sample is falling behind; one that stays near a batch is only queueing.\n\n");
            b.append("| topic | consumer group | samples | median | max | last |\n| --- | --- | --- | --- | --- | --- |\n");
            for (TopicLag.Row row : r.lag()) {
                b.append("| `").append(row.topic()).append("` | `").append(row.group()).append("` | ").append(row.samples())
                        .append(" | ").append(row.p50()).append(" | ").append(row.max()).append(" | ").append(row.last()).append(" |\n");
            }
            b.append('\n');
        }
        b.append("## CPU during the measured window\n\n");
        if (r.cpu().isEmpty()) {
            b.append("Not measured (no /proc on this system).\n\n");
        } else {
            b.append("Machine busy: ").append(fixed(r.machineBusyPercent(), 0)).append(" % of ").append(m.processors())
                    .append(" cores. Per Java process (100 % = one core):\n\n| process | pid | CPU |\n| --- | --- | --- |\n");
            for (ProcessCpu.Usage u : r.cpu()) {
                if (u.cpuPercent() < 0.5) {
                    continue; // idle JVMs say nothing about the bottleneck
                }
                b.append("| ").append(u.name()).append(" | ").append(u.pid()).append(" | ").append(fixed(u.cpuPercent(), 0))
                        .append(" % |\n");
            }
            b.append('\n');
        }
        b.append("<details><summary>Per second</summary>\n\n");
        b.append("| second | sent | scored | p50 | p99 |\n| --- | --- | --- | --- | --- |\n");
        for (Timeline.Second s : r.seconds()) {
            b.append("| ").append(s.index()).append(" | ").append(s.sent()).append(" | ").append(s.scored()).append(" | ")
                    .append(ms(s.p50Millis())).append(" | ").append(ms(s.p99Millis())).append(" |\n");
        }
        b.append("\n</details>\n\n");
        b.append("```json\n").append(LoadSummary.of(r).toJson(sla)).append("\n```\n");
        return b.toString();
    }

    public static String html(LoadResult r) {
        List<Timeline.Second> secs = r.seconds();
        double[] sent = new double[secs.size()];
        double[] scored = new double[secs.size()];
        double[] p50 = new double[secs.size()];
        double[] p99 = new double[secs.size()];
        for (int i = 0; i < secs.size(); i++) {
            Timeline.Second s = secs.get(i);
            sent[i] = s.sent();
            scored[i] = s.scored();
            p50[i] = s.p50Millis();
            p99[i] = s.p99Millis();
        }
        String throughput = SvgChart.render("Throughput per second", "transactions / s", List.of(
                new SvgChart.Series("sent", "#9aa5b1", sent), new SvgChart.Series("scored", "#1f6feb", scored)));
        String latency = SvgChart.render("Latency per second (produce → score)", "milliseconds", List.of(
                new SvgChart.Series("p50", "#2da44e", p50), new SvgChart.Series("p99", "#cf222e", p99)));
        TransactionLedger.Counts c = r.measured();
        StringBuilder b = new StringBuilder();
        String title = "Load run " + TITLE_TIME.format(r.startedAt()) + ": " + rateText(r.plan().ratePerSecond()) + " tx/s";
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:64em}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
                        + "th{background:#f4f4f4}</style></head><body>\n");
        b.append("<h1>").append(escape(title)).append("</h1>\n<p>").append(escape(verdict(r).replace("**", ""))).append("</p>\n");
        b.append("<table><tr><th>produced</th><th>scored</th><th>duplicates</th><th>lost</th><th>throughput (scored/s)</th>"
                + "<th>p50 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>request bytes / tx</th></tr>\n<tr><td>")
                .append(c.produced()).append("</td><td>").append(c.scored()).append("</td><td>").append(c.duplicates())
                .append("</td><td>").append(c.lost()).append("</td><td>").append(fixed(r.throughputTps(), 1)).append("</td><td>")
                .append(fixed(r.percentileMillis(50), 1)).append("</td><td>").append(fixed(r.percentileMillis(99), 1))
                .append("</td><td>").append(fixed(r.percentileMillis(99.9), 1)).append("</td><td>").append(fixed(r.maxMillis(), 1))
                .append("</td><td>").append(fixed(r.requestBytesPerTransaction(), 1)).append("</td></tr></table>\n");
        MachineInfo m = r.machine();
        b.append("<p>Machine: ").append(m.processors()).append(" processors, ").append(escape(m.cpuModel())).append(", ")
                .append(m.memoryMiB() < 0 ? "memory unknown" : String.format(Locale.ROOT, "%.1f GiB", m.memoryMiB() / 1024.0))
                .append(". Tenants: ").append(escape(String.join(", ", r.plan().tenants()))).append(". Duration ")
                .append(seconds(r.plan().duration().toMillis() / 1000.0)).append(" after a warm-up of ")
                .append(escape(warmupText(r))).append(".</p>\n");
        b.append("<figure>").append(throughput).append("</figure>\n<figure>").append(latency).append("</figure>\n");
        b.append("<p>Latency is measured from each transaction's scheduled send time (open loop), so a producer that "
                + "falls behind adds to it instead of hiding it.</p>\n</body></html>\n");
        return b.toString();
    }

    /** The warm-up as it happened: fixed, or how long the wait for steady state took and whether it settled. */
    static String warmupText(LoadResult r) {
        LoadResult.WarmupOutcome w = r.warmupOutcome();
        if (!w.untilSteady()) {
            return seconds(r.plan().warmup().toMillis() / 1000.0);
        }
        return fixed(w.seconds(), 1) + " s, " + (w.settled() ? "until steady (" : "NOT steady (") + w.note() + ")";
    }

    /** One sentence a reader takes away. */
    static String verdict(LoadResult r) {
        TransactionLedger.Counts c = r.measured();
        if (c.scored() == 0) {
            return "**Nothing was scored in the measured window**: the pipeline did not answer at this rate (or at all).";
        }
        if (r.sustained()) {
            return "**Sustained**: every produced transaction scored exactly once, p99 " + ms(r.percentileMillis(99)) + ".";
        }
        StringBuilder why = new StringBuilder("**Not sustained**:");
        if (c.lost() > 0) {
            why.append(' ').append(c.lost()).append(" lost;");
        }
        if (c.duplicates() > 0) {
            why.append(' ').append(c.duplicates()).append(" duplicates;");
        }
        if (r.sendFailures() > 0) {
            why.append(' ').append(r.sendFailures()).append(" sends failed;");
        }
        if (r.producer().stoppedEarly()) {
            why.append(" sending stopped early;");
        }
        if (!r.producer().onSchedule()) {
            why.append(" the producer fell ").append(fixed(r.producer().maxLagMillis(), 0)).append(" ms behind its schedule;");
        }
        why.setLength(why.length() - 1);
        return why.append('.').toString();
    }

    static String ms(double v) {
        return Double.isFinite(v) ? fixed(v, 1) + " ms" : "–";
    }

    static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%,." + decimals + "f", v) : "–";
    }

    private static String seconds(double s) {
        return rateText(s) + " s";
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
