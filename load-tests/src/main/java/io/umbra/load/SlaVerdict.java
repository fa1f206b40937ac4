package io.umbra.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@link Sla} checked against a finished run: one {@link Criterion} per requirement, each with what
 * was measured, what was allowed and whether it held. The run meets the SLA when every criterion holds.
 * A figure that was not measured (no score, so no percentile) fails its criterion: an SLA is never met by
 * a missing number.
 */
public record SlaVerdict(Sla sla, List<Criterion> criteria) {

    public SlaVerdict {
        Objects.requireNonNull(sla, "sla");
        criteria = List.copyOf(criteria);
    }

    /**
     * @param name     what is checked: {@code rate}, {@code duration}, {@code p50}, {@code p99}, {@code p99.9},
     *                 {@code lost}, {@code duplicates}, {@code request_bytes_per_tx}
     * @param measured what the run measured, in words with units
     * @param allowed  what the SLA allows, in words with units
     * @param passed   whether it held
     */
    public record Criterion(String name, String measured, String allowed, boolean passed) {
    }

    public boolean passed() {
        return criteria.stream().allMatch(Criterion::passed);
    }

    /** The criteria that did not hold. */
    public List<Criterion> failures() {
        return criteria.stream().filter(c -> !c.passed()).toList();
    }

    /** Checks {@code sla} against {@code r}. */
    public static SlaVerdict check(Sla sla, LoadResult r) {
        List<Criterion> c = new ArrayList<>();
        LoadPlan plan = r.plan();
        LoadResult.ProducerStats producer = r.producer();
        double windowSeconds = plan.duration().toNanos() / 1e9;
        double offered = r.measured().produced() / windowSeconds;
        boolean onSchedule = producer.onSchedule() && !producer.stoppedEarly() && r.sendFailures() == 0;
        StringBuilder measured = new StringBuilder(String.format(Locale.ROOT, "%s tx/s asked, %.1f tx/s produced", LoadReport.rateText(plan.ratePerSecond()), offered));
        if (!onSchedule) {
            measured.append(producer.stoppedEarly() ? "; sending stopped early" : "")
                    .append(r.sendFailures() > 0 ? "; " + r.sendFailures() + " sends failed" : "")
                    .append(!producer.onSchedule() ? String.format(Locale.ROOT, "; producer trailed its schedule by %.0f ms", producer.maxLagMillis()) : "");
        }
        c.add(new Criterion("rate", measured.toString(),
                "≥ " + LoadReport.rateText(sla.ratePerSecond()) + " tx/s, on schedule (lag < 1 s, nothing refused)",
                plan.ratePerSecond() >= sla.ratePerSecond() && onSchedule));
        c.add(new Criterion("duration", seconds(plan.duration().toMillis()), "≥ " + seconds(sla.duration().toMillis()),
                plan.duration().compareTo(sla.duration()) >= 0));
        if (!Double.isNaN(sla.p50Millis())) {
            c.add(latency("p50", r.percentileMillis(50), sla.p50Millis()));
        }
        c.add(latency("p99", r.percentileMillis(99), sla.p99Millis()));
        if (!Double.isNaN(sla.p999Millis())) {
            c.add(latency("p99.9", r.percentileMillis(99.9), sla.p999Millis()));
        }
        c.add(new Criterion("lost", Long.toString(r.measured().lost()), "≤ " + sla.maxLost(), r.measured().lost() <= sla.maxLost()));
        c.add(new Criterion("duplicates", Long.toString(r.measured().duplicates()), "≤ " + sla.maxDuplicates(),
                r.measured().duplicates() <= sla.maxDuplicates()));
        double bytes = r.requestBytesPerTransaction();
        c.add(new Criterion("request_bytes_per_tx", Double.isFinite(bytes) ? String.format(Locale.ROOT, "%.1f B", bytes) : "none (nothing scored)",
                "≤ " + trim(sla.maxRequestBytesPerTx()) + " B", Double.isFinite(bytes) && bytes <= sla.maxRequestBytesPerTx()));
        return new SlaVerdict(sla, c);
    }

    private static Criterion latency(String name, double measured, double allowed) {
        return new Criterion(name, Double.isFinite(measured) ? String.format(Locale.ROOT, "%.1f ms", measured) : "none (nothing scored)",
                "≤ " + trim(allowed) + " ms", Double.isFinite(measured) && measured <= allowed);
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** The lines the CLI prints: one per criterion, then the verdict. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        String title = "SLA" + (sla.name() != null ? " '" + sla.name() + "'" : "");
        lines.add(title + ":");
        int width = criteria.stream().mapToInt(x -> x.name().length()).max().orElse(4);
        for (Criterion x : criteria) {
            lines.add(String.format(Locale.ROOT, "  %-" + width + "s  %-4s  measured %s, allowed %s", x.name(), x.passed() ? "PASS" : "FAIL",
                    x.measured(), x.allowed()));
        }
        lines.add(title + (passed() ? " met" : " MISSED: " + String.join(", ", failures().stream().map(Criterion::name).toList())));
        return lines;
    }

    /** The Markdown section of the report. */
    public String markdown() {
        StringBuilder b = new StringBuilder("## SLA").append(sla.name() != null ? " `" + sla.name() + "`" : "").append(": ")
                .append(passed() ? "**met**" : "**missed**").append("\n\n");
        b.append("| criterion | measured | allowed | verdict |\n| --- | --- | --- | --- |\n");
        for (Criterion x : criteria) {
            b.append("| ").append(x.name()).append(" | ").append(x.measured()).append(" | ").append(x.allowed()).append(" | ")
                    .append(x.passed() ? "PASS" : "**FAIL**").append(" |\n");
        }
        return b.append('\n').toString();
    }

    /** {@code {"passed":…,"name":…,"criteria":[{"name":…,"measured":…,"allowed":…,"passed":…},…]}}. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"passed\":").append(passed()).append(",\"name\":")
                .append(sla.name() == null ? "null" : quote(sla.name())).append(",\"criteria\":[");
        for (int i = 0; i < criteria.size(); i++) {
            Criterion x = criteria.get(i);
            b.append(i == 0 ? "" : ",").append("{\"name\":").append(quote(x.name())).append(",\"measured\":").append(quote(x.measured()))
                    .append(",\"allowed\":").append(quote(x.allowed())).append(",\"passed\":").append(x.passed()).append('}');
        }
        return b.append("]}").toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
