package io.umbra.pipeline;

import io.umbra.local.Service;
import io.umbra.local.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One bank's key-service stopped (an upgrade, a lost node) while both banks keep producing: the bank's transactions
 * are still ingested, encrypted and scored by the pool, and their encrypted results wait in {@code acme.score.results};
 * nothing of it is decrypted meanwhile, while the other bank is scored as before. When the key-service starts again
 * the backlog drains; the test reports the drain rate and ends with the exact counts (nothing lost, nothing twice, no
 * duplicate alert).
 *
 * <p>The outage lasts 60 s in the normal test run; {@code -Dumbra.faults.keyServiceOutage=PT5M} makes it the several
 * minutes an upgrade can take (run by hand; docs/RELIABILITY.md keeps the figures of both).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyServiceOutagePipelineTest {
    private static final Duration OUTAGE = Duration.parse(System.getProperty("umbra.faults.keyServiceOutage", "PT60S"));
    private static final int PER_SECOND = 100;
    private FaultRun run;

    @BeforeAll
    void start() {
        run = new FaultRun(1, 18880, "fault-run-key-outage");
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void aKeyServiceDownForMinutesDrainsItsBacklogAfterwardsAndLosesNothing() throws Exception {
        ServiceProcess keys = run.pipeline.process(FaultRun.ACME, Service.KEY);
        List<String> observations = new ArrayList<>();
        int[] during = new int[4]; // acme scored at stop, acme scored at restart, globex at stop, globex at restart
        int perTenant = (int) (PER_SECOND * (OUTAGE.toSeconds() + 20));
        var counts = run.run(perTenant, PER_SECOND, Duration.ofSeconds(5), () -> {
            keys.stop(Duration.ofSeconds(20));
            FaultRun.sleep(Duration.ofSeconds(5)); // the test's own reader catches up with what was committed before the stop
            during[0] = run.scoredSoFar(FaultRun.ACME);
            during[2] = run.scoredSoFar(FaultRun.GLOBEX);
            System.out.println("[faults] stopped acme's key-service (SIGTERM) for " + OUTAGE.toSeconds() + " s");
            FaultRun.sleep(OUTAGE);
            during[1] = run.scoredSoFar(FaultRun.ACME);
            during[3] = run.scoredSoFar(FaultRun.GLOBEX);
            int sentBeforeRestart = run.sentSoFar(FaultRun.ACME);
            int backlog = sentBeforeRestart - during[1];
            long restarted = System.nanoTime();
            keys.restart();
            keys.awaitReady();
            double readyAfter = (System.nanoTime() - restarted) / 1e9;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (run.scoredSoFar(FaultRun.ACME) < sentBeforeRestart && System.nanoTime() < deadline) {
                FaultRun.sleep(Duration.ofMillis(200));
            }
            double drained = (System.nanoTime() - restarted) / 1e9;
            String line = String.format(java.util.Locale.ROOT, "key-service outage %d s: backlog %d transactions of acme; "
                            + "ready %.1f s after the restart; backlog drained %.1f s after the restart (%.0f tx/s from the "
                            + "restart, %.0f tx/s once ready, while new traffic went on at %d/s per bank)", OUTAGE.toSeconds(),
                    backlog, readyAfter, drained, backlog / drained, backlog / Math.max(0.1, drained - readyAfter), PER_SECOND);
            observations.add(line);
            System.out.println("[faults] " + line);
        }, true);
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
        assertEquals(during[0], during[1], "no acme score was decrypted while its key-service was down");
        assertTrue(during[3] - during[2] >= PER_SECOND * OUTAGE.toSeconds() / 2,
                "the other bank was scored as before during the outage: " + (during[3] - during[2]) + " scores");
        assertEquals(1, observations.size(), "the backlog drain was measured");
    }
}
