package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import io.umbra.events.score.Score;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalPipelineTest {
    @TempDir
    Path run;

    @Test
    void theBrokerGetsEveryTenantsTopicsWithProductionSettingsAndTheMonitorCountsOnlyCommittedRecords() throws Exception {
        List<TenantId> tenants = List.of(TenantId.of("acme"), TenantId.of("globex"));
        List<String> progress = new ArrayList<>();
        try (LocalPipeline pipeline = LocalPipeline.builder().tenants("acme", "globex").runDirectory(run)
                .services(Set.of()).progress(progress::add).start()) {
            // the run's development API credentials, for the alert- and key-services and for `umbra local` to print
            assertEquals(run.resolve("credentials/jwks.json"), pipeline.credentials().jwksFile());
            for (TenantId t : tenants) {
                assertTrue(Files.isRegularFile(pipeline.credentials().analystToken(t)), t + " analyst token");
                assertTrue(Files.isRegularFile(pipeline.credentials().adminToken(t)), t + " admin token");
            }
            var admin = pipeline.kafka().admin();
            Set<String> expected = new HashSet<>();
            expected.add(Topics.PUBLIC_KEYS);
            tenants.forEach(t -> Topics.all(t).forEach(tt -> expected.add(tt.name())));
            Set<String> names = admin.listTopics().names().get();
            assertTrue(names.containsAll(expected), "missing: " + expected.stream().filter(n -> !names.contains(n)).toList());
            assertEquals(2 * TopicKind.values().length + 1, expected.size());

            Map<String, TopicDescription> described = admin.describeTopics(expected).allTopicNames().get();
            List<ConfigResource> resources = expected.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
            for (TenantId t : tenants) {
                for (TopicKind kind : TopicKind.values()) {
                    String name = Topics.name(t, kind);
                    assertEquals(3, described.get(name).partitions().size(), name);
                    Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                    assertEquals(Integer.toString(kind.maxMessageBytes()), c.get("max.message.bytes").value(), name);
                    // the alerts topic is the alert store's changelog: compacted by alert id, deleted by age (as in k8s)
                    String policy = kind.compacted() ? "compact" : kind == TopicKind.ALERTS ? "compact,delete" : "delete";
                    assertEquals(policy, c.get("cleanup.policy").value(), name);
                }
            }
            assertEquals("8454144", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "acme.score.requests"))
                    .get("max.message.bytes").value());
            Config keys = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.PUBLIC_KEYS));
            assertEquals("compact", keys.get("cleanup.policy").value());
            assertEquals(Long.toString(Topics.PUBLIC_KEYS_MIN_COMPACTION_LAG_MS), keys.get("min.compaction.lag.ms").value(),
                    "a record under another tenant's key cannot compact its bundle away at once");
            assertTrue(Integer.parseInt(keys.get("max.message.bytes").value()) >= LocalTopics.PUBLIC_KEYS_MAX_MESSAGE_BYTES);
            assertTrue(pipeline.processes().isEmpty());
            assertEquals(8081, pipeline.httpPort(TenantId.of("acme"), Service.INGEST));
            assertEquals(8095, pipeline.httpPort(TenantId.of("globex"), Service.ALERT));
            assertEquals(8083, pipeline.httpPort(TenantId.of("globex"), Service.HE_SCORING));
            assertTrue(progress.stream().anyMatch(m -> m.contains("topics created")), progress.toString());

            try (PipelineMonitor monitor = PipelineMonitor.start(pipeline.bootstrapServers(), tenants)) {
                produceCommittedAndAborted(pipeline.bootstrapServers());
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                PipelineMonitor.Counts acme;
                do {
                    Thread.sleep(100);
                    acme = monitor.counts(TenantId.of("acme"));
                } while ((acme.raw() < 3 || acme.alertUpdates() < 1 || acme.scores() < 1 || acme.deadLetterTotal() < 1)
                        && System.nanoTime() < deadline);
                Thread.sleep(500);   // anything else (the aborted records) would have arrived by now
                acme = monitor.counts(TenantId.of("acme"));
                assertNull(monitor.failure());
                assertEquals(3, acme.raw(), "the aborted transaction's records are not counted");
                assertEquals(1, acme.scores());
                assertEquals(1, acme.alerts());
                assertEquals(1, acme.alertUpdates());
                assertEquals(1, acme.deadLetters().get(TopicKind.TX_DLQ));
                assertEquals(1, acme.deadLetterTotal());
                assertEquals(0, acme.unreadable());
                assertEquals(0, monitor.counts(TenantId.of("globex")).raw());
            }
        }
        assertFalse(Files.exists(run.resolve("kafka")), "the broker's data is deleted on close");
    }

    private static void produceCommittedAndAborted(String bootstrap) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "local-pipeline-test"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("acme.tx.raw", "c1", "{}".getBytes()));
            producer.send(new ProducerRecord<>("acme.tx.raw", "c1", "{}".getBytes()));
            producer.abortTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("acme.tx.raw", "c" + i, "{}".getBytes()));
            }
            producer.send(new ProducerRecord<>("acme.tx.dlq", "c9", "not json".getBytes()));
            Instant now = Instant.parse("2026-03-14T10:00:00Z");
            Score score = new Score(TenantId.of("acme"), "tx-1", "c1", 4250, "EUR", "m-1", 0.97, 3.5, "logreg-fraud", 1,
                    now, now, now, now);
            producer.send(new ProducerRecord<>("acme.scores", "tx-1", score.toJson()));
            Alert alert = Alert.open(score, "score-above-0.9", now);
            producer.send(new ProducerRecord<>("acme.alerts", alert.alertId().toString(), alert.toJson()));
            producer.send(new ProducerRecord<>("acme.alerts", alert.alertId().toString(),
                    alert.moveTo(AlertStatus.ACKNOWLEDGED, now.plusSeconds(5)).toJson()));
            producer.commitTransaction();
        }
    }

    @Test
    void aMissingJarFailsBeforeAnythingStartsWithTheBuildCommand(@TempDir Path emptyRoot) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalPipeline.builder()
                .repositoryRoot(emptyRoot).tenants("acme").runDirectory(run).start());
        assertTrue(e.getMessage().contains("ingest-service/target/quarkus-app/quarkus-run.jar"), e.getMessage());
        assertTrue(e.getMessage().contains("he-scoring-service/target/quarkus-app/quarkus-run.jar"), e.getMessage());
        assertTrue(e.getMessage().endsWith("cd " + emptyRoot.toAbsolutePath() + " && ./mvnw -q -B -DskipTests package"), e.getMessage());
        assertFalse(Files.exists(run.resolve("kafka")), "no broker was started");
    }

    @Test
    void aPortInUseFailsBeforeAnythingStartsNamingThePort(@TempDir Path root) throws Exception {
        for (Service s : Service.values()) {
            Files.createDirectories(root.resolve(s.jarPath()).getParent());
            Files.writeString(root.resolve(s.jarPath()), "not a real jar: the port check comes first");
        }
        try (ServerSocket taken = new ServerSocket(0)) {
            // the port of globex's alert-service when the base is chosen so
            int base = taken.getLocalPort() - 15;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalPipeline.builder()
                    .repositoryRoot(root).tenants("acme", "globex").runDirectory(run).basePort(base).start());
            // other ports of the range may be taken on a busy machine too; this one must be named
            assertTrue(e.getMessage().matches("ports? [0-9, ]*\\b" + taken.getLocalPort() + "\\b[0-9, ]* on 127\\.0\\.0\\.1 (is|are) in use.*"),
                    e.getMessage());
        }
        assertFalse(Files.exists(run.resolve("kafka")));
    }

    @Test
    void aServiceBootstrapNamesOneServiceOfTheRunAndTheProxiedListenerIsPlaintext(@TempDir Path root) throws Exception {
        for (Service s : Service.values()) {
            Files.createDirectories(root.resolve(s.jarPath()).getParent());
            Files.writeString(root.resolve(s.jarPath()), "not a real jar: the checks come first");
        }
        TenantId acme = TenantId.of("acme");
        assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().serviceBootstrap(null, Service.ENCRYPT, "127.0.0.1:1"),
                "a per-tenant service needs its tenant");
        assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().serviceBootstrap(acme, Service.HE_SCORING, "127.0.0.1:1"),
                "the pool is shared: no tenant");
        assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().serviceBootstrap(acme, Service.ENCRYPT, "127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().proxiedListener(20_000, 20_001), "ranges overlap");
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().repositoryRoot(root)
                .tenants("acme").runDirectory(run).serviceBootstrap(TenantId.of("globex"), Service.ENCRYPT, "127.0.0.1:1").start());
        assertTrue(other.getMessage().contains("globex/encrypt-service"), other.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().repositoryRoot(root).tenants("acme").runDirectory(run)
                .proxiedListener(20_000, 20_010).kafkaSecurity(true).start());
        assertFalse(Files.exists(run.resolve("kafka")), "no broker was started");
    }

    @Test
    void portsFollowThePipelineContract() {
        assertEquals(List.of(8081, 8082, 8083, 8084, 8085),
                List.of(Service.values()).stream().map(s -> LocalPipeline.httpPort(8080, 0, s)).sorted().toList());
        assertEquals(Set.of(8091, 8092, 8083, 8094, 8095),
                Set.of(Service.values()).stream().map(s -> LocalPipeline.httpPort(8080, 1, s)).collect(Collectors.toSet()));
        assertEquals(9121, LocalPipeline.httpPort(9000, 12, Service.INGEST));
    }

}
