package io.umbra.cli.local;

import io.umbra.cli.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code umbra chaos}: its options, its refusals, and one SIGKILL of a real process named by a run's status file
 * (a stand-in {@code sleep}, under this JVM as the run's; the restart by the run's supervisor is shown in
 * umbra-local's SupervisorTest and, on the real pipeline, by pipeline-tests' ChaosPipelineTest).
 */
class ChaosCommandTest {
    @TempDir
    Path run;

    private void status(boolean supervised, long runPid, long servicePid, String started) throws Exception {
        Files.writeString(run.resolve("services.properties"), "run.pid=" + runPid + "\nrun.supervised=" + supervised + "\nrun.brokers=0\n"
                + "services=acme-key-service,he-scoring-service\n"
                + "acme-key-service.service=key-service\nacme-key-service.tenant=acme\nacme-key-service.pid=" + servicePid + "\n"
                + (started == null ? "" : "acme-key-service.started=" + started + "\n") + "acme-key-service.restarts=0\n"
                + "he-scoring-service.service=he-scoring-service\nhe-scoring-service.pid=-1\nhe-scoring-service.restarts=0\n");
    }

    @Test
    void badOptionsAreUsageErrors() {
        CommandRun tooOften = CommandRun.umbra("chaos", "--run-dir", run, "--every", "50ms");
        assertTrue(tooOften.isUsageError("chaos"), tooOften.err());
        assertTrue(tooOften.err().contains("--every must be at least 100ms"), tooOften.err());

        CommandRun unknown = CommandRun.umbra("chaos", "--run-dir", run, "--services", "encrypt,broker");
        assertTrue(unknown.isUsageError("chaos"), unknown.err());
        assertTrue(unknown.err().contains("--services: no service 'broker'; choose from ingest, encrypt, scoring, key, alert"), unknown.err());
    }

    @Test
    void refusesWhenNoLocalRunIsRunning() throws Exception {
        CommandRun none = CommandRun.umbra("chaos", "--run-dir", run);
        assertTrue(none.isOneLineFailure("chaos: no local run is running in " + run), none.err());

        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        status(true, gone.pid(), gone.pid(), null);
        CommandRun dead = CommandRun.umbra("chaos", "--run-dir", run);
        assertTrue(dead.isOneLineFailure("chaos: the local run in " + run + " is not running: its JVM (pid " + gone.pid() + ") is gone"),
                dead.err());
    }

    @Test
    void refusesAnUnsupervisedRunAndAFilterThatMatchesNothing() throws Exception {
        long me = ProcessHandle.current().pid();
        status(false, me, -1, null);
        CommandRun unsupervised = CommandRun.umbra("chaos", "--run-dir", run);
        assertTrue(unsupervised.isOneLineFailure("chaos: the local run in " + run + " has no supervisor"), unsupervised.err());

        status(true, me, -1, null);
        CommandRun noMatch = CommandRun.umbra("chaos", "--run-dir", run, "--services", "encrypt,ingest");
        assertTrue(noMatch.isOneLineFailure("chaos: no service of the run in " + run + " matches"), noMatch.err());
        CommandRun noTenant = CommandRun.umbra("chaos", "--run-dir", run, "--tenant", "globex");
        assertTrue(noTenant.isOneLineFailure("chaos: the local run in " + run + " has no tenant globex"), noTenant.err());
    }

    @Test
    void killsTheChosenServiceWithSigkillAndReportsPerService() throws Exception {
        Process victim = new ProcessBuilder("sleep", "600").start();
        try {
            status(true, ProcessHandle.current().pid(), victim.pid(), victim.info().startInstant().orElseThrow().toString());
            CommandRun chaos = CommandRun.umbra("chaos", "--run-dir", run, "--every", "500ms", "--duration", "1200ms", "--seed", "7",
                    "--services", "key-service,scoring", "--tenant", "acme").ok();
            assertTrue(victim.waitFor(10, TimeUnit.SECONDS), "the victim is gone");
            assertEquals(137, victim.exitValue(), "SIGKILL: 128 + 9");
            assertTrue(chaos.out().contains("  SIGKILL acme-key-service (pid " + victim.pid() + ")"), chaos.out());
            // the second interval finds nothing running: this stand-in run has no supervisor to bring it back
            assertTrue(chaos.out().contains("nothing to kill: every candidate is restarting"), chaos.out());
            assertTrue(chaos.out().contains("chaos: 1 SIGKILLs (seed 7), 1 interval(s) with nothing to kill"), chaos.out());
            assertTrue(chaos.out().lines().anyMatch(l -> l.matches("\\s+acme-key-service\\s+killed\\s+1\\s+restarted by the run\\s+0")),
                    chaos.out());
            assertTrue(chaos.out().lines().anyMatch(l -> l.matches("\\s+he-scoring-service\\s+killed\\s+0.*")), chaos.out());
        } finally {
            victim.destroyForcibly();
        }
    }

