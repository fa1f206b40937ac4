package io.umbra.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadReportTest {

    @Test
    void theMarkdownNamesParametersMachineCountsAndEveryPercentile() {
        String md = LoadReport.markdown(Fixtures.run(0, 0, 2));
        assertTrue(md.startsWith("# Load run 2026-11-28 02:14:05 UTC: 300 tx/s"), md);
        assertTrue(md.contains("**Sustained**"), md);
        assertTrue(md.contains("| 300 | 60 s | 10 s | 30 s | acme, globex | 7 | `127.0.0.1:9092` | already running |"), md);
        assertTrue(md.contains("| 2 | AMD EPYC | 23.4 GiB |"), md);
        assertTrue(md.contains("| 18000 | 18000 | 0 | 0 | 299.0 |"), md);
        // p50 p90 p99 p99.9 max of 100..199 ms evenly
        // HdrHistogram's buckets at 3 significant digits put each value within 0.1 % of the truth
        assertTrue(md.contains("| 18000 | 149.1 ms | 189.1 ms | 198.0 ms | 199.0 ms | 199.0 ms | 149.5 ms |"), md);
        assertTrue(md.contains("| 1 | 300 | 320 | 130.0 ms | – |"), "a second without a p99 shows a dash: " + md);
        assertTrue(md.contains("Machine busy: 88 % of 2 cores"), md);
        assertTrue(md.contains("| send → batch sealed | 1800 | 210.0 ms | 400.0 ms |"), md);
        assertTrue(md.contains("| he-scoring-service | 4242 | 98 % |"), md);
        assertTrue(md.strip().endsWith("```"), md);
        assertTrue(md.contains(LoadSummary.of(Fixtures.run(0, 0, 2)).toJson()));
    }

    @Test
    void aRunThatLostOrDuplicatedOrFellBehindSaysSoFirst() {
        String md = LoadReport.markdown(Fixtures.run(12, 3, 2500));
        assertTrue(md.contains("**Not sustained**: 12 lost; 3 duplicates; the producer fell 2,500 ms behind its schedule."), md);
        assertFalse(Fixtures.run(12, 0, 0).sustained());
        assertFalse(Fixtures.run(0, 1, 0).sustained());
        assertFalse(Fixtures.run(0, 0, 1500).sustained());
        assertTrue(Fixtures.run(0, 0, 999).sustained());
    }

    @Test
    void theHtmlIsSelfContainedWithOneChartForThroughputAndOneForLatency() {
        String html = LoadReport.html(Fixtures.run(0, 0, 2));
        assertEquals(2, html.split("<svg ", -1).length - 1);
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "nothing fetched from anywhere");
        assertFalse(html.contains("https://"));
        assertTrue(html.contains(">scored<") && html.contains(">p99<") && html.contains(">p50<"));
        // the p99 line has a gap at second 1 (no value): one point only, so a move and no line-to
        assertTrue(html.contains("stroke=\"#cf222e\""));
        assertTrue(html.matches("(?s).*<path d=\"M[0-9. ]+\" fill=\"none\" stroke=\"#cf222e\".*"), html);
    }

    @Test
    void bothFilesAreWrittenUnderTheRunsNameAndRateIntoANewDirectory(@TempDir Path tmp) throws Exception {
        LoadReport.ReportFiles files = LoadReport.write(Fixtures.run(0, 0, 2), tmp.resolve("docs/load-runs"));
        assertEquals("load-2026-11-28-021405-300.md", files.markdown().getFileName().toString());
        assertEquals("load-2026-11-28-021405-300.html", files.html().getFileName().toString());
        assertTrue(Files.readString(files.markdown()).contains("## Latency"));
        assertTrue(Files.readString(files.html()).contains("</html>"));
    }

    @Test
    void textInTheHtmlIsEscaped() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", LoadReport.escape("a <b> & \"c\""));
    }
}
