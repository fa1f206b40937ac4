package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.TopicSpec;

/** The loop against a real single-node broker (kafka-local): one broker for the class, a topic set per test. */
class ExactlyOnceProcessorTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void transformsEachRecordExactlyOnceAndCommitsItsOffsets() throws Exception {
        createTopics("t1", 3);
        List<String> ids = ids("id", 300);
        produce("t1.in", ids);
        RecordingListener listener = new RecordingListener();

        try (ExactlyOnceProcessor p = processor("t1", "a", upperCase("t1.out")).listener(listener).build()) {
            p.start();
            awaitCommitted("t1", "t1.in");
        }

        assertEquals(sorted(ids.stream().map(String::toUpperCase).toList()), sorted(values(readAll("t1.out", true))));
        assertEquals(300, listener.in.get());
        assertEquals(300, listener.out.get());
        assertEquals(0, listener.deadLettered.get());
        assertTrue(listener.batches.get() >= 1 && listener.latencyNanos.get() > 0);
        assertEquals(0, listener.aborted.get());
        assertNull(listener.stoppedWith.get(), "stopped by close(), not by a failure");
    }

    @Test
    void rejectionsExceptionsAndOversizedRecordsGoToTheDeadLetterTopicWhileThePartitionKeepsFlowing() throws Exception {
        createTopics("t2", 1);
        byte[] big = new byte[100 << 10];
        List<ProducerRecord<byte[], byte[]>> inputs = new ArrayList<>();
        List<String> expectedOut = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String v = "ok-" + i;
            inputs.add(new ProducerRecord<>("t2.in", v.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
            expectedOut.add(v.toUpperCase());
            if (i == 5) {
                Headers h = new RecordHeaders().add("trace-id", "t-42".getBytes(StandardCharsets.UTF_8));
                inputs.add(new ProducerRecord<>("t2.in", null, "k".getBytes(), "reject".getBytes(), h));
            } else if (i == 12) {
                inputs.add(new ProducerRecord<>("t2.in", "throw".getBytes()));
            } else if (i == 20) {
                inputs.add(new ProducerRecord<>("t2.in", big));
            }
        }
        produceRecords(inputs);
        RecordHandler handler = record -> {
            String v = new String(record.value(), StandardCharsets.UTF_8);
            if (v.equals("reject")) {
                return Outcome.reject("BAD_AMOUNT", "amount is negative");
            }
            if (v.equals("throw")) {
                throw new IllegalStateException("boom");
            }
            return Outcome.emit(new ProducerRecord<>("t2.out", record.key(), v.toUpperCase().getBytes(StandardCharsets.UTF_8)));
        };
        RecordingListener listener = new RecordingListener();

        try (ExactlyOnceProcessor p = processor("t2", "a", handler).maxRecordBytes(64 << 10).listener(listener).build()) {
            p.start();
            awaitCommitted("t2", "t2.in");
        }

        assertEquals(expectedOut, values(readAll("t2.out", true)), "every good record, in order, once");
        List<ConsumerRecord<byte[], byte[]>> dlq = readAll("t2.dlq", true);
        assertEquals(3, dlq.size());
        assertDeadLetter(dlq.get(0), "BAD_AMOUNT", "amount is negative", 6, "reject".getBytes());
        assertEquals("t-42", DeadLetters.header(dlq.get(0).headers(), "trace-id"), "the input's own headers are kept");
        assertArrayEquals("k".getBytes(), dlq.get(0).key());
        assertDeadLetter(dlq.get(1), DeadLetters.HANDLER_EXCEPTION, "IllegalStateException: boom", 14, "throw".getBytes());
        assertDeadLetter(dlq.get(2), DeadLetters.RECORD_TOO_LARGE, "102400 bytes", 23, big);
        assertEquals(Map.of("BAD_AMOUNT", 1, DeadLetters.HANDLER_EXCEPTION, 1, DeadLetters.RECORD_TOO_LARGE, 1), listener.byReason);
    }

    @Test
    void anAbortedTransactionsOutputsAreInvisibleToReadCommittedConsumers() throws Exception {
        createTopics("t3", 1);
        List<String> ids = new ArrayList<>(ids("a", 10));
        ids.add("huge");
        ids.addAll(ids("b", 10));
        produce("t3.in", ids);
        AtomicInteger hugeAttempts = new AtomicInteger();
        AtomicInteger handlerAborts = new AtomicInteger();
        RecordHandler handler = new RecordHandler() {
            @Override
            public Outcome handle(ConsumerRecord<byte[], byte[]> record) throws Exception {
                String v = new String(record.value(), StandardCharsets.UTF_8);
                if (v.equals("huge")) {
                    hugeAttempts.incrementAndGet();
                    Thread.sleep(300); // lets the outputs before it reach the broker before the abort
                    return Outcome.emit(new ProducerRecord<>("t3.out", new byte[2 << 20])); // over max.request.size
                }
                return Outcome.emit(new ProducerRecord<>("t3.out", record.value()));
            }

            @Override
            public void batchAborted() {
                handlerAborts.incrementAndGet();
            }
        };
        RecordingListener listener = new RecordingListener();

        try (ExactlyOnceProcessor p = processor("t3", "a", handler).listener(listener).build()) {
            p.start();
            awaitCommitted("t3", "t3.in");
        }

        List<String> expected = ids.stream().filter(v -> !v.equals("huge")).toList();
        assertEquals(expected, values(readAll("t3.out", true)), "read_committed: each output once, in order");
        List<String> uncommitted = values(readAll("t3.out", false));
        assertTrue(uncommitted.size() > expected.size() && uncommitted.subList(0, 10).equals(ids("a", 10)),
                "read_uncommitted also sees the aborted transaction's outputs: " + uncommitted);
        assertEquals(1, hugeAttempts.get(), "the replay dead-letters the record whose outputs were refused");
        assertTrue(listener.aborted.get() >= 1 && handlerAborts.get() >= 1);
        List<ConsumerRecord<byte[], byte[]>> dlq = readAll("t3.dlq", true);
        assertEquals(1, dlq.size());
        assertDeadLetter(dlq.get(0), DeadLetters.OUTPUT_REJECTED, "RecordTooLargeException", 10, "huge".getBytes());
    }

    @Test
    void aProcessorThatCrashesMidTransactionRestartsWithoutLossOrDuplicates() throws Exception {
        createTopics("t4", 2);
        List<String> ids = ids("id", 200);
        produce("t4.in", ids);
        AtomicReference<ExactlyOnceProcessor> first = new AtomicReference<>();
        AtomicInteger handled = new AtomicInteger();
        RecordHandler crashAfter110 = record -> {
            if (handled.incrementAndGet() == 110) {
                first.get().crashWithoutCommitting();
            }
            return Outcome.emit(new ProducerRecord<>("t4.out", record.key(), record.value()));
        };

        ExactlyOnceProcessor crashing = processor("t4", "same-instance", crashAfter110).maxPollRecords(20).build();
        first.set(crashing);
        crashing.start();
        assertTrue(crashing.awaitStopped(WAIT), "the crash stops the first incarnation");
        assertTrue(crashing.failure().isPresent());
        long committedAtCrash = committed("t4").values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        assertTrue(committedAtCrash < 110, "the crashed batch was not committed: " + committedAtCrash);

        try (ExactlyOnceProcessor restarted = processor("t4", "same-instance", upperCase("t4.out")).maxPollRecords(20).build()) {
            restarted.start();
            awaitCommitted("t4", "t4.in");
        }

        List<String> out = values(readAll("t4.out", true));
        assertEquals(200, out.size(), "nothing lost, nothing doubled");
        Set<String> unique = new HashSet<>();
        for (String v : out) {
            unique.add(v.toLowerCase());
        }
        assertEquals(new HashSet<>(ids), unique);
        assertTrue(readAll("t4.out", false).size() > 200, "the crashed transaction had written outputs, aborted since");
    }

    @Test
    void twoInstancesInOneGroupSplitThePartitionsAndProcessEachRecordOnce() throws Exception {
        createTopics("t5", 4);
        Map<String, RecordingListener> listeners = new ConcurrentHashMap<>();
        List<String> firstHalf = ids("x", 200);
        List<String> secondHalf = ids("y", 200);
        produce("t5.in", firstHalf);

        try (ExactlyOnceProcessor a = instance("a", listeners)) {
            a.start();
            await(() -> listeners.get("a").in.get() > 0, "instance a processes records");
            try (ExactlyOnceProcessor b = instance("b", listeners)) {
                b.start();
                await(() -> !listeners.get("a").assigned.isEmpty() && !listeners.get("b").assigned.isEmpty(),
                        "both instances hold partitions");
                assertEquals(4, listeners.get("a").assigned.size() + listeners.get("b").assigned.size());
                produce("t5.in", secondHalf);
                awaitCommitted("t5", "t5.in");
            }
        }

        List<ConsumerRecord<byte[], byte[]>> out = readAll("t5.out", true);
        List<String> expected = new ArrayList<>(firstHalf);
        expected.addAll(secondHalf);
        assertEquals(sorted(expected), sorted(values(out)), "each record exactly once across both instances");
        Map<String, Integer> byInstance = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            byInstance.merge(DeadLetters.header(r.headers(), "instance"), 1, Integer::sum);
        }
        assertTrue(byInstance.getOrDefault("a", 0) > 0 && byInstance.getOrDefault("b", 0) > 0, "both did work: " + byInstance);
    }

    @Test
    void aSecondIncarnationWithTheSameInstanceIdFencesTheFirst() throws Exception {
        createTopics("t6", 2);
        RecordingListener zombieEvents = new RecordingListener();
        RecordingListener successorEvents = new RecordingListener();
        ExactlyOnceProcessor zombie = processor("t6", "twin", upperCase("t6.out")).listener(zombieEvents).build();
        try {
            zombie.start();
            await(() -> zombieEvents.assigned.size() == 2, "the first incarnation holds both partitions");
            try (ExactlyOnceProcessor successor = processor("t6", "twin", upperCase("t6.out")).listener(successorEvents).build()) {
                successor.start(); // initTransactions with the same transactional id fences the first
                await(() -> zombieEvents.assigned.size() == 1 && successorEvents.assigned.size() == 1, "the group splits the partitions");
                produce("t6.in", ids("id", 100));
                assertTrue(zombie.awaitStopped(WAIT), "the fenced incarnation stops at its first transaction");
                assertTrue(KafkaErrors.isFenced(zombie.failure().orElseThrow()), String.valueOf(zombie.failure()));
                assertEquals(zombie.failure().orElseThrow(), zombieEvents.stoppedWith.get());
                awaitCommitted("t6", "t6.in"); // the successor takes the zombie's partition over
            }
        } finally {
            zombie.close();
        }
        assertEquals(sorted(ids("ID", 100)), sorted(values(readAll("t6.out", true))));
    }

    @Test
    void batchModeHandsEachPollOverWholeAsOneTransactionAndEmitsAPartialBatchWhenTheLingerExpires() throws Exception {
        createTopics("b1", 2);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            inputs.add(i % 37 == 5 ? "bad-" + i : "v-" + i);
        }
        produce("b1.in", inputs);
        List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        BatchHandler joinGoodOnes = records -> {
            batchSizes.add(records.size());
            BatchOutcome.Builder out = BatchOutcome.builder();
            List<String> good = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String v = new String(r.value(), StandardCharsets.UTF_8);
                if (v.startsWith("bad-")) {
                    out.reject(r, "BAD_VALUE", "the value is marked bad");
                } else {
                    good.add(v);
                    sources.add(r);
                }
            }
            if (!good.isEmpty()) {
                out.emit(new ProducerRecord<>("b1.out", String.join(",", good).getBytes(StandardCharsets.UTF_8)), sources);
            }
            return out.build();
        };
        RecordingListener listener = new RecordingListener();
        Duration linger = Duration.ofMillis(700);

        try (ExactlyOnceProcessor p = base("b1", "a").batchHandler(joinGoodOnes)
                .maxPollRecords(50).batchLinger(50 * 8, linger).listener(listener).build()) {
            p.start();
            awaitCommitted("b1", "b1.in");
            assertTrue(batchSizes.stream().allMatch(n -> n <= 50), "no batch over maxPollRecords: " + batchSizes);
            assertTrue(batchSizes.stream().filter(n -> n == 50).count() >= 3, "a backlog fills whole batches: " + batchSizes);
            int before = batchSizes.size();

            produce("b1.in", List.of("late-1", "late-2", "late-3"));
            awaitCommitted("b1", "b1.in");
            assertEquals(3, batchSizes.subList(before, batchSizes.size()).stream().mapToInt(Integer::intValue).sum(),
                    "the three late records were handed over once the linger expired, in a batch far from full: " + batchSizes);
        }

        List<String> emitted = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> out = readAll("b1.out", true);
        for (String batch : values(out)) {
            emitted.addAll(List.of(batch.split(",")));
        }
        List<String> expected = new ArrayList<>(inputs.stream().filter(v -> !v.startsWith("bad-")).toList());
        expected.addAll(List.of("late-1", "late-2", "late-3"));
        assertEquals(sorted(expected), sorted(emitted), "every good record in exactly one batch");
        assertEquals(out.size(), listener.out.get());
        List<ConsumerRecord<byte[], byte[]>> dlq = readAll("b1.dlq", true);
        assertEquals(inputs.stream().filter(v -> v.startsWith("bad-")).count(), dlq.size());
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            assertEquals("BAD_VALUE", DeadLetters.header(r.headers(), DeadLetters.HEADER_REASON));
            assertTrue(new String(r.value(), StandardCharsets.UTF_8).startsWith("bad-"));
        }
        assertEquals(233, listener.in.get());
        assertEquals(0, listener.aborted.get());
    }

    @Test
    void batchModeReplaysAnAbortedPollDeadLetteringTheSourcesOfARefusedOutputAndIsolatesAThrowingRecord() throws Exception {
        createTopics("b2", 1);
        List<String> inputs = new ArrayList<>(ids("v", 10));
        inputs.add("huge");
        inputs.addAll(ids("w", 10));
        inputs.add("boom");
        inputs.addAll(ids("x", 10));
        produce("b2.in", inputs);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger handlerAborts = new AtomicInteger();
        BatchHandler handler = new BatchHandler() {
            @Override
            public BatchOutcome handle(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
                calls.incrementAndGet();
                BatchOutcome.Builder out = BatchOutcome.builder();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    if (v.equals("boom")) {
                        throw new IllegalStateException("cannot pack boom");
                    }
                    if (v.equals("huge")) {
                        Thread.sleep(300); // lets the outputs sent before it reach the broker before the abort
                    }
                    byte[] value = v.equals("huge") ? new byte[2 << 20] : v.toUpperCase().getBytes(StandardCharsets.UTF_8);
                    out.emit(new ProducerRecord<>("b2.out", value), List.of(r));
                }
                return out.build();
            }

            @Override
            public void batchAborted() {
                handlerAborts.incrementAndGet();
            }
        };
        RecordingListener listener = new RecordingListener();

        try (ExactlyOnceProcessor p = base("b2", "a").batchHandler(handler)
                .maxPollRecords(100).listener(listener).build()) {
            p.start();
            awaitCommitted("b2", "b2.in");
        }

        List<String> expected = inputs.stream().filter(v -> !v.equals("huge") && !v.equals("boom")).map(String::toUpperCase).toList();
        assertEquals(expected, values(readAll("b2.out", true)), "read_committed: each good output once, in order");
        assertTrue(readAll("b2.out", false).size() > expected.size(), "the aborted attempt had written outputs");
        assertTrue(listener.aborted.get() >= 1 && handlerAborts.get() >= 1);
        List<ConsumerRecord<byte[], byte[]>> dlq = readAll("b2.dlq", true);
        assertEquals(2, dlq.size(), "only the two culprits: " + values(dlq));
        assertDeadLetter(dlq.get(0), DeadLetters.OUTPUT_REJECTED, "RecordTooLargeException", 10, "huge".getBytes());
        assertDeadLetter(dlq.get(1), DeadLetters.HANDLER_EXCEPTION, "IllegalStateException: cannot pack boom", 21, "boom".getBytes());
        assertTrue(calls.get() > 2, "the throwing poll was retried record by record: " + calls.get());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private ExactlyOnceProcessor instance(String id, Map<String, RecordingListener> listeners) {
        RecordingListener listener = new RecordingListener();
        listeners.put(id, listener);
        RecordHandler tagged = record -> {
            Headers h = new RecordHeaders().add("instance", id.getBytes(StandardCharsets.UTF_8));
            return Outcome.emit(new ProducerRecord<>("t5.out", null, record.key(), record.value(), h));
        };
        return processor("t5", id, tagged).maxPollRecords(25).listener(listener).build();
    }

    private static ProcessorConfig.Builder processor(String prefix, String instanceId, RecordHandler handler) {
        return base(prefix, instanceId).handler(handler);
    }

    /** Everything but the handler: per-record and batch tests share it. */
    private static ProcessorConfig.Builder base(String prefix, String instanceId) {
        return ExactlyOnceProcessor.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .groupId(prefix + "-group")
                .topics(List.of(prefix + ".in"))
                .instanceId(instanceId)
                .serviceName("test-service")
                .deadLetterTopic(t -> t.replace(".in", ".dlq"))
                .pollTimeout(Duration.ofMillis(100))
                // quick rebalances on a test broker
                .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500)
                .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
    }

    private static RecordHandler upperCase(String outTopic) {
        return record -> Outcome.emit(new ProducerRecord<>(outTopic, record.key(),
                new String(record.value(), StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertDeadLetter(ConsumerRecord<byte[], byte[]> r, String reason, String detailContains, long offset,
                                         byte[] value) {
        assertEquals(reason, DeadLetters.header(r.headers(), DeadLetters.HEADER_REASON));
        String detail = DeadLetters.header(r.headers(), DeadLetters.HEADER_DETAIL);
        assertTrue(detail.contains(detailContains), detail);
        String topic = DeadLetters.header(r.headers(), DeadLetters.HEADER_SOURCE_TOPIC);
        assertEquals(topic.replace(".in", ".dlq"), r.topic());
        assertEquals("0", DeadLetters.header(r.headers(), DeadLetters.HEADER_SOURCE_PARTITION));
        assertEquals(Long.toString(offset), DeadLetters.header(r.headers(), DeadLetters.HEADER_SOURCE_OFFSET));
        assertEquals("test-service", DeadLetters.header(r.headers(), DeadLetters.HEADER_SERVICE));
        Instant.parse(DeadLetters.header(r.headers(), DeadLetters.HEADER_FAILED_AT));
        assertNull(DeadLetters.header(r.headers(), DeadLetters.HEADER_PAYLOAD_OMITTED));
        assertArrayEquals(value, r.value(), "the payload byte for byte");
    }

    private static void createTopics(String prefix, int partitions) {
        kafka.createTopics(TopicSpec.of(prefix + ".in", partitions), TopicSpec.of(prefix + ".out", partitions),
                TopicSpec.of(prefix + ".dlq", 1));
    }

    private static List<String> ids(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + "-" + i);
        }
        return ids;
    }

    private static void produce(String topic, List<String> values) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            records.add(new ProducerRecord<>(topic, b, b));
        }
        produceRecords(records);
    }

    private static void produceRecords(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String prefix) throws Exception {
        return kafka.admin().listConsumerGroupOffsets(prefix + "-group").partitionsToOffsetAndMetadata().get();
    }

    /** Until the group has committed every input partition up to its end. */
    private static void awaitCommitted(String prefix, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        kafka.admin().listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        await(() -> {
            try {
                Map<TopicPartition, OffsetAndMetadata> c = committed(prefix);
                return end.entrySet().stream().allMatch(e -> c.get(e.getKey()) != null && c.get(e.getKey()).offset() == e.getValue());
            } catch (Exception e) {
                return false;
            }
        }, "group " + prefix + "-group commits " + end);
    }

    /** Everything on {@code topic}, read_committed (up to the last stable offset) or read_uncommitted. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean committed) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic + " took more than " + WAIT);
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> sorted(Collection<String> values) {
        return values.stream().sorted().toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "timed out waiting until " + what);
            Thread.sleep(50);
        }
    }

    /** Counts what the processor reports, as a Micrometer binding would. */
    static final class RecordingListener implements ProcessorListener {
        final AtomicInteger in = new AtomicInteger();
        final AtomicInteger out = new AtomicInteger();
        final AtomicInteger deadLettered = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger aborted = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong latencyNanos = new java.util.concurrent.atomic.AtomicLong();
        final Map<String, Integer> byReason = new ConcurrentHashMap<>();
        final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> stoppedWith = new AtomicReference<>();

        @Override
        public void batchCommitted(BatchStats stats) {
            in.addAndGet(stats.recordsIn());
            out.addAndGet(stats.recordsOut());
            deadLettered.addAndGet(stats.recordsDeadLettered());
            stats.deadLetteredByReason().forEach((k, v) -> byReason.merge(k, v, Integer::sum));
            batches.incrementAndGet();
            latencyNanos.addAndGet(stats.latency().toNanos());
        }

        @Override
        public void batchAborted(int records, Throwable cause) {
            aborted.incrementAndGet();
        }

        @Override
        public void partitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
        }

        @Override
        public void partitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
        }

        @Override
        public void stopped(Throwable failure) {
            stoppedWith.set(failure);
        }
    }
}