    /** A broker run's status: one service (not running) and a block per broker, with the stand-ins' pids where given. */
    private void brokerStatus(int brokers, List<Process> standIns, String broker2State) throws Exception {
        StringBuilder text = new StringBuilder("run.pid=" + ProcessHandle.current().pid() + "\nrun.supervised=true\nrun.brokers=" + brokers
                + "\nservices=acme-key-service\nacme-key-service.service=key-service\nacme-key-service.tenant=acme\n"
                + "acme-key-service.pid=-1\nacme-key-service.restarts=0\n");
        for (int id = 1; id <= brokers; id++) {
            Process p = id <= standIns.size() ? standIns.get(id - 1) : null;
            text.append("broker-").append(id).append(".pid=").append(p == null ? -1 : p.pid()).append('\n');
            if (p != null) {
                text.append("broker-").append(id).append(".started=").append(p.info().startInstant().orElseThrow()).append('\n');
            }
            text.append("broker-").append(id).append(".state=").append(id == 2 ? broker2State : "running").append('\n');
            text.append("broker-").append(id).append(".restarts=").append(id).append('\n');
        }
        Files.writeString(run.resolve("services.properties"), text.toString());
    }

    @Test
    void brokersOnlyWithThreeBrokerProcessesAndNoneAloneIsAUsageError() throws Exception {
        CommandRun nothing = CommandRun.umbra("chaos", "--run-dir", run, "--services", "none");
        assertTrue(nothing.isUsageError("chaos"), nothing.err());
        assertTrue(nothing.err().contains("--services none leaves nothing to kill without --brokers"), nothing.err());
        CommandRun broker = CommandRun.umbra("chaos", "--run-dir", run, "--services", "broker");
        assertTrue(broker.err().contains("no service 'broker'; choose from ingest, encrypt, scoring, key, alert (brokers: --brokers)"),
                broker.err());

        status(true, ProcessHandle.current().pid(), -1, null);    // run.brokers=0: the broker in the run's JVM
        CommandRun inJvm = CommandRun.umbra("chaos", "--run-dir", run, "--brokers");
        assertTrue(inJvm.isOneLineFailure("chaos: the local run in " + run + " has its broker inside its JVM"), inJvm.err());

        brokerStatus(1, List.of(), "running");
        CommandRun single = CommandRun.umbra("chaos", "--run-dir", run, "--brokers");
        assertTrue(single.isOneLineFailure("chaos: the local run in " + run + " has a single broker process: killing it stops every write"),
                single.err());
    }

    @Test
    void withBrokersABrokerIsKilledOnlyWhileEveryBrokerRuns() throws Exception {
        List<Process> brokers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                brokers.add(new ProcessBuilder("sleep", "600").start());
            }
            // broker-2 alive but restarting (not serving yet): no broker is a candidate, and the only service is down
            brokerStatus(3, brokers, "restarting");
            CommandRun waiting = CommandRun.umbra("chaos", "--run-dir", run, "--brokers", "--every", "300ms", "--duration", "700ms",
                    "--seed", "3").ok();
            assertTrue(brokers.stream().allMatch(Process::isAlive), "no broker is killed while another is not running: " + waiting.out());
            assertTrue(waiting.out().contains("chaos: 0 SIGKILLs (0 of brokers) (seed 3), 2 interval(s) with nothing to kill"),
                    waiting.out());

            // all three running: one is killed; at the next interval it is down, so no other broker is a candidate
            brokerStatus(3, brokers, "running");
            CommandRun chaos = CommandRun.umbra("chaos", "--run-dir", run, "--brokers", "--services", "none", "--every", "300ms",
                    "--duration", "700ms", "--seed", "3").ok();
            assertTrue(chaos.out().contains("among broker-1, broker-2, broker-3 (a broker only while all 3 run)"), chaos.out());
            assertTrue(chaos.out().contains("chaos: 1 SIGKILLs (1 of brokers) (seed 3), 1 interval(s) with nothing to kill"), chaos.out());
            List<Process> killed = new ArrayList<>();
            for (Process b : brokers) {
                if (b.waitFor(1, TimeUnit.SECONDS)) {    // the chaos waited for its victim's exit
                    killed.add(b);
                }
            }
            assertEquals(1, killed.size(), "exactly one broker killed: " + chaos.out());
            int id = brokers.indexOf(killed.get(0)) + 1;
            assertEquals(137, killed.get(0).exitValue(), "SIGKILL: 128 + 9");
            assertTrue(chaos.out().contains("  SIGKILL broker-" + id + " (pid " + killed.get(0).pid() + ")"), chaos.out());
            assertTrue(chaos.out().lines().anyMatch(l -> l.matches("\\s+broker-" + id + "\\s+killed\\s+1\\s+restarted by the run\\s+" + id)),
                    chaos.out());
            assertEquals(2, chaos.out().lines().filter(l -> l.matches("\\s+broker-\\d\\s+killed\\s+0.*")).count(), chaos.out());
        } finally {
            brokers.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aReusedPidIsNotKilled() throws Exception {
        Process other = new ProcessBuilder("sleep", "600").start();
        try {
            // the status names this pid, but a process that started at another time: not the run's service
            status(true, ProcessHandle.current().pid(), other.pid(), "2020-01-01T00:00:00Z");
            CommandRun chaos = CommandRun.umbra("chaos", "--run-dir", run, "--every", "300ms", "--duration", "700ms").ok();
            assertTrue(other.isAlive(), chaos.out());
            assertFalse(chaos.out().contains("  SIGKILL acme-key-service"), chaos.out());
            assertTrue(chaos.out().contains("chaos: 0 SIGKILLs"), chaos.out());
        } finally {
            other.destroyForcibly();
        }
    }
}
