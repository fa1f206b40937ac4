package io.umbra.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The growth rule on constructed curves: 30 minutes sampled every 5 s (360 points). */
class GrowthVerdictTest {
    private static final double MIB = 1 << 20;

    private static List<ResourceCurves.Point> curve(int n, IntToDoubleFunction value) {
        List<ResourceCurves.Point> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ResourceCurves.Point(1_000_000L + 5_000L * i, value.applyAsDouble(i)));
        }
        return out;
    }

    @Test
    void aFlatCurveWithNoisePasses() {
        GrowthVerdict.Series v = GrowthVerdict.judge(ResourceKind.RSS, "svc", curve(360, i -> 300 * MIB + (i * 7919 % 13) * MIB));
        assertEquals(GrowthVerdict.Outcome.FLAT, v.outcome(), v.why());
        assertTrue(v.outcome().passes());
    }

    @Test
    void aSteadyLeakFails() {
        // 300 MiB growing 60 MiB over 30 minutes: 20 % of its level, twice the tolerance
        GrowthVerdict.Series v = GrowthVerdict.judge(ResourceKind.RSS, "svc", curve(360, i -> 300 * MIB + i * (60 * MIB / 360)));
        assertEquals(GrowthVerdict.Outcome.GROWING, v.outcome(), v.why());
        assertFalse(GrowthVerdict.passed(List.of(v)));
        assertTrue(v.slopePerHour() > 100 * MIB && v.slopePerHour() < 140 * MIB, "about 120 MiB per hour: " + v.slopePerHour() / MIB);
        // a leak of one thread a minute, and of one descriptor every 5 s
        assertEquals(GrowthVerdict.Outcome.GROWING, GrowthVerdict.judge(ResourceKind.THREADS, "svc", curve(360, i -> 80 + i / 12)).outcome());
        assertEquals(GrowthVerdict.Outcome.GROWING, GrowthVerdict.judge(ResourceKind.FDS, "svc", curve(360, i -> 200 + i)).outcome());
    }

    @Test
    void aGarbageCollectionSawtoothPasses() {
        // old generation filling 100 → 250 MiB and collected back, six times in the window
        GrowthVerdict.Series v = GrowthVerdict.judge(ResourceKind.HEAP_AFTER_GC, "svc",
                curve(360, i -> 100 * MIB + (i % 60) * (150 * MIB / 60)));
        assertEquals(GrowthVerdict.Outcome.FLAT, v.outcome(), v.why());
        // the same teeth on a rising floor is a leak
        GrowthVerdict.Series rising = GrowthVerdict.judge(ResourceKind.HEAP_AFTER_GC, "svc",
                curve(360, i -> 100 * MIB + (i % 60) * (150 * MIB / 60) + i * (80 * MIB / 360)));
        assertEquals(GrowthVerdict.Outcome.GROWING, rising.outcome(), rising.why());
    }

    @Test
    void growthThatStopsEarlyHasSettled() {
        // threads 40 → 70 over the first quarter (pools filling), then flat
        GrowthVerdict.Series v = GrowthVerdict.judge(ResourceKind.THREADS, "svc", curve(360, i -> i < 90 ? 40 + i / 3 : 70));
        assertEquals(GrowthVerdict.Outcome.SETTLED, v.outcome(), v.why());
        assertTrue(v.outcome().passes());
    }

    @Test
    void retainedDataMayGrowWithTheTrafficButNotFaster() {
        // a topic fed at a steady 50 KiB/s: 88 MiB in 30 minutes
        GrowthVerdict.Series linear = GrowthVerdict.judge(ResourceKind.TOPIC, "acme.tx.raw", curve(360, i -> i * 5 * 50 * 1024.0));
        assertEquals(GrowthVerdict.Outcome.WITHIN_RETENTION, linear.outcome(), linear.why());
        assertEquals(50 * 1024.0 * 3600, linear.slopePerHour(), 1);
        // growing with the square of time (a store whose every write copies more): fails
        GrowthVerdict.Series quadratic = GrowthVerdict.judge(ResourceKind.STATE_STORE, "acme-ingest-service",
                curve(360, i -> i * (double) i * 2_000));
        assertEquals(GrowthVerdict.Outcome.GROWING, quadratic.outcome(), quadratic.why());
        // a compacted topic the cleaner cut back mid-run and that grew again to below its earlier high: passes
        GrowthVerdict.Series cleaned = GrowthVerdict.judge(ResourceKind.TOPIC, "__consumer_offsets",
                curve(360, i -> i < 180 ? 40 * MIB + i * 0.3 * MIB : 20 * MIB + (i - 180) * 0.3 * MIB));
        assertEquals(GrowthVerdict.Outcome.WITHIN_RETENTION, cleaned.outcome(), cleaned.why());
    }

    @Test
    void tooFewSamplesAreNotJudged() {
        GrowthVerdict.Series v = GrowthVerdict.judge(ResourceKind.RSS, "svc", curve(GrowthVerdict.MIN_SAMPLES - 1, i -> i * 100 * MIB));
        assertEquals(GrowthVerdict.Outcome.NOT_JUDGED, v.outcome());
        assertTrue(v.outcome().passes());
    }

    @Test
    void judgeAllSkipsTheShownKindAndKeepsEveryOther() {
        ResourceCurves c = new ResourceCurves();
        for (int i = 0; i < 30; i++) {
            c.add(ResourceKind.RSS, "a", i * 1000L, 100 * MIB);
            c.add(ResourceKind.OLD_GEN_USED, "a", i * 1000L, i * MIB);
            c.add(ResourceKind.FDS, "a", i * 1000L, 100 + i * 10);
        }
        List<GrowthVerdict.Series> all = GrowthVerdict.judgeAll(c);
        // "a" has no heap after GC: its old generation is judged instead, and its growth is only inconclusive
        assertEquals(List.of(ResourceKind.RSS, ResourceKind.OLD_GEN_USED, ResourceKind.FDS),
                all.stream().map(GrowthVerdict.Series::kind).toList());
        assertEquals(GrowthVerdict.Outcome.INCONCLUSIVE, all.get(1).outcome(), all.get(1).why());
        assertEquals(GrowthVerdict.Outcome.GROWING, all.get(2).outcome());
        assertFalse(GrowthVerdict.passed(all));
    }

    @Test
    void theOldGenerationStandsInForTheHeapAfterGcOnlyWhereThereIsNone() {
        ResourceCurves c = new ResourceCurves();
        for (int i = 0; i < 60; i++) {
            c.add(ResourceKind.OLD_GEN_USED, "never-collected", i * 5000L, 20 * MIB + (i % 3) * MIB);
            c.add(ResourceKind.OLD_GEN_USED, "collected", i * 5000L, (i % 12) * 30 * MIB);
            c.add(ResourceKind.HEAP_AFTER_GC, "collected", i * 5000L, 40 * MIB);
        }
        List<GrowthVerdict.Series> all = GrowthVerdict.judgeAll(c);
        assertEquals(2, all.size(), all.toString());
        assertEquals(new HashSet<>(List.of("collected/HEAP_AFTER_GC/FLAT", "never-collected/OLD_GEN_USED/FLAT")), new HashSet<>(
                all.stream().map(v -> v.name() + "/" + v.kind() + "/" + v.outcome()).toList()));
        assertTrue(GrowthVerdict.passed(all));
    }
}
