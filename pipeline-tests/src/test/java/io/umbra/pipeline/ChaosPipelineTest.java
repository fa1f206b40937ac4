package io.umbra.pipeline;

import io.umbra.local.Chaos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chaos run: while both banks send about 100 transactions a second each, a random service process (any of the
 * nine; seeded, the seed printed) is SIGKILLed from outside the run every 5 s for 60 s, by the same {@link Chaos}
 * that {@code ./umbra chaos} runs; the run's supervisor restarts each one (same instance id, back-off). At the end:
 * every transaction scored exactly once, alerts exactly by policy and none twice, every service restarted once per
 * kill and alive and ready, the kills per service printed.
 *
 * <p>{@code -Dumbra.faults.chaosDuration=PT5M} (and {@code umbra.faults.chaosEvery}, {@code umbra.faults.chaosSeed})
 * make it the several minutes of issue 14, run by hand; docs/RELIABILITY.md keeps the figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosPipelineTest {
    private static final Duration DURATION = Duration.parse(System.getProperty("umbra.faults.chaosDuration", "PT60S"));
    private static final Duration EVERY = Duration.parse(System.getProperty("umbra.faults.chaosEvery", "PT5S"));
    private static final long SEED = Long.getLong("umbra.faults.chaosSeed", new java.security.SecureRandom().nextInt(1_000_000));
    private static final int PER_SECOND = 100;
    private FaultRun run;

    @BeforeAll
    void start() {
        run = new FaultRun(1, 18980, "fault-run-chaos", true);
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void randomSigkillsOfRandomServicesLoseDoubleAndDuplicateNothing() throws Exception {
        System.out.println("[chaos] seed " + SEED + " (rerun with -Dumbra.faults.chaosSeed=" + SEED + ")");
        AtomicReference<Chaos.Report> report = new AtomicReference<>();
        int perTenant = (int) (PER_SECOND * (DURATION.toSeconds() + 5));
        var counts = run.run(perTenant, PER_SECOND, Duration.ofSeconds(3), () -> report.set(
                Chaos.builder(run.pipeline.runDirectory()).every(EVERY).duration(DURATION).seed(SEED)
                        .output(line -> System.out.println("[chaos] " + line)).build().run()), true);
        Chaos.Report r = report.get();
        assertNotNull(r, "the chaos ran");
        r.lines().forEach(line -> System.out.println("[chaos] " + line));

        FaultRun.assertExact(counts);
        // every service back: restarted by the supervisor, alive and ready (the wait is a bound, not a timed assertion)
        List<String> notReady = run.awaitReadiness(true, Duration.ofMinutes(3));
        assertEquals(List.of(), notReady, "services not ready again after the chaos");
        run.assertEveryServiceAlive();
        Map<String, Integer> restarts = run.pipeline.restarts();
        System.out.println("[chaos] restarts by the supervisor: " + restarts);
        assertTrue(r.kills().size() >= DURATION.dividedBy(EVERY) / 2, "the chaos killed: " + r.lines());
        r.perService().forEach((name, kills) -> assertEquals(kills, restarts.get(name),
                name + ": one restart per SIGKILL, and no other exit (" + r.lines() + ", restarts " + restarts + ")"));
    }
}
