package io.umbra.cli.load;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the five services that does what the harness measures and nothing else: reads {@code <t>.tx.raw},
 * writes a 1,000-byte "batch" per 10 transactions to {@code <t>.score.requests} and one score per transaction to
 * {@code <t>.scores}, in one Kafka transaction per poll. Every transaction is scored exactly once.
 */
final class StandInScorer implements Runnable {
    private static final Pattern ID = Pattern.compile("\"transactionId\":\"([^\"]+)\"");
    private final String bootstrap;
    private final Map<String, Object> login;
    private final List<String> tenants;
    private volatile boolean running = true;

    StandInScorer(String bootstrap, Map<String, Object> login, List<String> tenants) {
        this.bootstrap = bootstrap;
        this.login = login;
        this.tenants = tenants;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        Map<String, Object> cc = new HashMap<>(login);
        cc.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "stand-in",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        Map<String, Object> pc = new HashMap<>(login);
        pc.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stand-in",
                ProducerConfig.LINGER_MS_CONFIG, 1));
        try (KafkaConsumer<String, String> in = new KafkaConsumer<>(cc, new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, byte[]> out = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer())) {
            in.subscribe(tenants.stream().map(t -> Topics.name(TenantId.of(t), TopicKind.TX_RAW)).toList());
            out.initTransactions();
            int sinceRequest = 0;
            while (running) {
                ConsumerRecords<String, String> records = in.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                out.beginTransaction();
                for (ConsumerRecord<String, String> r : records) {
                    String tenant = r.topic().substring(0, r.topic().indexOf('.'));
                    Matcher m = ID.matcher(r.value());
                    if (!m.find()) {
                        continue;
                    }
                    if (++sinceRequest == 10) {
                        sinceRequest = 0;
                        out.send(new ProducerRecord<>(Topics.name(TenantId.of(tenant), TopicKind.SCORE_REQUESTS), null, new byte[1000]));
                    }
                    out.send(new ProducerRecord<>(Topics.name(TenantId.of(tenant), TopicKind.SCORES), m.group(1),
                            "{}".getBytes(StandardCharsets.UTF_8)));
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (TopicPartition p : records.partitions()) {
                    List<ConsumerRecord<String, String>> list = records.records(p);
                    offsets.put(p, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
                }
                out.sendOffsetsToTransaction(offsets, in.groupMetadata());
                out.commitTransaction();
            }
        }
    }
}
