package io.umbra.load;

import java.util.Locale;

/**
 * The one-line JSON a run prints last on standard output, for scripts:
 * {@code {"produced":…,"scored":…,"duplicates":…,"lost":…,"throughput_tps":…,"p50_ms":…,"p99_ms":…,"max_ms":…,"request_bytes_per_tx":…}}.
 * Counts are of the measured window. A figure that does not exist (no score arrived, so no
 * percentile) is {@code null}, never a made-up zero.
 */
public record LoadSummary(long produced, long scored, long duplicates, long lost, double throughputTps, double p50Millis,
                          double p99Millis, double maxMillis, double requestBytesPerTransaction) {

    public static LoadSummary of(LoadResult r) {
        return new LoadSummary(r.measured().produced(), r.measured().scored(), r.measured().duplicates(), r.measured().lost(),
                r.throughputTps(), r.percentileMillis(50), r.percentileMillis(99), r.maxMillis(), r.requestBytesPerTransaction());
    }

    public String toJson() {
        return toJson(null);
    }

    /** The line, and with an SLA its verdict as a tenth field: {@code ,"sla":{"passed":…,"criteria":[…]}}. */
    public String toJson(SlaVerdict sla) {
        return "{\"produced\":" + produced
                + ",\"scored\":" + scored
                + ",\"duplicates\":" + duplicates
                + ",\"lost\":" + lost
                + ",\"throughput_tps\":" + number(throughputTps, 1)
                + ",\"p50_ms\":" + number(p50Millis, 3)
                + ",\"p99_ms\":" + number(p99Millis, 3)
                + ",\"max_ms\":" + number(maxMillis, 3)
                + ",\"request_bytes_per_tx\":" + number(requestBytesPerTransaction, 1)
                + (sla == null ? "" : ",\"sla\":" + sla.toJson())
                + "}";
    }

    static String number(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
