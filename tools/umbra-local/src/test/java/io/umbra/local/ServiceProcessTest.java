package io.umbra.local;

import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process handling crash tests rely on, with a small stand-in for a service (a single-file Java program). */
class ServiceProcessTest {
    @TempDir
    Path run;

    private ServiceProcess fake(Map<String, String> extraEnv, AtomicInteger pidUpdates) throws Exception {
        Path source = Path.of(ServiceProcessTest.class.getResource("/fake/FakeService.java").toURI());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new java.util.HashMap<>(Map.of("UMBRA_TENANT", "acme", "UMBRA_INSTANCE_ID", "acme-ingest-service-0",
                "QUARKUS_HTTP_PORT", Integer.toString(port)));
        env.putAll(extraEnv);
        return new ServiceProcess(Service.INGEST, TenantId.of("acme"), List.of(LocalPipeline.javaCommand(), source.toString()),
                env, run, run.resolve("logs/acme-ingest-service.log"), port, Duration.ofSeconds(60), pidUpdates::incrementAndGet);
    }

    @Test
    void killIsSigkillAndRestartKeepsTheInstanceId() throws Exception {
        AtomicInteger pidUpdates = new AtomicInteger();
        ServiceProcess p = fake(Map.of("FAKE_READY_AFTER_MS", "700"), pidUpdates);
        p.start();
        p.awaitReady();
        assertTrue(p.isAlive());
        long firstPid = p.pid();

        p.kill();
        assertFalse(p.isAlive());
        assertEquals(137, p.exitCode(), "SIGKILL: 128 + 9");

        p.restart();
        p.awaitReady();
        assertNotEquals(firstPid, p.pid());
        p.stop(Duration.ofSeconds(10));
        assertFalse(p.isAlive());

        String log = Files.readString(p.logFile());
        assertEquals(2, log.lines().filter(l -> l.equals("instance acme-ingest-service-0 tenant acme stray null")).count(), log);
        assertEquals(1, log.lines().filter(l -> l.equals("graceful stop")).count(), "SIGKILL runs no hook, stop() does: " + log);
        assertTrue(pidUpdates.get() >= 4, "the watchdog's pid file follows every start and stop");
    }

    @Test
    void aServiceThatExitsBeforeItIsReadyFailsAtOnceNamingItsLog() throws Exception {
        ServiceProcess p = fake(Map.of("FAKE_FAIL", "1"), new AtomicInteger());
        p.start();
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, p::awaitReady);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "no waiting for the timeout");
        assertTrue(e.getMessage().startsWith("acme-ingest-service exited with code 3 before it was ready; its log is "
                + p.logFile()), e.getMessage());
        assertTrue(e.getMessage().contains("fake failure: the broker is unreachable"), "the log's end is quoted: " + e.getMessage());
    }

    @Test
    void aServiceThatNeverGetsReadyTimesOutWithItsLastAnswer() throws Exception {
        ServiceProcess p = fake(Map.of("FAKE_READY_AFTER_MS", "600000"), new AtomicInteger());
        p.start();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.awaitReady(Duration.ofSeconds(20)));
            assertTrue(e.getMessage().startsWith("acme-ingest-service was not ready after 20 s"), e.getMessage());
            assertTrue(e.getMessage().contains("(last answer: HTTP 503 {\"status\":\"DOWN\"})"), e.getMessage());
            assertTrue(e.getMessage().contains(p.logFile().toString()), e.getMessage());
        } finally {
            p.kill();
        }
    }
}
