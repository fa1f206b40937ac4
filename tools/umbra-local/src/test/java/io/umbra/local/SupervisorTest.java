package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.kafka.local.KafkaCluster;
import io.umbra.kafka.local.TopicSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local run's supervisor and the chaos run on stand-in services (ServiceProcessTest's FakeService, a single-file
 * Java program): an exit nobody asked for is restarted with the same instance id, one the run asked for is not, the
 * back-off grows and is capped, and {@link Chaos} kills by the run's status file and refuses a run it must not touch.
 */
class SupervisorTest {
    @TempDir
    Path run;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private ServiceProcess fake(String name, Service service, Supervisor supervisor, Runnable changed) throws Exception {
        Path source = Path.of(SupervisorTest.class.getResource("/fake/FakeService.java").toURI());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(Map.of("UMBRA_TENANT", "acme", "UMBRA_INSTANCE_ID", name + "-0",
                "QUARKUS_HTTP_PORT", Integer.toString(port)));
        ServiceProcess p = new ServiceProcess(service, TenantId.of("acme"), List.of(LocalPipeline.javaCommand(), source.toString()),
                env, run, run.resolve("logs/" + name + ".log"), port, Duration.ofSeconds(60), changed);
        p.supervisedBy(supervisor);
        return p;
    }

    /** Waits (bounded) until {@code p} runs a process other than {@code oldPid}. */
    private static void awaitNewProcess(ServiceProcess p, long oldPid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((!p.isAlive() || p.pid() == oldPid) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @Test
    void theBackOffDoublesFromOneSecondUpToThirtySeconds() {
        List<Long> seconds = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            seconds.add(Supervisor.backoff(n, Supervisor.FIRST_BACKOFF, Supervisor.MAX_BACKOFF).toSeconds());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), seconds);
        assertEquals(Duration.ofSeconds(30), Supervisor.backoff(1_000, Supervisor.FIRST_BACKOFF, Supervisor.MAX_BACKOFF));
    }

