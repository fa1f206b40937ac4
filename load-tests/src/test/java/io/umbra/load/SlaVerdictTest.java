package io.umbra.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SLA against finished runs (built by hand: 300 tx/s for 60 s, latencies 100–199 ms, 890.5 request bytes per
 * transaction). The real runs are in LoadRunTest and umbra-cli's LoadSlaCommandTest.
 */
class SlaVerdictTest {
    private static Sla sla(double rate, double p99, double bytes) {
        return new Sla("t", rate, Duration.ofSeconds(60), Double.NaN, p99, Double.NaN, 0, 0, bytes);
    }

    private static List<String> failed(SlaVerdict v) {
        return v.failures().stream().map(SlaVerdict.Criterion::name).toList();
    }

    @Test
    void aRunWithinEveryBoundMeetsTheSla() {
        LoadResult r = Fixtures.run(0, 0, 3);
        SlaVerdict v = SlaVerdict.check(new Sla("gen", 300, Duration.ofSeconds(60), 160, 250, 300, 0, 0, 1000), r);
        assertTrue(v.passed(), v.lines().toString());
        assertEquals(List.of("rate", "duration", "p50", "p99", "p99.9", "lost", "duplicates", "request_bytes_per_tx"),
                v.criteria().stream().map(SlaVerdict.Criterion::name).toList());
        assertTrue(v.lines().get(v.lines().size() - 1).endsWith("met"), v.lines().toString());
        assertTrue(v.toJson().startsWith("{\"passed\":true,\"name\":\"gen\",\"criteria\":[{\"name\":\"rate\""), v.toJson());
    }

    @Test
    void impossibleBoundsFailExactlyTheirCriteria() {
        SlaVerdict v = SlaVerdict.check(sla(300, 0, 1), Fixtures.run(0, 0, 3));
        assertFalse(v.passed());
        assertEquals(List.of("p99", "request_bytes_per_tx"), failed(v));
        String lines = String.join("\n", v.lines());
        assertTrue(lines.contains("p99") && lines.contains("FAIL  measured 19") && lines.contains("allowed ≤ 0 ms"), lines);
        assertTrue(lines.contains("measured 890.5 B, allowed ≤ 1 B"), lines);
        assertTrue(lines.endsWith("MISSED: p99, request_bytes_per_tx"), lines);
        assertTrue(v.markdown().contains("| p99 | 19") && v.markdown().contains("**FAIL**"), v.markdown());
    }

    @Test
    void lostDuplicatedSlowOrShortRunsFail() {
        assertEquals(List.of("lost"), failed(SlaVerdict.check(sla(300, 1000, 1000), Fixtures.run(1, 0, 3))));
        assertEquals(List.of("duplicates"), failed(SlaVerdict.check(sla(300, 1000, 1000), Fixtures.run(0, 2, 3))));
        // the run offered 300 tx/s; an SLA of 500 is not shown by it
        assertEquals(List.of("rate"), failed(SlaVerdict.check(sla(500, 1000, 1000), Fixtures.run(0, 0, 3))));
        // a producer 1.5 s behind its schedule did not offer the rate it was asked for
        SlaVerdict lagging = SlaVerdict.check(sla(300, 1000, 1000), Fixtures.run(0, 0, 1500));
        assertEquals(List.of("rate"), failed(lagging));
        assertTrue(lagging.criteria().get(0).measured().contains("trailed its schedule by 1500 ms"), lagging.criteria().get(0).measured());
        Sla longer = new Sla(null, 300, Duration.ofMinutes(5), Double.NaN, 1000, Double.NaN, 0, 0, 1000);
        assertEquals(List.of("duration"), failed(SlaVerdict.check(longer, Fixtures.run(0, 0, 3))));
    }

    @Test
    void nothingScoredMeetsNoLatencyBound() {
        SlaVerdict v = SlaVerdict.check(sla(300, 1_000_000, 1e12), Fixtures.run(18_000, 0, 3));
        assertTrue(failed(v).containsAll(List.of("p99", "lost")), failed(v).toString());
        assertTrue(v.criteria().stream().filter(c -> c.name().equals("p99")).findFirst().orElseThrow().measured().contains("none"));
    }

    @Test
    void theVerdictTravelsInTheJsonLineAndTheReport() {
        LoadResult r = Fixtures.run(0, 0, 3);
        SlaVerdict v = SlaVerdict.check(sla(300, 0, 1), r);
        String json = LoadSummary.of(r).toJson(v);
        assertTrue(json.startsWith(LoadSummary.of(r).toJson().replace("}", "")), json);
        assertTrue(json.contains(",\"sla\":{\"passed\":false,"), json);
        assertTrue(json.endsWith("]}}"), json);
        String md = LoadReport.markdown(r, v);
        assertTrue(md.contains("## SLA `t`: **missed**"), md);
        assertTrue(md.contains("\"sla\":{\"passed\":false"), md);
    }
}
