package io.umbra.pipeline;

import io.umbra.kafka.local.KafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

/**
 * The single broker ({@code --brokers 1}) SIGKILLed mid-stream with both banks' traffic flowing and
 * restarted with its data 15 s later: nothing can be written meanwhile, and once it is back every
 * transaction is scored exactly once, alerted exactly by policy, every service still alive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleBrokerFaultPipelineTest {
    private static final Duration DOWN = Duration.ofSeconds(15);
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
        var counts = run.run(1_000, 100, Duration.ofSeconds(3), () -> {
            cluster.kill(1);
            System.out.println("[faults] SIGKILLed the only broker");
            FaultRun.sleep(DOWN);
            cluster.restart(1);
            System.out.println("[faults] the broker restarted");
        });
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
    }
}
