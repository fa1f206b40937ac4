package io.umbra.load;

import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG, written by hand so the HTML report needs no script and no network:
 * one x axis (seconds), one y axis from zero, a line per series, gaps where a value is NaN (a second
 * in which no score arrived has no percentile).
 */
final class SvgChart {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 40;

    record Series(String name, String color, double[] values) {
    }

    private SvgChart() {
    }

    static String render(String title, String yUnit, List<Series> series) {
        return render(title, yUnit, series, "seconds since the measured window began", 1);
    }

    /** As {@link #render(String, String, List)}, with point {@code i} at {@code i · xPerPoint} on an x axis called {@code xLabel}. */
    static String render(String title, String yUnit, List<Series> series, String xLabel, double xPerPoint) {
        int n = 0;
        double max = 0;
        for (Series s : series) {
            n = Math.max(n, s.values().length);
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double top = niceCeiling(max);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double xStep = n > 1 ? plotW / (n - 1) : 0;
        // the legend goes top right when it fits beside the title, else in rows under the chart
        int legendWidth = 0;
        for (Series s : series) {
            legendWidth += legendItemWidth(s);
        }
        boolean legendOnTop = LEFT + 8 * title.length() + legendWidth <= WIDTH - RIGHT;
        int rows = 0;
        if (!legendOnTop) {
            int x = LEFT;
            rows = series.isEmpty() ? 0 : 1;
            for (Series s : series) {
                if (x + legendItemWidth(s) > WIDTH - RIGHT && x > LEFT) {
                    rows++;
                    x = LEFT;
                }
                x += legendItemWidth(s);
            }
        }
        int height = HEIGHT + (rows > 0 ? rows * 16 + 6 : 0);
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"")
                .append(LoadReport.escape(title)).append("\">\n");
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        b.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"14\" font-weight=\"bold\">")
                .append(LoadReport.escape(title)).append("</text>\n");
        // y grid and labels: five steps from zero
        for (int i = 0; i <= 5; i++) {
            double v = top * i / 5;
            double y = TOP + plotH - plotH * i / 5;
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#ddd\"/>\n");
            b.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" font-size=\"11\" text-anchor=\"end\">").append(label(v)).append("</text>\n");
        }
        b.append("<text x=\"12\" y=\"").append(fmt(TOP + plotH / 2)).append("\" font-size=\"11\" transform=\"rotate(-90 12 ")
                .append(fmt(TOP + plotH / 2)).append(")\" text-anchor=\"middle\">").append(LoadReport.escape(yUnit)).append("</text>\n");
        // x labels: about ten
        int every = Math.max(1, (int) Math.ceil(n / 10.0));
        for (int i = 0; i < n; i += every) {
            double x = LEFT + xStep * i;
            b.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                    .append("\" font-size=\"11\" text-anchor=\"middle\">").append(label(i * xPerPoint)).append("</text>\n");
        }
        b.append("<text x=\"").append(fmt(LEFT + plotW / 2)).append("\" y=\"").append(HEIGHT - 6)
                .append("\" font-size=\"11\" text-anchor=\"middle\">").append(LoadReport.escape(xLabel)).append("</text>\n");
        b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" y2=\"")
                .append(fmt(TOP + plotH)).append("\" stroke=\"#888\"/>\n");
        if (legendOnTop) {
            int legendX = WIDTH - RIGHT;
            for (int k = series.size() - 1; k >= 0; k--) {
                Series s = series.get(k);
                legendX -= legendItemWidth(s);
                legendItem(b, s, legendX, 14);
            }
        } else {
            int x = LEFT;
            int y = HEIGHT + 12;
            for (Series s : series) {
                if (x + legendItemWidth(s) > WIDTH - RIGHT && x > LEFT) {
                    x = LEFT;
                    y += 16;
                }
                legendItem(b, s, x, y);
                x += legendItemWidth(s);
            }
        }
        for (Series s : series) {
            StringBuilder d = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < s.values().length; i++) {
                double v = s.values()[i];
                if (!Double.isFinite(v)) {
                    pen = false;
                    continue;
                }
                double x = LEFT + xStep * i;
                double y = TOP + plotH - (top > 0 ? plotH * v / top : 0);
                d.append(pen ? " L" : " M").append(fmt(x)).append(' ').append(fmt(y));
                pen = true;
            }
            if (!d.isEmpty()) {
                b.append("<path d=\"").append(d.toString().trim()).append("\" fill=\"none\" stroke=\"").append(s.color())
                        .append("\" stroke-width=\"1.6\"/>\n");
            }
        }
        b.append("</svg>");
        return b.toString();
    }

    private static int legendItemWidth(Series s) {
        return 12 + 7 * s.name().length() + 18;
    }

    /** A colour swatch and the series' name, the text's baseline at {@code y}. */
    private static void legendItem(StringBuilder b, Series s, int x, int y) {
        b.append("<rect x=\"").append(x).append("\" y=\"").append(y - 6).append("\" width=\"12\" height=\"4\" fill=\"")
                .append(s.color()).append("\"/>");
        b.append("<text x=\"").append(x + 16).append("\" y=\"").append(y).append("\" font-size=\"11\">")
                .append(LoadReport.escape(s.name())).append("</text>\n");
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code v} (1 for nothing). */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String label(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
