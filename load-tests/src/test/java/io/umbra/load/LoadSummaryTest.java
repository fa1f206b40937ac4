package io.umbra.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadSummaryTest {

    @Test
    void theSummaryIsOneLineOfJsonWithExactlyTheAgreedFieldsInOrder() throws Exception {
        String json = LoadSummary.of(Fixtures.run(0, 0, 2)).toJson();
        assertFalse(json.contains("\n"));
        JsonNode n = new ObjectMapper().readTree(json);
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("produced", "scored", "duplicates", "lost", "throughput_tps", "p50_ms", "p99_ms", "max_ms",
                "request_bytes_per_tx"), names);
        assertEquals(18_000, n.get("produced").asLong());
        assertEquals(18_000, n.get("scored").asLong());
        assertEquals(0, n.get("lost").asLong());
        assertEquals(18_000 / 60.2, n.get("throughput_tps").asDouble(), 0.05);
        assertEquals(149.5, n.get("p50_ms").asDouble(), 0.6);   // 100..199 ms evenly
        assertEquals(198, n.get("p99_ms").asDouble(), 0.6);
        assertEquals(199, n.get("max_ms").asDouble(), 0.6);
        assertEquals(11 * 1_700_000.0 / 21_000, n.get("request_bytes_per_tx").asDouble(), 0.05);
    }

    @Test
    void withNothingScoredThePercentilesAreNullNotZero() throws Exception {
        LoadResult r = Fixtures.run(0, 0, 0);
        LoadResult empty = new LoadResult(r.plan(), r.target(), r.startedAt(), r.machine(),
                new TransactionLedger.Counts(18_000, 0, 0, 18_000), r.warmup(), 0, 0, new Histogram(Timeline.MAX_MICROS, 3),
                List.of(), r.producer(), 0, 0, 0, 60, 30, List.of(), Double.NaN, List.of());
        JsonNode n = new ObjectMapper().readTree(LoadSummary.of(empty).toJson());
        assertTrue(n.get("p50_ms").isNull());
        assertTrue(n.get("max_ms").isNull());
        assertTrue(n.get("request_bytes_per_tx").isNull());
        assertEquals(0.0, n.get("throughput_tps").asDouble());
        assertEquals(18_000, n.get("lost").asLong());
    }
}
