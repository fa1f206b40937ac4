package io.umbra.pipeline;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.score.Alert;
import io.umbra.events.score.Score;
import io.umbra.local.LocalPipeline;
import io.umbra.local.LocalPipelineBuilder;
import io.umbra.local.ServiceProcess;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline of two banks on broker processes, traffic of both flowing while a fault is injected, and
 * the exact count at the end that every fault test asserts: every transaction scored exactly once
 * (0 lost, 0 twice), an alert exactly where the alert-service's policy says and never two for one
 * transaction, every service and broker process alive.
 */
final class FaultRun implements AutoCloseable {
    static final TenantId ACME = TenantId.of("acme");
    static final TenantId GLOBEX = TenantId.of("globex");
    static final List<TenantId> TENANTS = List.of(ACME, GLOBEX);
    /** The alert-service's default policy (docs/PIPELINE.md). */
    private static final double THRESHOLD = 0.9;
    private static final long AMOUNT_RULE_MINOR = 50_000;
    private static final double AMOUNT_RULE_PROBABILITY = 0.5;
    private static final Duration WAIT = Duration.ofMinutes(5);

    /** What one fault run counted, per bank. */
    record Counts(TenantId tenant, int sent, int scored, int lost, int scoredTwice, int alerts, int expectedAlerts, int duplicateAlerts) {
        @Override
        public String toString() {
            return tenant + ": " + sent + " sent, " + scored + " scored, " + lost + " lost, " + scoredTwice + " scored twice, "
                    + alerts + " alerted (policy: " + expectedAlerts + "), " + duplicateAlerts + " duplicate alerts";
        }
    }

    final LocalPipeline pipeline;
    private final TopicCollector collector;
    private final KafkaProducer<byte[], byte[]> producer;
    private int seed = 100;
    private volatile List<Thread> trafficThreads = List.of();
    private volatile Map<TenantId, Set<String>> currentIds = Map.of();

    FaultRun(int brokers, int basePort, String runName) {
        this(brokers, basePort, runName, false);
    }

    /** @param supervise whether the run's supervisor restarts a service that exits unasked ({@code LocalPipelineBuilder.supervise}) */
    FaultRun(int brokers, int basePort, String runName, boolean supervise) {
        this(brokers, basePort, runName, supervise, b -> b);
    }

