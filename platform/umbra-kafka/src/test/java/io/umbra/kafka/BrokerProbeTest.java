package io.umbra.kafka;

import io.umbra.kafka.local.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readiness question "can this service reach its brokers?" on a real broker: reachable while it runs, not once it
 * is gone (a Kafka client alone never says so), reachable again when it is back; a refused login is not reachable.
 */
class BrokerProbeTest {
    private static final Duration INTERVAL = Duration.ofMillis(250);
    private static final Duration STALE = Duration.ofSeconds(1);

    @Test
    void followsTheBrokerGoingAndComingBack(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).dataDir(data).start();
        try (BrokerProbe probe = BrokerProbe.start(kafka.bootstrapServers(), "probe-test", Map.of(), INTERVAL, STALE)) {
            awaitStatus(probe, true, "the running broker");
            kafka.close();
            BrokerProbe.Status gone = awaitStatus(probe, false, "the broker gone");
            assertTrue(gone.detail().contains("no answer from the brokers"), gone.detail());
            kafka = EmbeddedKafka.builder().port(port).dataDir(data).start();
            awaitStatus(probe, true, "the broker back on the same address");
        } finally {
            kafka.close();
        }
    }

    @Test
    void aRefusedLoginIsNotReachable() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().scramUsers(Map.of("acme-svc", "right-password-123")).start();
             BrokerProbe probe = BrokerProbe.start(kafka.bootstrapServers(), "probe-test",
                     EmbeddedKafka.saslClientProperties("acme-svc", "wrong-password-456"), INTERVAL, STALE);
             BrokerProbe good = BrokerProbe.start(kafka.bootstrapServers(), "probe-test",
                     EmbeddedKafka.saslClientProperties("acme-svc", "right-password-123"), INTERVAL, STALE)) {
            awaitStatus(good, true, "the right login");
            BrokerProbe.Status refused = awaitStatus(probe, false, "a wrong password");
            // give the refused probe time for several tries: it must never turn reachable
            Thread.sleep(STALE.toMillis() * 2);
            assertFalse(probe.status().reachable());
            assertTrue(probe.status().detail().contains("refused this service's login"), refused.detail() + " / " + probe.status().detail());
            assertFalse(probe.status().detail().contains("wrong-password"), "no secret in the detail");
        }
    }

    private static BrokerProbe.Status awaitStatus(BrokerProbe probe, boolean reachable, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        BrokerProbe.Status s = probe.status();
        while (s.reachable() != reachable && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = probe.status();
        }
        assertTrue(s.reachable() == reachable, what + ": expected reachable=" + reachable + ", got " + s);
        return s;
    }
}
