package io.umbra.pipeline;

import io.umbra.kafka.local.KafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The single broker ({@code --brokers 1}) SIGKILLed mid-stream with both banks' traffic flowing and
 * restarted with its data 20 s later: nothing can be written meanwhile, every service's readiness goes DOWN
 * (kafka-brokers check) and comes UP again, and once the broker is back every transaction is scored exactly once,
 * alerted exactly by policy, every service still alive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleBrokerFaultPipelineTest {
    private static final Duration DOWN = Duration.ofSeconds(20);
    private FaultRun run;

    @BeforeAll
    void start() {
        run = new FaultRun(1, 18480, "fault-run-1-broker");
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void theOnlyBrokerKilledMidStreamAndRestartedLosesDoublesAndDuplicatesNothing() throws Exception {
        KafkaCluster cluster = run.pipeline.cluster();
        List<String> readyWhileDown = new ArrayList<>();
        List<String> notReadyAfter = new ArrayList<>();
        var counts = run.run(1_000, 100, Duration.ofSeconds(3), () -> {
            cluster.kill(1);
            long killed = System.nanoTime();
            System.out.println("[faults] SIGKILLed the only broker");
            try {
                // readiness tells the truth: every service goes DOWN while it cannot reach the broker (its probe
                // gives up after 6 s without an answer) ...
                readyWhileDown.addAll(run.awaitReadiness(false, DOWN.minusSeconds(2)));
                System.out.println("[faults] readiness with the broker gone: " + (readyWhileDown.isEmpty() ? "every service DOWN"
                        : "still UP: " + readyWhileDown));
                FaultRun.sleep(Duration.ofNanos(Math.max(0, DOWN.toNanos() - (System.nanoTime() - killed))));
                cluster.restart(1);
                System.out.println("[faults] the broker restarted");
                // ... and UP again once it can
                notReadyAfter.addAll(run.awaitReadiness(true, Duration.ofMinutes(2)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
        assertEquals(List.of(), readyWhileDown, "services that stayed ready while the only broker was gone");
        assertEquals(List.of(), notReadyAfter, "services not ready again after the broker came back");
    }
}
