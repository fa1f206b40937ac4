package io.umbra.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A broker's PROXIED listener behind a {@link FaultProxy}: one client cut off, the others not. */
class ProxiedListenerTest {

    @Test
    void aClientBootstrappedThroughTheProxyConnectsOnlyThroughItAndAPartitionCutsOffThatClientAlone() throws Exception {
        int listenerPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listenerPort = s.getLocalPort();
        }
        try (FaultProxy proxy = FaultProxy.start(0, "127.0.0.1", listenerPort);
             EmbeddedKafka kafka = EmbeddedKafka.builder().proxiedListener(listenerPort, proxy.port()).start()) {
            kafka.createTopics(TopicSpec.of("t", 1));
            // metadata through the proxy names the proxy: every later connection of that client goes through it
            try (Admin viaProxy = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, proxy.address()))) {
                List<Node> nodes = new ArrayList<>(viaProxy.describeCluster().nodes().get(30, TimeUnit.SECONDS));
                assertEquals(1, nodes.size());
                assertEquals(proxy.port(), nodes.get(0).port());
            }
            // the ordinary listener still advertises itself
            assertEquals(kafka.port(), new ArrayList<>(kafka.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS)).get(0).port());

            send(proxy.address(), "before");
            proxy.partition();
            ExecutionException cut = assertThrows(ExecutionException.class, () -> send(proxy.address(), "during"));
            assertInstanceOf(TimeoutException.class, cut.getCause(), cut.toString());
            send(kafka.bootstrapServers(), "beside"); // a client on the ordinary listener is not cut off
            proxy.heal();
            send(proxy.address(), "after");

            assertEquals(List.of("before", "beside", "after"), readAll(kafka.bootstrapServers(), "t", 3));
            assertTrue(proxy.bytesForwarded() > 0);
        }
    }

    @Test
    void theProxiedListenerIsPlaintextOnlyAndNeedsTwoPorts() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafka.builder().proxiedListener(20_000, 20_000));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafka.builder().proxiedListener(0, 20_000));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafka.builder().proxiedListener(20_001, 20_000)
                .scramUsers(Map.of("u", "p")).start());
        Properties props = BrokerSetup.brokerProperties("127.0.0.1", java.nio.file.Path.of("logs"), 9092, 9093, null, 1 << 20, false,
                BrokerSetup.Quorum.single(), new BrokerSetup.Proxied(9094, 9095), Map.of());
        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,PROXIED://127.0.0.1:9094", props.getProperty("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:9092,PROXIED://127.0.0.1:9095", props.getProperty("advertised.listeners"));
        assertEquals("PLAINTEXT", props.getProperty("inter.broker.listener.name"));
    }

    /** One record, acknowledged or failed within a few seconds. */
    private static void send(String bootstrap, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 4_000), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("t", value.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && consumer.position(tp) < consumer.endOffsets(List.of(tp)).get(tp)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(expected, out.size(), "records on " + topic + ": " + out);
        return out;
    }
}
