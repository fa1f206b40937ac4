package io.umbra.load;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness against the real embedded broker, with a stand-in for the five services: one thread that
 * reads {@code <t>.tx.raw}, writes a "batch" of 1,000 bytes per 10 transactions to
 * {@code <t>.score.requests} and a score per transaction to {@code <t>.scores} in one Kafka
 * transaction — except that it drops every transaction whose sequence number ends in 07 and scores
 * every one ending in 03 twice. The harness must count exactly that.
 */
class LoadRunTest {
    private static final List<String> TENANTS = List.of("acme", "globex");
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start();
        List<TopicSpec> topics = new ArrayList<>();
        for (String t : TENANTS) {
            for (TopicKind k : List.of(TopicKind.TX_RAW, TopicKind.SCORE_REQUESTS, TopicKind.SCORES)) {
                topics.add(TopicSpec.of(Topics.name(TenantId.of(t), k), 2));
            }
        }
        kafka.createTopics(topics);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void countsLostAndDuplicatedScoresExactlyAndMeasuresRequestBytes() throws Exception {
        StandInPipeline pipeline = new StandInPipeline(kafka.bootstrapServers());
        Thread t = Thread.ofPlatform().daemon().start(pipeline);
        try {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            LoadPlan plan = new LoadPlan(200, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(5), TENANTS, 1, 100_000);
            LoadResult r = new LoadRun(plan, kafka.bootstrapServers(), false, new GeneratedTraffic(TENANTS, 1),
                    new PrintStream(progress, true, StandardCharsets.UTF_8), Duration.ofSeconds(30)).run();

            // window: sequence numbers 200..799; the stand-in drops those ending in 07, doubles those ending in 03
            assertEquals(600, r.measured().produced());
            assertEquals(6, r.measured().lost(), "seq 207, 307, ..., 707");
            assertEquals(594, r.measured().scored());
            assertEquals(6, r.measured().duplicates(), "seq 203, 303, ..., 703");
            assertEquals(new TransactionLedger.Counts(200, 199, 1, 1), r.warmup(), "warm-up 0..199 apart: 107 lost, 103 doubled");
            assertEquals(0, r.strays());
            assertFalse(r.sustained());
            // 800 transactions plus 2 probes: a 1,000-byte record per 10 on the request topics
            assertEquals(r.requestRecords() * 1000, r.requestBytes());
            assertTrue(r.requestRecords() >= 79, "records: " + r.requestRecords());
            assertEquals((double) r.requestBytes() / (594 + 199), r.requestBytesPerTransaction(), 1e-9);
            // latency counts from the schedule: positive, and bounded by the run (the 2 cores are shared, so no tighter)
            assertTrue(r.percentileMillis(50) > 0 && r.maxMillis() < 15_000, "p50 " + r.percentileMillis(50) + ", max " + r.maxMillis());
            assertEquals(594, r.latencyMicros().getTotalCount());
            long perSecond = r.seconds().stream().mapToLong(Timeline.Second::scored).sum();
            assertEquals(594, perSecond);
            assertEquals(600, r.seconds().stream().mapToLong(Timeline.Second::sent).sum());
            // throughput: window scores over the window, which lasts at least the duration (longer if scores trail)
            assertTrue(r.windowSeconds() >= 3.0, "window " + r.windowSeconds());
            assertEquals(594 / r.windowSeconds(), r.throughputTps(), 1e-9);
            assertTrue(r.producer().maxLagMillis() >= 0 && r.producer().lateSends() <= 800);
            assertFalse(r.cpu().isEmpty(), "this JVM at least shows in /proc");
            // each hop's lag, sampled each second of the window: the stand-in's group on both raw topics, nothing else
            assertEquals(List.of("stand-in acme.tx.raw", "stand-in globex.tx.raw"),
                    r.lag().stream().map(l -> l.group() + " " + l.topic()).toList());
            for (TopicLag.Row row : r.lag()) {
                assertTrue(row.samples() >= 2 && row.max() >= row.p50() && row.p50() >= 0, row.toString());
            }
            assertTrue(LoadReport.markdown(r).contains("| `acme.tx.raw` | `stand-in` | "), LoadReport.markdown(r));

            String json = LoadSummary.of(r).toJson();
            Matcher m = Pattern.compile("\"produced\":600,\"scored\":594,\"duplicates\":6,\"lost\":6,").matcher(json);
            assertTrue(m.find(), json);
            assertTrue(progress.toString(StandardCharsets.UTF_8).contains("draining"), progress.toString(StandardCharsets.UTF_8));
        } finally {
            pipeline.stop();
            t.join(5000);
        }
    }

