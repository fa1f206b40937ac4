package io.umbra.pipeline;

import io.umbra.kafka.local.KafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Issue 14's broker faults on a three-broker cluster (replication 3, min ISR 2), with both banks' traffic
 * flowing: a broker SIGKILLed mid-stream and restarted a little later, then the active controller. After
 * each: every transaction scored exactly once, alerts exactly by policy and never twice, every process alive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerFaultPipelineTest {
    private static final Duration DOWN = Duration.ofSeconds(10);
    private FaultRun run;

    @BeforeAll
    void start() {
        run = new FaultRun(3, 18380, "fault-run-3-brokers");
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    @Order(1)
    void aBrokerKilledMidStreamAndRestartedLosesDoublesAndDuplicatesNothingForEitherBank() throws Exception {
        KafkaCluster cluster = run.pipeline.cluster();
        var counts = run.run(1_000, 100, Duration.ofSeconds(3), () -> {
            int controller = cluster.controllerId();
            int victim = controller == 1 ? 2 : 1; // not the controller: that is the next test
            cluster.kill(victim);
            System.out.println("[faults] SIGKILLed broker " + victim + " (controller is " + controller + ")");
            assertFalse(cluster.isAlive(victim));
            FaultRun.sleep(DOWN);
            cluster.restart(victim);
            System.out.println("[faults] broker " + victim + " restarted");
        });
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
    }

    @Test
    @Order(2)
    void theControllerKilledMidStreamAndRestartedLosesDoublesAndDuplicatesNothingForEitherBank() throws Exception {
        KafkaCluster cluster = run.pipeline.cluster();
        var counts = run.run(1_000, 100, Duration.ofSeconds(3), () -> {
            int controller = cluster.controllerId();
            cluster.kill(controller);
            System.out.println("[faults] SIGKILLed the controller, broker " + controller);
            FaultRun.sleep(DOWN);
            assertNotEquals(controller, cluster.controllerId(), "another voter leads the quorum");
            cluster.restart(controller);
            System.out.println("[faults] broker " + controller + " restarted");
        });
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
    }
}
