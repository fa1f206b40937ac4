package io.umbra.cli.he;

import java.util.Locale;

/** How the {@code he} commands print sizes, durations and scales, so that every command reads alike. */
final class Figures {
    private Figures() {
    }

    /** 393329 → "393,329 B". */
    static String bytes(long count) {
        return String.format(Locale.ROOT, "%,d B", count);
    }

    /** Elapsed time since {@code startNanos}: "7.3 ms", "412 ms", "2.41 s". */
    static String since(long startNanos) {
        return duration(System.nanoTime() - startNanos);
    }

    static String duration(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    /** 2^40 for powers of two, else the number and its log2: "1e+09 (2^29.897)". */
    static String scale(double scale) {
        int e = Math.getExponent(scale);
        if (scale > 0 && scale == Math.scalb(1.0, e)) {
            return "2^" + e;
        }
        return String.format(Locale.ROOT, "%.6g (2^%.3f)", scale, Math.log(scale) / Math.log(2));
    }

    /** A count with thousands separators: 4,096. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
