package io.umbra.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A finished run built by hand, for the report and summary tests. */
final class Fixtures {
    private Fixtures() {
    }

    static final MachineInfo MACHINE = new MachineInfo(2, "AMD EPYC", 24_000, "Linux 6.1", "OpenJDK 25");

    /** 300 tx/s for 60 s: 18,000 produced, {@code lost} of them never scored, latencies 100..199 ms evenly. */
    static LoadResult run(long lost, long duplicates, double maxLagMillis) {
        LoadPlan plan = new LoadPlan(300, Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30),
                List.of("acme", "globex"), 7, LoadPlan.DEFAULT_MAX_IN_FLIGHT);
        Histogram h = new Histogram(Timeline.MAX_MICROS, 3);
        long scored = 18_000 - lost;
        for (long i = 0; i < scored; i++) {
            h.recordValue(100_000 + (i % 100) * 1000);
        }
        List<Timeline.Second> seconds = List.of(new Timeline.Second(0, 300, 280, 120, 190),
                new Timeline.Second(1, 300, 320, 130, Double.NaN));
        return new LoadResult(plan, new LoadResult.Target("127.0.0.1:9092", false), Instant.parse("2026-11-28T02:14:05Z"), MACHINE,
                new TransactionLedger.Counts(18_000, scored, duplicates, lost), new TransactionLedger.Counts(3000, 3000, 0, 0),
                0, 0, h, seconds, new LoadResult.ProducerStats(0, maxLagMillis, false, null),
                11, 11 * 1_700_000L, 21_000 - lost, 60.2, 0.4,
                List.of(new ProcessCpu.Usage(4242, "he-scoring-service", 97.5), new ProcessCpu.Usage(4243, "load harness (this JVM)", 30)), 88,
                List.of(new StageBreakdown.Stage("send → batch sealed", 1800, 210, 400)));
    }
}
