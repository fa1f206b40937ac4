package io.umbra.pipeline;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.local.LocalPipeline;
import io.umbra.local.Service;
import io.umbra.local.ServiceProcess;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No spinning on a dead broker (issue 14): the only broker is SIGKILLed under traffic and stays down; the
 * ingest-service's CPU, read from /proc over four 10 s windows, must stay near idle while it waits, and the
 * service must still be alive. The reported orphaned-service spin (80 % of a core for half an hour) has
 * NOT been reproduced by this test so far (docs/RELIABILITY.md): it guards the first minute only.
 */
class OrphanedServiceCpuTest {
    /** A service waiting for a broker reconnects with backoff; 10 % of a core is far above that and far below a spin. */
    private static final double MAX_SHARE_OF_A_CORE = 0.10;

    @Test
    void anIngestServiceWhoseBrokerIsGoneWaitsWithoutSpinning() throws Exception {
        Path root = Path.of(System.getProperty("umbra.repository.root", "..")).toAbsolutePath().normalize();
        try (LocalPipeline pipeline = LocalPipeline.builder().repositoryRoot(root).tenants("acme")
                .runDirectory(root.resolve("pipeline-tests/target/orphan-run")).basePort(18580).brokers(1)
                .services(Set.of(Service.INGEST)).readyTimeout(Duration.ofMinutes(3))
                // A task that cannot reach the broker fails after task.timeout.ms (5 min by default) and its stream
                // thread is replaced (umbra-kafka's StreamThreadFailures): 5 s brings that path into the window.
                .jvmOption("-Dkafka-streams.task.timeout.ms=5000")
                .progress(line -> System.out.println("[orphan] " + line)).start()) {
            ServiceProcess ingest = pipeline.process("acme", Service.INGEST);
            // The broker dies under traffic, as when `./umbra local` was killed: ingest has open transactions.
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(TenantId.of("acme")), 7);
                Instant at = Instant.now().minusSeconds(60);
                for (int i = 0; i < 3_000; i++) {
                    LabelledTransaction tx = generator.next(at.plusMillis(10L * i));
                    producer.send(new ProducerRecord<>(Topics.name(TenantId.of("acme"), TopicKind.TX_RAW),
                            tx.key().getBytes(StandardCharsets.UTF_8), tx.payload()));
                }
                producer.flush();
            }
            Thread.sleep(500);
            pipeline.cluster().kill(1);
            System.out.println("[orphan] SIGKILLed the only broker; measuring " + ingest.name() + " (pid " + ingest.pid() + ")");
            Thread.sleep(15_000); // past the first reconnect attempts and the admin/producer/consumer timeouts' first round
            List<Double> windows = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                double share = ProcessCpu.shareOfACore(ingest.pid(), 10_000);
                windows.add(share);
                System.out.printf(Locale.ROOT, "[orphan] %s, broker down %d-%d s: %.1f %% of a core%n", ingest.name(),
                        15 + 10 * i, 25 + 10 * i, 100 * share);
            }
            assertTrue(ingest.isAlive(), ingest.name() + " is still alive (log " + ingest.logFile() + ")");
            double mean = windows.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(mean < MAX_SHARE_OF_A_CORE, String.format(Locale.ROOT,
                    "%s spins while its broker is gone: %.1f %% of a core on average over 40 s (windows %s); log %s",
                    ingest.name(), 100 * mean, windows, ingest.logFile()));
            pipeline.cluster().restart(1); // a clean close
        }
    }
}