    @Test
    void aProcessKilledFromOutsideIsRestartedWithItsInstanceIdAndAKillOfTheRunsOwnIsNot() throws Exception {
        try (Supervisor supervisor = new Supervisor(log::add, () -> { }, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMinutes(1))) {
            ServiceProcess p = fake("acme-ingest-service", Service.INGEST, supervisor, () -> { });
            p.start();
            p.awaitReady();
            long first = p.pid();

            // a SIGKILL from outside the run (the chaos command, the OOM killer): restarted
            assertTrue(ProcessHandle.of(first).orElseThrow().destroyForcibly());
            awaitNewProcess(p, first);
            assertTrue(p.isAlive(), "restarted: " + log);
            assertNotEquals(first, p.pid());
            assertEquals(1, p.restarts());
            p.awaitReady();
            long second = p.pid();
            assertTrue(ProcessHandle.of(second).orElseThrow().destroyForcibly());
            awaitNewProcess(p, second);
            assertEquals(2, p.restarts(), "restarted again: " + log);
            p.awaitReady();

            // the run's own kill (a crash test that restarts it itself) is left alone
            p.kill();
            Thread.sleep(2_000);    // four times the back-off of the next restart, had there been one
            assertFalse(p.isAlive(), "a kill() of the run's own is not restarted: " + log);
            assertEquals(2, p.restarts());
            p.restart();
            p.awaitReady();
            p.stop(Duration.ofSeconds(10));
            Thread.sleep(2_000);
            assertFalse(p.isAlive(), "a stop() is not restarted: " + log);

            String out = Files.readString(p.logFile());
            assertEquals(4, out.lines().filter(l -> l.equals("instance acme-ingest-service-0 tenant acme stray null")).count(),
                    "three starts after the first, every one with the same instance id: " + out);
            assertTrue(log.stream().anyMatch(l -> l.startsWith("acme-ingest-service exited (code 137) after ")
                    && l.endsWith("; restarting in 0.2 s (restart 1)")), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.endsWith("; restarting in 0.4 s (restart 2)")), "the back-off doubles: " + log);
            assertTrue(log.stream().anyMatch(l -> l.startsWith("acme-ingest-service restarted (restart 2, pid ")), log.toString());
        }
    }

    @Test
    void aServiceThatKeepsFailingIsRetriedWithAGrowingBackOffAndNotAfterClose() throws Exception {
        Supervisor supervisor = new Supervisor(log::add, () -> { }, Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMinutes(1));
        ServiceProcess p;
        try {
            Path source = Path.of(SupervisorTest.class.getResource("/fake/FakeService.java").toURI());
            p = new ServiceProcess(Service.ALERT, TenantId.of("acme"), List.of(LocalPipeline.javaCommand(), source.toString()),
                    Map.of("FAKE_FAIL", "1", "UMBRA_INSTANCE_ID", "acme-alert-service-0", "QUARKUS_HTTP_PORT", "1"), run,
                    run.resolve("logs/acme-alert-service.log"), 1, Duration.ofSeconds(60), () -> { });
            p.supervisedBy(supervisor);
            p.start();   // exits at once with code 3, again and again
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (p.restarts() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(p.restarts() >= 4, log.toString());
        } finally {
            supervisor.close();
        }
        int after = p.restarts();
        Thread.sleep(1_500);
        assertEquals(after, p.restarts(), "no restart once the supervisor is closed: " + log);
        List<String> waits = log.stream().filter(l -> l.startsWith("acme-alert-service exited (code 3)"))
                .map(l -> l.substring(l.indexOf("restarting in ") + "restarting in ".length(), l.indexOf(" (restart"))).toList();
        assertEquals(List.of("0.1 s", "0.2 s", "0.4 s", "0.4 s"), waits.subList(0, 4), "doubling, capped: " + log);
    }

    @Test
    void chaosKillsRandomServicesOfTheStatusFileAndTheSupervisorBringsThemBack() throws Exception {
        List<ServiceProcess> processes = new ArrayList<>();
        Path status = run.resolve(RunStatus.FILE);
        Runnable changed = () -> {
            synchronized (processes) {
                RunStatus.write(status, true, 0, List.copyOf(processes));
            }
        };
        try (Supervisor supervisor = new Supervisor(log::add, changed, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(1))) {
            synchronized (processes) {
                processes.add(fake("acme-ingest-service", Service.INGEST, supervisor, changed));
                processes.add(fake("acme-encrypt-service", Service.ENCRYPT, supervisor, changed));
            }
            for (ServiceProcess p : processes) {
                p.start();
            }
            for (ServiceProcess p : processes) {
                p.awaitReady();
            }
            List<String> printed = Collections.synchronizedList(new ArrayList<>());
            Chaos chaos = Chaos.builder(run).every(Duration.ofMillis(1_500)).duration(Duration.ofMillis(7_600)).seed(42)
                    .services(Set.of(Service.INGEST, Service.ENCRYPT)).output(printed::add).build();
            Chaos.Report report = chaos.run();

            assertEquals(42, report.seed());
            int killed = report.kills().size();
            assertTrue(killed + report.idleTicks() == 5, "one kill per interval unless both were restarting: " + report.lines());
            assertTrue(killed >= 1, report.lines().toString());
            assertEquals(killed, report.perService().values().stream().mapToInt(Integer::intValue).sum());
            assertEquals(Set.of("acme-ingest-service", "acme-encrypt-service"), report.perService().keySet());
            assertEquals(killed, printed.stream().filter(l -> l.contains("  SIGKILL acme-")).count(), printed.toString());
            for (ServiceProcess p : processes) {
                assertEquals((int) report.perService().get(p.name()), awaitRestarts(p, report.perService().get(p.name())),
                        p.name() + ": every kill restarted by the supervisor: " + log);
                assertTrue(p.isAlive(), p.name() + " alive at the end");
            }
            assertEquals(report.kills().stream().map(Chaos.Kill::pid).distinct().count(), killed, "never the same pid twice");
        } finally {
            for (ServiceProcess p : processes) {
                p.stop(Duration.ofSeconds(5));
            }
        }
    }

    private static int awaitRestarts(ServiceProcess p, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (p.restarts() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return p.restarts();
    }

    @Test
    void aBrokerKilledFromOutsideIsRestartedWithItsDataAndTheRunsOwnKillIsNot() throws Exception {
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        try (KafkaCluster cluster = KafkaCluster.builder().brokers(1).dataDir(run.resolve("kafka-cluster")).start();
             Supervisor supervisor = new Supervisor(log::add, changes::incrementAndGet, Duration.ofMillis(200), Duration.ofSeconds(1),
                     Duration.ofMinutes(1))) {
            supervisor.superviseBrokers(cluster);
            cluster.createTopics(TopicSpec.of("acme.tx.raw", 1));
            int port = cluster.port(1);
            long first = cluster.process(1).pid();

            // a SIGKILL from outside (the chaos command): restarted with the same port and its data
            assertTrue(ProcessHandle.of(first).orElseThrow().destroyForcibly());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (supervisor.brokerRestarts(1) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(1, supervisor.brokerRestarts(1), "restarted: " + log);
            assertTrue(cluster.isServing(1), "serving again: " + log);
            assertFalse(supervisor.brokerRestarting(1));
            assertNotEquals(first, cluster.process(1).pid());
            assertEquals(port, cluster.port(1));
            assertTrue(cluster.admin().listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS).contains("acme.tx.raw"),
                    "its data (the topic) kept");
            assertTrue(changes.get() >= 2, "the run's status rewritten at the exit and the restart");
            assertTrue(log.stream().anyMatch(l -> l.startsWith("broker-1 (pid " + first + ") exited (code 137) after ")
                    && l.endsWith("; restarting it with its data in 0.2 s (restart 1)")), log.toString());
            assertFalse(log.stream().anyMatch(l -> l.contains(" after 0 s;")), "its uptime, read while it ran: " + log);
            assertTrue(log.stream().anyMatch(l -> l.startsWith("broker-1 restarted (restart 1, pid ")), log.toString());

            // the run's own kill (a broker fault test that restarts it itself) is left alone
            cluster.kill(1);
            Thread.sleep(2_000);    // ten times the back-off of a restart, had there been one
            assertFalse(cluster.isAlive(1), "a kill() of the run's own is not restarted: " + log);
            assertEquals(1, supervisor.brokerRestarts(1));
            cluster.restart(1);
            assertTrue(cluster.isServing(1));
        }
    }

    @Test
    void chaosTakesABrokerOnlyWhileEveryBrokerOfAThreeBrokerRunIsRunning() {
        ProcessHandle me = ProcessHandle.current();    // a live pid with its start time, as a running broker's
        java.time.Instant started = me.info().startInstant().orElseThrow();
        java.util.function.Function<String, RunStatus.Broker> broker2 = state -> new RunStatus.Broker(2, me.pid(), started, state, 0);
        List<RunStatus.Broker> allRunning = List.of(new RunStatus.Broker(1, me.pid(), started, "running", 0), broker2.apply("running"),
                new RunStatus.Broker(3, me.pid(), started, "running", 1));
        RunStatus three = new RunStatus(me.pid(), true, 3, List.of(), allRunning);
        assertEquals(allRunning, Chaos.brokerCandidates(three, true));
        assertEquals(List.of(), Chaos.brokerCandidates(three, false), "brokers only when asked for");
        for (String state : List.of("restarting", "down")) {
            RunStatus oneNotRunning = new RunStatus(me.pid(), true, 3, List.of(),
                    List.of(allRunning.get(0), broker2.apply(state), allRunning.get(2)));
            assertEquals(List.of(), Chaos.brokerCandidates(oneNotRunning, true), "no broker while broker-2 is " + state);
        }
        RunStatus deadPid = new RunStatus(me.pid(), true, 3, List.of(),
                List.of(allRunning.get(0), new RunStatus.Broker(2, -1, null, "running", 0), allRunning.get(2)));
        assertEquals(List.of(), Chaos.brokerCandidates(deadPid, true), "no broker while one's process is gone (status not rewritten yet)");
        RunStatus single = new RunStatus(me.pid(), true, 1, List.of(), List.of(allRunning.get(0)));
        assertEquals(List.of(), Chaos.brokerCandidates(single, true), "never the only broker");
    }

    @Test
    void theStatusFileListsTheBrokerProcesses() {
        ProcessHandle me = ProcessHandle.current();
        java.time.Instant started = me.info().startInstant().orElseThrow();
        List<RunStatus.Broker> brokers = List.of(new RunStatus.Broker(1, me.pid(), started, "running", 2),
                new RunStatus.Broker(2, -1, null, "restarting", 1), new RunStatus.Broker(3, -1, null, "down", 0));
        RunStatus.write(run.resolve(RunStatus.FILE), true, 3, List.of(), brokers);
        RunStatus read = RunStatus.read(run).orElseThrow();
        assertEquals(3, read.brokers());
        assertEquals(brokers, read.brokerProcesses());
        assertEquals(List.of("broker-1", "broker-2", "broker-3"), read.brokerProcesses().stream().map(RunStatus.Broker::name).toList());
        assertTrue(read.brokerProcesses().get(0).isRunning());
        assertFalse(read.brokerProcesses().get(1).isRunning());
    }

    @Test
    void chaosWithBrokersRefusesARunWithoutThreeBrokerProcesses() {
        Chaos chaos = Chaos.builder(run).brokers(true).services(Set.of()).build();
        RunStatus.write(run.resolve(RunStatus.FILE), true, 0, List.of());
        IllegalStateException inJvm = assertThrows(IllegalStateException.class, chaos::check);
        assertTrue(inJvm.getMessage().contains("has its broker inside its JVM"), inJvm.getMessage());
        RunStatus.write(run.resolve(RunStatus.FILE), true, 1, List.of(), List.of(new RunStatus.Broker(1, -1, null, "running", 0)));
        IllegalStateException single = assertThrows(IllegalStateException.class, chaos::check);
        assertTrue(single.getMessage().contains("has a single broker process: killing it stops every write"), single.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Chaos.builder(run).services(Set.of()).build(), "nothing to kill");
    }

    @Test
    void chaosRefusesARunThatIsNotRunningOrNotSupervised() throws Exception {
        Chaos chaos = Chaos.builder(run).build();
        IllegalStateException none = assertThrows(IllegalStateException.class, chaos::check);
        assertTrue(none.getMessage().startsWith("no local run is running in " + run), none.getMessage());

        Process gone = new ProcessBuilder(LocalPipeline.javaCommand(), "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        Files.writeString(run.resolve(RunStatus.FILE), "run.pid=" + gone.pid() + "\nrun.supervised=true\nservices=acme-key-service\n"
                + "acme-key-service.service=key-service\nacme-key-service.tenant=acme\nacme-key-service.pid=" + gone.pid() + "\n");
        IllegalStateException dead = assertThrows(IllegalStateException.class, chaos::check);
        assertTrue(dead.getMessage().contains("is not running: its JVM (pid " + gone.pid() + ") is gone"), dead.getMessage());

        RunStatus.write(run.resolve(RunStatus.FILE), false, 0, List.of());
        IllegalStateException unsupervised = assertThrows(IllegalStateException.class, chaos::check);
        assertTrue(unsupervised.getMessage().contains("has no supervisor, so a killed service would stay dead"), unsupervised.getMessage());

        RunStatus.write(run.resolve(RunStatus.FILE), true, 0, List.of());
        IllegalStateException nothing = assertThrows(IllegalStateException.class, chaos::check);
        assertTrue(nothing.getMessage().startsWith("no service of the run in " + run + " matches"), nothing.getMessage());
    }
}
