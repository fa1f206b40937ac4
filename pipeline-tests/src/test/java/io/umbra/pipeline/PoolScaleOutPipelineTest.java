package io.umbra.pipeline;

import io.umbra.local.ServiceProcess;
import io.umbra.local.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared scoring pool scaled 1 → 3 → 1 replicas while both banks' traffic flows: two replicas join
 * the pool's consumer group (rebalances while transactions are open), each must score batches, then one
 * leaves with SIGTERM and one is SIGKILLed mid-transaction; at the end every transaction is scored exactly
 * once, alerted exactly by policy, and every remaining service is alive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolScaleOutPipelineTest {
    /** How long a replica may take to score its first batch once ready; a bound for the wait, not a timed assertion. */
    private static final Duration FIRST_BATCH = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private FaultRun run;

    @BeforeAll
    void start() {
        run = new FaultRun(1, 18780, "fault-run-pool-scale-out");
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void thePoolScaledOneToThreeToOneMidStreamLosesDoublesAndDuplicatesNothing() throws Exception {
        ServiceProcess first = run.pipeline.process(FaultRun.ACME, Service.HE_SCORING);
        Map<String, Double> scoredWhileUp = new LinkedHashMap<>();
        List<Boolean> trafficFlowingAtScaleIn = new ArrayList<>();
        long[] killedAt = new long[1];
        var counts = run.run(4_000, 100, Duration.ofSeconds(3), () -> {
            ServiceProcess second = run.pipeline.startScoringReplica();
            ServiceProcess third = run.pipeline.startScoringReplica();
            second.awaitReady();
            third.awaitReady();
            System.out.println("[faults] scaled the pool to 3: " + second.name() + " and " + third.name() + " ready");
            for (ServiceProcess p : List.of(second, third)) {
                scoredWhileUp.put(p.name(), awaitScored(p));
            }
            trafficFlowingAtScaleIn.add(!run.trafficDone());
            run.pipeline.removeScoringReplica(second, false);
            System.out.println("[faults] SIGTERMed " + second.name());
            FaultRun.sleep(Duration.ofSeconds(2));
            run.pipeline.removeScoringReplica(third, true);
            killedAt[0] = System.nanoTime();
            System.out.println("[faults] SIGKILLed " + third.name());
        }, true); // traffic goes on until the scale-in is done, however long the replicas took to start
        System.out.println("[faults] every transaction counted " + Duration.ofNanos(System.nanoTime() - killedAt[0]).toSeconds()
                + " s after the SIGKILL (two 3 s re-checks per bank included)");
        scoredWhileUp.put(first.name(), scored(first));
        System.out.println("[faults] score-result records committed per replica while it was up (umbra_score_results_total): " + scoredWhileUp);
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
        assertEquals(List.of(first), run.pipeline.processes().stream().filter(p -> p.service() == Service.HE_SCORING).toList(),
                "the pool is back to its one replica");
        assertEquals(List.of(true), trafficFlowingAtScaleIn, "the replicas were stopped while traffic was still being sent");
        scoredWhileUp.forEach((name, n) -> assertTrue(n > 0, name + " scored batches while it was up: " + scoredWhileUp));
    }

    /** Waits until {@code replica} has committed score results (its metrics), at most {@link #FIRST_BATCH}; returns how many. */
    private static double awaitScored(ServiceProcess replica) {
        long deadline = System.nanoTime() + FIRST_BATCH.toNanos();
        double n = scored(replica);
        while (n == 0 && System.nanoTime() < deadline && replica.isAlive()) {
            FaultRun.sleep(Duration.ofMillis(500));
            n = scored(replica);
        }
        return n;
    }

    /** {@code umbra_score_results_total} summed over the tenants: score results this replica produced in committed transactions. */
    private static double scored(ServiceProcess replica) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(replica.managementUrl("/q/metrics")).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.body().lines().filter(l -> l.startsWith("umbra_score_results_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
