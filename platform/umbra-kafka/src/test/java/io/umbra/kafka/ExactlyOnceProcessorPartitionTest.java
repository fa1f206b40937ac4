package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.FaultProxy;
import io.umbra.kafka.local.TopicSpec;

/**
 * The loop cut off from its broker (a {@link FaultProxy} partition) in the middle of a transaction for longer than its
 * transaction timeout and its consumer session: the coordinator aborts the transaction and bumps the producer's epoch,
 * the group drops the member; after the heal the commit the loop retried is refused and the producer is left in an
 * error state. The loop must replace the producer and replay the batch, not stop: nothing lost, nothing twice.
 */
class ExactlyOnceProcessorPartitionTest {
    private static final String TRANSACTIONAL_ID = "p-group-cut-off";

    @Test
    void aTransactionTimedOutByTheCoordinatorDuringAPartitionIsReplayedAfterTheHealAndTheLoopGoesOn() throws Exception {
        int listenerPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listenerPort = s.getLocalPort();
        }
        try (FaultProxy proxy = FaultProxy.start(0, "127.0.0.1", listenerPort);
             EmbeddedKafka kafka = EmbeddedKafka.builder().proxiedListener(listenerPort, proxy.port())
                     // the coordinator looks for timed-out transactions every 0.5 s instead of every 10 s
                     .brokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500").start()) {
            kafka.createTopics(TopicSpec.of("p.in", 1), TopicSpec.of("p.out", 1), TopicSpec.of("p.dlq", 1));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add("id-" + i);
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String id : ids) {
                    producer.send(new ProducerRecord<>("p.in", id.getBytes(StandardCharsets.UTF_8)));
                }
            }
            AtomicInteger handled = new AtomicInteger();
            AtomicReference<TransactionState> atCut = new AtomicReference<>();
            AtomicReference<TransactionState> beforeHeal = new AtomicReference<>();
            RecordHandler cutOnce = record -> {
                if (handled.incrementAndGet() == 15) {
                    // the batch's earlier outputs are on their way: once the coordinator has the transaction open, cut
                    awaitState(kafka, Set.of(TransactionState.ONGOING));
                    proxy.partition();
                    atCut.set(state(kafka));
                    // past the transaction timeout (4 s) the coordinator aborts it; past the session (6 s) the group drops us
                    beforeHeal.set(awaitState(kafka, Set.of(TransactionState.COMPLETE_ABORT)));
                    sleep(Duration.ofSeconds(3));
                    Thread healer = new Thread(() -> {
                        sleep(Duration.ofSeconds(3)); // after the loop's first commit attempt has timed out (max.block.ms 2 s)
                        proxy.heal();
                    }, "healer");
                    healer.setDaemon(true);
                    healer.start();
                }
                return Outcome.emit(new ProducerRecord<>("p.out", record.key(), record.value()));
            };
            ExactlyOnceProcessorTest.RecordingListener listener = new ExactlyOnceProcessorTest.RecordingListener();
            try (ExactlyOnceProcessor p = ExactlyOnceProcessor.builder()
                    .bootstrapServers(proxy.address())
                    .groupId("p-group")
                    .topics(List.of("p.in"))
                    .instanceId("cut-off")
                    .serviceName("test-service")
                    .deadLetterTopic(t -> "p.dlq")
                    .handler(cutOnce)
                    .listener(listener)
                    .maxPollRecords(10)
                    .pollTimeout(Duration.ofMillis(100))
                    .producerProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 4_000)
                    .producerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000)
                    .producerProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000)
                    .producerProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000)
                    .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500)
                    .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000)
                    .build()) {
                p.start();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (values(kafka, "p.out").size() < ids.size() && p.isRunning() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(TransactionState.ONGOING, atCut.get(), "the cut caught the transaction open");
                assertEquals(TransactionState.COMPLETE_ABORT, beforeHeal.get(), "the coordinator aborted it at its timeout");
                assertTrue(p.isRunning(), "the loop goes on after the heal; failure: " + p.failure().map(Throwable::toString).orElse("none"));
                assertNull(listener.stoppedWith.get());
            }
            List<String> out = values(kafka, "p.out");
            assertEquals(ids.size(), out.size(), "nothing lost, nothing twice: " + out);
            assertEquals(new HashSet<>(ids), new HashSet<>(out));
            assertTrue(listener.aborted.get() >= 1, "the refused batch was aborted and replayed");
        }
    }

    private static TransactionState state(EmbeddedKafka kafka) {
        try {
            return kafka.admin().describeTransactions(List.of(TRANSACTIONAL_ID)).description(TRANSACTIONAL_ID).get(10, TimeUnit.SECONDS)
                    .state();
        } catch (Exception e) {
            return null; // not known yet
        }
    }

    /** Polls the coordinator until the transactional id is in one of {@code states}; a bound of 30 s. */
    private static TransactionState awaitState(EmbeddedKafka kafka, Set<TransactionState> states) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        TransactionState s;
        while (!states.contains(s = state(kafka)) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(5));
        }
        return s;
    }

    private static List<String> values(EmbeddedKafka kafka, String topic) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