    /** @param customize applied to the run's builder last, before it starts (e.g. a proxied listener, one service's bootstrap) */
    FaultRun(int brokers, int basePort, String runName, boolean supervise, UnaryOperator<LocalPipelineBuilder> customize) {
        Path root = Path.of(System.getProperty("umbra.repository.root", "..")).toAbsolutePath().normalize();
        pipeline = customize.apply(LocalPipeline.builder()
                .repositoryRoot(root)
                .tenants(TENANTS)
                .runDirectory(root.resolve("pipeline-tests/target/" + runName))
                .basePort(basePort)
                .brokers(brokers)
                .supervise(supervise)
                .readyTimeout(Duration.ofMinutes(4))
                .progress(line -> System.out.println("[faults] " + line)))
                .start();
        List<String> topics = new ArrayList<>();
        for (TenantId t : TENANTS) {
            topics.add(Topics.name(t, TopicKind.SCORES));
            topics.add(Topics.name(t, TopicKind.ALERTS));
        }
        collector = new TopicCollector(pipeline.bootstrapServers(), topics);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends {@code perTenant} transactions of each bank at about {@code perSecond} each, runs {@code fault}
     * once {@code faultAfter} of traffic has gone, and returns the exact counts once everything is scored.
     */
    List<Counts> run(int perTenant, int perSecond, Duration faultAfter, Runnable fault) throws Exception {
        return run(perTenant, perSecond, faultAfter, fault, false);
    }

    /**
     * As {@link #run(int, int, Duration, Runnable)}; with {@code untilFaultDone}, each bank keeps sending past
     * {@code perTenant} until {@code fault} has returned (at most 20 × {@code perTenant}), so a fault that takes
     * longer than the planned traffic still happens mid-stream, however slow the machine.
     */
    List<Counts> run(int perTenant, int perSecond, Duration faultAfter, Runnable fault, boolean untilFaultDone) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean faultDone = new java.util.concurrent.atomic.AtomicBoolean(!untilFaultDone);
        Map<TenantId, Set<String>> ids = new HashMap<>();
        currentIds = ids;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> traffic = new ArrayList<>();
        Instant at = Instant.now().minusSeconds(300);
        for (TenantId t : TENANTS) {
            Set<String> mine = java.util.Collections.synchronizedSet(new HashSet<>());
            ids.put(t, mine);
            TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(t).withFraudRate(0.10), seed++);
            Thread thread = new Thread(() -> {
                try {
                    long start = System.nanoTime();
                    for (int i = 0; i < perTenant || (!faultDone.get() && i < 20 * perTenant); i++) {
                        LabelledTransaction tx = generator.next(at.plusMillis(10L * i));
                        mine.add(tx.transaction().transactionId());
                        producer.send(new ProducerRecord<>(Topics.name(t, TopicKind.TX_RAW),
                                tx.key().getBytes(StandardCharsets.UTF_8), tx.payload()));
                        long due = start + (long) ((i + 1) * 1e9 / perSecond);
                        long ahead = due - System.nanoTime();
                        if (ahead > 0) {
                            Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "fault-traffic-" + t);
            thread.start();
            traffic.add(thread);
        }
        trafficThreads = List.copyOf(traffic);
        Thread.sleep(faultAfter.toMillis());
        try {
            fault.run();
        } finally {
            faultDone.set(true);
        }
        for (Thread thread : traffic) {
            thread.join();
        }
        producer.flush();
        if (failure.get() != null) {
            throw new AssertionError("producing the traffic failed", failure.get());
        }
        List<Counts> counts = new ArrayList<>();
        for (TenantId t : TENANTS) {
            counts.add(count(t, ids.get(t)));
        }
        counts.forEach(c -> System.out.println("[faults] counts " + c));
        return counts;
    }

    /** How many transactions of {@code tenant} the current {@link #run} has sent so far. */
    int sentSoFar(TenantId tenant) {
        Set<String> mine = currentIds.get(tenant);
        return mine == null ? 0 : mine.size();
    }

    /** How many decrypted scores of {@code tenant} (its {@code <t>.scores} topic) have arrived so far, duplicates included. */
    int scoredSoFar(TenantId tenant) {
        return collector.records(Topics.name(tenant, TopicKind.SCORES)).size();
    }

    /** Whether every bank's traffic of the current {@link #run} has been sent (for a fault to check it was still mid-stream). */
    boolean trafficDone() {
        return trafficThreads.stream().noneMatch(Thread::isAlive);
    }

    /** Fails unless every count says: nothing lost, nothing twice, alerts exactly by policy, none duplicated. */
    static void assertExact(List<Counts> counts) {
        for (Counts c : counts) {
            assertEquals(0, c.lost(), c.toString());
            assertEquals(0, c.scoredTwice(), c.toString());
            assertEquals(c.sent(), c.scored(), c.toString());
            assertEquals(c.expectedAlerts(), c.alerts(), c.toString());
            assertEquals(0, c.duplicateAlerts(), c.toString());
        }
    }

    /**
     * Polls every service's readiness ({@code /q/health/ready} on its management port: 200 UP, 503 DOWN) until each
     * says {@code up}, or {@code within} has passed; returns the services that never did, with their last answer
     * (empty when all did).
     */
    List<String> awaitReadiness(boolean up, Duration within) throws InterruptedException {
        return awaitReadiness(pipeline.processes(), up, within);
    }

    /** As {@link #awaitReadiness(boolean, Duration)} for the given services only. */
    List<String> awaitReadiness(java.util.Collection<ServiceProcess> services, boolean up, Duration within) throws InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        List<String> missing;
        do {
            missing = new ArrayList<>();
            for (ServiceProcess p : services) {
                int status;
                try {
                    status = http.send(java.net.http.HttpRequest.newBuilder(p.managementUrl("/q/health/ready"))
                            .timeout(Duration.ofSeconds(3)).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    status = -1;
                }
                if ((status == 200) != up) {
                    missing.add(p.name() + " (HTTP " + status + ")");
                }
            }
            if (missing.isEmpty()) {
                return missing;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return missing;
    }

    /** Every service process alive (none died of the fault and none was left dead). */
    void assertEveryServiceAlive() {
        for (ServiceProcess p : pipeline.processes()) {
            assertTrue(p.isAlive(), p.name() + " is alive at the end (exit " + p.exitCode() + "; log " + p.logFile() + ")");
        }
        for (int id : pipeline.cluster().nodeIds()) {
            assertTrue(pipeline.cluster().isAlive(id), "broker " + id + " is alive at the end");
        }
    }

    private Counts count(TenantId t, Set<String> ids) throws InterruptedException {
        String scoresTopic = Topics.name(t, TopicKind.SCORES);
        collector.await(scoresTopic, l -> {
            Set<String> seen = new HashSet<>();
            l.forEach(r -> seen.add(new String(r.key(), StandardCharsets.UTF_8)));
            return seen.containsAll(ids);
        }, WAIT, ids.size() + " scores of " + t);
        Thread.sleep(3_000); // a late duplicate would show now
        Map<String, Score> scores = new HashMap<>();
        int twice = 0;
        for (ConsumerRecord<byte[], byte[]> r : collector.records(scoresTopic)) {
            Score s = Score.fromJson(r.value());
            if (ids.contains(s.transactionId()) && scores.put(s.transactionId(), s) != null) {
                twice++;
            }
        }
        Set<String> expected = new HashSet<>();
        scores.values().stream().filter(FaultRun::policyAlerts).forEach(s -> expected.add(s.transactionId()));
        String alertsTopic = Topics.name(t, TopicKind.ALERTS);
        collector.await(alertsTopic, l -> alertIds(l).keySet().containsAll(expected), WAIT, expected.size() + " alerts of " + t);
        Thread.sleep(3_000);
        Map<String, Set<String>> alerts = alertIds(collector.records(alertsTopic));
        int alerted = 0;
        int duplicates = 0;
        for (Map.Entry<String, Set<String>> a : alerts.entrySet()) {
            if (ids.contains(a.getKey())) {
                alerted++;
                duplicates += a.getValue().size() - 1;
            }
        }
        int lost = 0;
        for (String id : ids) {
            if (!scores.containsKey(id)) {
                lost++;
            }
        }
        return new Counts(t, ids.size(), scores.size(), lost, twice, alerted, expected.size(), duplicates);
    }

    /** Alert ids per transaction: a transaction with two is a duplicate alert. */
    private static Map<String, Set<String>> alertIds(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Alert a = Alert.fromJson(r.value());
            out.computeIfAbsent(a.transactionId(), k -> new HashSet<>()).add(a.alertId().toString());
        }
        return out;
    }

    private static boolean policyAlerts(Score s) {
        return s.fraudProbability() >= THRESHOLD
                || (s.amountMinor() >= AMOUNT_RULE_MINOR && s.fraudProbability() >= AMOUNT_RULE_PROBABILITY);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        producer.close(Duration.ofSeconds(5));
        collector.close();
        pipeline.close();
    }
}