    @Test
    void aWarmupThatWaitsForSteadyStateStillMeasuresAWholeWindowExactly() throws Exception {
        StandInPipeline pipeline = new StandInPipeline(kafka.bootstrapServers());
        Thread t = Thread.ofPlatform().daemon().start(pipeline);
        try {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            // at least 1 s of warm-up, at most 20 s; steady = over 2 s, p99 ≤ 30 s and scores keep up
            LoadPlan plan = new LoadPlan(200, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(5), TENANTS, 1, 100_000,
                    new LoadPlan.Steady(Duration.ofSeconds(20), Duration.ofSeconds(2), Duration.ofSeconds(30)));
            LoadResult r = new LoadRun(plan, kafka.bootstrapServers(), false, new GeneratedTraffic(TENANTS, 1),
                    new PrintStream(progress, true, StandardCharsets.UTF_8), Duration.ofSeconds(30)).run();
            String log = progress.toString(StandardCharsets.UTF_8);

            assertTrue(r.warmupOutcome().untilSteady());
            // wherever the warm-up ended, the window is the next 600 transactions: 6 end in 07 (dropped), 6 in 03 (doubled)
            assertEquals(600, r.measured().produced());
            assertEquals(6, r.measured().lost());
            assertEquals(6, r.measured().duplicates());
            assertEquals(600, r.seconds().stream().mapToLong(Timeline.Second::sent).sum());
            long warmup = r.warmup().produced();
            assertTrue(warmup >= 200 && warmup <= 4000, "warm-up of " + warmup + " transactions: between the 1 s minimum and the 20 s cap");
            assertEquals(warmup / 200.0, r.warmupOutcome().seconds(), 0.01);
            if (r.warmupOutcome().settled()) {
                assertTrue(log.contains("the measured window starts now"), log);
            } else {
                assertTrue(log.contains("did not keep up within the warm-up cap"), log);
            }
            assertTrue(LoadReport.markdown(r).contains(r.warmupOutcome().settled() ? "until steady" : "NOT steady"));
        } finally {
            pipeline.stop();
            t.join(5000);
        }
    }

    @Test
    void aBrokerWithoutTheTenantsTopicsIsAClearErrorBeforeAnythingIsSent() {
        LoadPlan plan = new LoadPlan(10, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, List.of("initech"), 1, 10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new LoadRun(plan, kafka.bootstrapServers(), false,
                new GeneratedTraffic(plan.tenants(), 1), new PrintStream(new ByteArrayOutputStream()), Duration.ofSeconds(5)).run());
        assertTrue(e.getMessage().contains("initech.tx.raw") && e.getMessage().contains("./umbra local"), e.getMessage());
    }

    /** Reads raw transactions, writes requests and scores transactionally, loses and duplicates on purpose. */
    static final class StandInPipeline implements Runnable {
        private final String bootstrap;
        private volatile boolean running = true;

        StandInPipeline(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "stand-in",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stand-in", ProducerConfig.LINGER_MS_CONFIG, 1);
            try (KafkaConsumer<String, String> in = new KafkaConsumer<>(cc, new StringDeserializer(), new StringDeserializer());
                 KafkaProducer<String, byte[]> out = new KafkaProducer<>(pc, new StringSerializer(),
                         new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                in.subscribe(TENANTS.stream().map(t -> Topics.name(TenantId.of(t), TopicKind.TX_RAW)).toList());
                out.initTransactions();
                int sinceRequest = 0;
                while (running) {
                    var records = in.poll(Duration.ofMillis(100)); // fewer, larger transactions
                    if (records.isEmpty()) {
                        continue;
                    }
                    out.beginTransaction();
                    for (ConsumerRecord<String, String> r : records) {
                        String tenant = r.topic().substring(0, r.topic().indexOf('.'));
                        String id = idOf(r.value());
                        if (++sinceRequest == 10) {
                            sinceRequest = 0;
                            out.send(new ProducerRecord<>(Topics.name(TenantId.of(tenant), TopicKind.SCORE_REQUESTS), null, new byte[1000]));
                        }
                        if (id.endsWith("07") && !id.contains("probe")) {
                            continue;
                        }
                        String scores = Topics.name(TenantId.of(tenant), TopicKind.SCORES);
                        out.send(new ProducerRecord<>(scores, id, "{}".getBytes(StandardCharsets.UTF_8)));
                        if (id.endsWith("03")) {
                            out.send(new ProducerRecord<>(scores, id, "{}".getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                    out.sendOffsetsToTransaction(nextOffsets(records), in.groupMetadata());
                    out.commitTransaction();
                }
            }
        }

        private static Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> nextOffsets(
                org.apache.kafka.clients.consumer.ConsumerRecords<String, String> records) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> m = new java.util.HashMap<>();
            for (var p : records.partitions()) {
                var list = records.records(p);
                m.put(p, new org.apache.kafka.clients.consumer.OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
            }
            return m;
        }

        private static String idOf(String json) {
            Matcher m = Pattern.compile("\"transactionId\":\"([^\"]+)\"").matcher(json);
            if (!m.find()) {
                throw new IllegalStateException("no transactionId in " + json);
            }
            return m.group(1);
        }
    }
}
