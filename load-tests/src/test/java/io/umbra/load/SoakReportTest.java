package io.umbra.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakReportTest {
    private static final double MIB = 1 << 20;

    private static SoakReport.Result result(boolean leak) {
        ResourceCurves c = new ResourceCurves();
        for (int i = 0; i < 60; i++) {
            long at = 1_000_000L + 5_000L * i;
            for (int p = 0; p < 11; p++) {
                c.add(ResourceKind.RSS, "process-number-" + p, at, (200 + p) * MIB + (leak && p == 3 ? i * 2 * MIB : 0));
            }
            c.add(ResourceKind.TOPIC, "acme.tx.raw", at, i * 100_000.0);
            c.add(ResourceKind.OLD_GEN_USED, "process-number-0", at, (i % 10) * MIB);
        }
        c.note("process-number-9: no management port known, so no heap figures");
        return new SoakReport.Result(c, GrowthVerdict.judgeAll(c), Duration.ofSeconds(5), List.of("eleven stand-in processes"),
                Map.of("acme.tx.raw", "delete, retention.ms 604800000"));
    }

    @Test
    void theSectionAndOneChartPerSampledKindAreWrittenBesideTheReport(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("load-2026-12-07-200000-500.md");
        Files.writeString(md, "# Load run\n");
        List<Path> charts = SoakReport.append(md, result(false));

        assertEquals(List.of("load-2026-12-07-200000-500-soak-rss.svg", "load-2026-12-07-200000-500-soak-old-gen-used.svg",
                "load-2026-12-07-200000-500-soak-topic.svg"), charts.stream().map(p -> p.getFileName().toString()).toList());
        String text = Files.readString(md);
        assertTrue(text.startsWith("# Load run\n\n## Soak: resources over the measured window"), text);
        assertTrue(text.contains("**Bounded**"), text);
        assertTrue(text.contains("![RSS](load-2026-12-07-200000-500-soak-rss.svg)"), text);
        assertTrue(text.contains("| `acme.tx.raw` | 60 | "), text);
        assertTrue(text.contains("delete, retention.ms 604800000 | grows with the data retained |"), text);
        assertTrue(text.contains("- Note: process-number-9: no management port known"), text);

        String rss = Files.readString(charts.get(0));
        assertTrue(rss.startsWith("<svg") && rss.strip().endsWith("</svg>"));
        assertTrue(rss.contains("RSS (the 10 largest of 11)"), "eleven processes, ten lines: " + rss);
        assertEquals(10, rss.split("<path d=\"M").length - 1);
        assertTrue(rss.contains("minutes since the measured window began"));
        assertTrue(rss.contains("height=\"" + (260 + 6 + 16 * 3) + "\""), "ten legend entries in three rows under the chart: " + rss);
        assertTrue(rss.contains(">4.50</text>"), "x labels in minutes (sample 54 × 5 s): " + rss);
    }

    @Test
    void aLeakIsNamedFirst(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("r.md");
        Files.writeString(md, "");
        SoakReport.Result r = result(true);
        assertFalse(r.passed());
        SoakReport.append(md, r);
        String text = Files.readString(md);
        assertTrue(text.contains("**GROWING**: 1 curve(s) kept growing"), text);
        assertTrue(text.contains("- RSS of process-number-3: up "), text);
        assertTrue(text.contains("| process-number-3 | 60 |"), text);
        assertEquals(1, r.growing().size());
    }
}
