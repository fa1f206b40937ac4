package io.umbra.ingest.stream;

import io.umbra.events.EventJson;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.features.CardFeatures;
import io.umbra.events.features.CardHistory;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.tx.Channel;
import io.umbra.events.tx.RawTransaction;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.KafkaLocalTestResource;
import io.umbra.kafka.local.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feature schema 2 is exactly-once across crashes of ingest-service: the same transactions go to two tenants
 * on the embedded broker, one served by an ingest that runs undisturbed, the other by an ingest in its own
 * JVM that is SIGKILLed mid-stream twice — restarted once on its old state directory, once on an empty one
 * (a pod rescheduled without its volume: the card histories come back from the changelog) — while the bank
 * keeps sending and finally re-sends a block it is unsure of. Every transaction id must come out exactly
 * once (read committed) on both tenants, with bit-identical vectors, equal to what umbra-events'
 * {@link CardFeatures} computes over each card's transactions in order.
 *
 * <p>A card's order must be the same in every run for that comparison to mean anything: the bank keys by
 * card, and ingest keeps dedupe and history in the raw partition's task (no hop), so a card's order is its
 * raw partition's, in both runs and across restarts. (Each card's transaction ids also hash to one partition,
 * which mattered when ingest re-keyed by transaction id; it does no harm now.)
 */
class CardFeaturesRestartTest {
    private static final int CARDS = 40;
    private static final int PER_CARD = 50;
    private static final int PARTITIONS = 3;
    private static final int RESENT = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final Map<String, Double> RATES = IngestWorker.RATES;

    @Test
    void featuresAreExactlyOnceAcrossSigkillsAndEqualAnUninterruptedRun() throws Exception {
        EmbeddedKafka kafka = KafkaLocalTestResource.broker();
        String run = UUID.randomUUID().toString().substring(0, 8);
        TenantId steady = TenantId.of("steady-" + run);
        TenantId crashy = TenantId.of("crashy-" + run);
        for (TenantId t : List.of(steady, crashy)) {
            kafka.createTopics(TopicSpec.of(Topics.name(t, TopicKind.TX_RAW), PARTITIONS), TopicSpec.of(Topics.name(t, TopicKind.TX_FEATURES),
                    PARTITIONS), TopicSpec.of(Topics.name(t, TopicKind.TX_DLQ), 1));
        }
        List<RawTransaction> stream = traffic(new Random(20261128));
        Map<String, double[]> expected = reference(stream);
        Path work = Files.createDirectories(Path.of("target", "restart-test", run));

        KafkaStreams undisturbed = IngestWorker.start(kafka.bootstrapServers(), steady, "steady-0", work.resolve("steady").toString());
        Process ingest = spawn(kafka, crashy, work.resolve("crashy-a"), work.resolve("crashy-1.log"));
        AtomicBoolean produced = new AtomicBoolean();
        Thread bank = new Thread(() -> send(kafka, List.of(steady, crashy), stream, produced), "bank");
        bank.start();

        Map<String, List<FeatureVector>> calm = new HashMap<>();
        Map<String, List<FeatureVector>> crashed = new HashMap<>();
        int uncommittedAtEnd;
        List<String> story = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> calmReader = reader(kafka, steady, "read_committed");
             KafkaConsumer<byte[], byte[]> crashedReader = reader(kafka, crashy, "read_committed");
             KafkaConsumer<byte[], byte[]> everything = reader(kafka, crashy, "read_uncommitted")) {
            int seenUncommitted = 0;
            int kills = 0;
            long began = System.nanoTime();
            long deadline = began + TIMEOUT.toNanos();
            long quietSince = 0;
            while (System.nanoTime() < deadline) {
                collect(calmReader, calm);
                collect(crashedReader, crashed);
                seenUncommitted += everything.poll(Duration.ofMillis(20)).count();
                if (kills < 2 && seenUncommitted >= (kills + 1) * stream.size() / 3) {
                    // SIGKILL: no shutdown hook, no commit, no flush; the open transaction is left to the broker.
                    ingest.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    assertFalse(ingest.isAlive());
                    kills++;
                    story.add(String.format("%.1f s: kill %d after", (System.nanoTime() - began) / 1e9, kills) + " " + seenUncommitted + " vectors written (" + crashed.size() + " seen committed)");
                    // The first restart finds its state directory; the second starts on an empty one.
                    Path stateDir = kills == 1 ? work.resolve("crashy-a") : work.resolve("crashy-b");
                    ingest = spawn(kafka, crashy, stateDir, work.resolve("crashy-" + (kills + 1) + ".log"));
                }
                boolean complete = produced.get() && calm.size() == stream.size() && crashed.size() == stream.size();
                if (complete && quietSince == 0) {
                    quietSince = System.nanoTime();
                } else if (complete && System.nanoTime() - quietSince > Duration.ofSeconds(2).toNanos()) {
                    story.add(String.format("%.1f s: all committed", (quietSince - began) / 1e9));
                    break; // two seconds more for a late duplicate to show itself
                }
            }
            uncommittedAtEnd = seenUncommitted;
        } finally {
            bank.join(10_000);
            ingest.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            undisturbed.close(Duration.ofSeconds(10));
        }
        System.out.println("[restart-test] " + String.join("; ", story) + "; " + uncommittedAtEnd + " vectors written in all, "
                + crashed.size() + " distinct committed");

        assertEquals(3, story.size(), "both kills happened mid-stream, then everything was committed: " + story);
        assertEquals(expected.keySet(), calm.keySet(), "the undisturbed run: every transaction has a vector");
        assertEquals(expected.keySet(), crashed.keySet(), "the killed run: every transaction has a vector");
        for (RawTransaction tx : stream) {
            String id = tx.transactionId();
            assertEquals(1, calm.get(id).size(), "exactly once, undisturbed: " + id);
            assertEquals(1, crashed.get(id).size(), "exactly once across two SIGKILLs: " + id);
            FeatureVector a = calm.get(id).getFirst();
            FeatureVector b = crashed.get(id).getFirst();
            assertEquals(FeatureSchema.V2, b.schema());
            assertEquals(tx.cardId(), b.cardId());
            assertArrayEquals(expected.get(id), a.features(), "undisturbed run = CardFeatures in card order: " + id);
            assertArrayEquals(a.features(), b.features(), "killed run = undisturbed run, bit for bit: " + id);
        }
        // The kills must have cost something to redo, or they proved nothing: work written but never committed.
        assertTrue(uncommittedAtEnd > stream.size(),
                "a kill left an open transaction behind: vectors were written, aborted and redone (" + uncommittedAtEnd + " written)");
    }

    // ---- the traffic ----

    /**
     * {@link #CARDS} cards × {@link #PER_CARD} transactions, interleaved as a bank's stream: everyday payments
     * near home, bursts of small e-commerce payments, trips abroad with positions, late uploads (event time
     * hours before the card's previous one), devices old and new, amounts in EUR, USD and GBP.
     */
    static List<RawTransaction> traffic(Random r) {
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).minusDays(3).truncatedTo(ChronoUnit.SECONDS);
        List<List<RawTransaction>> cards = new ArrayList<>();
        for (int c = 0; c < CARDS; c++) {
            String card = "card-" + run(r) + c;
            int target = Utils.toPositive(Utils.murmur2(card.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            List<RawTransaction> txs = new ArrayList<>();
            OffsetDateTime t = start.plusMinutes(r.nextInt(600));
            double homeLat = 48 + 5 * r.nextDouble();
            double homeLon = 7 + 8 * r.nextDouble();
            for (int i = 0; i < PER_CARD; i++) {
                boolean burst = r.nextInt(10) == 0;
                t = t.plusSeconds(burst ? 20 + r.nextInt(60) : 300 + r.nextInt(4000));
                OffsetDateTime when = r.nextInt(15) == 0 ? t.minusHours(1 + r.nextInt(5)) : t; // a late upload
                boolean abroad = r.nextInt(12) == 0;
                boolean located = abroad || r.nextInt(3) == 0;
                String currency = abroad ? (r.nextBoolean() ? "USD" : "GBP") : "EUR";
                long amount = burst ? 50 + r.nextInt(250) : Math.round(Math.exp(Math.log(3000) + 0.8 * r.nextGaussian()));
                Channel channel = burst ? Channel.ECOM : located ? Channel.POS : Channel.values()[r.nextInt(3)];
                txs.add(new RawTransaction(1, idOnPartition(card, i, target), card, amount, currency,
                        burst ? "m-web-" + r.nextInt(1000) : "m-" + r.nextInt(12), burst ? "5816" : "5411",
                        abroad ? (currency.equals("USD") ? "US" : "GB") : "DE", channel, when.withOffsetSameInstant(ZoneOffset.ofHours(1)),
                        "DE", channel == Channel.ECOM ? (burst ? "dev-new-" + r.nextInt(3) : "dev-" + c) : null,
                        located ? (abroad ? 40.7 + r.nextDouble() : homeLat + 0.1 * r.nextGaussian()) : null,
                        located ? (abroad ? -74 + r.nextDouble() : homeLon + 0.1 * r.nextGaussian()) : null));
            }
            cards.add(txs);
        }
        // Interleave the cards at random, keeping each card's own order.
        List<RawTransaction> stream = new ArrayList<>(CARDS * PER_CARD);
        int[] next = new int[CARDS];
        while (stream.size() < CARDS * PER_CARD) {
            int c = r.nextInt(CARDS);
            if (next[c] < PER_CARD) {
                stream.add(cards.get(c).get(next[c]++));
            }
        }
        return stream;
    }

    private static String run(Random r) {
        return Integer.toHexString(r.nextInt(0x10000)) + "-";
    }

    /** A transaction id of {@code card} that the by-transaction-id repartition puts on {@code partition} (murmur2, as Kafka). */
    private static String idOnPartition(String card, int i, int partition) {
        for (int salt = 0; ; salt++) {
            String id = card + "-tx" + i + "-" + salt;
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS == partition) {
                return id;
            }
        }
    }

    /** What every vector must be: umbra-events' CardFeatures over each card's transactions, in order. */
    private static Map<String, double[]> reference(List<RawTransaction> stream) {
        CardFeatures features = new CardFeatures("DE", ReferenceRates.of("EUR", RATES));
        Map<String, CardHistory> histories = new HashMap<>();
        Map<String, double[]> expected = new LinkedHashMap<>();
        for (RawTransaction tx : stream) {
            CardHistory h = histories.computeIfAbsent(tx.cardId(), c -> new CardHistory());
            expected.put(tx.transactionId(), features.next(h, tx, 0).features());
        }
        return expected;
    }

    // ---- the bank, the ingest JVM, the readers ----

    /** Sends the stream to both tenants' raw topics, keyed by card, 25 at a time; then re-sends {@link #RESENT} of them. */
    private static void send(EmbeddedKafka kafka, List<TenantId> tenants, List<RawTransaction> stream, AtomicBoolean done) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer())) {
            List<RawTransaction> all = new ArrayList<>(stream);
            all.addAll(stream.subList(stream.size() / 2, stream.size() / 2 + RESENT)); // a retry of a block already sent
            for (int i = 0; i < all.size(); i++) {
                RawTransaction tx = all.get(i);
                for (TenantId t : tenants) {
                    producer.send(new ProducerRecord<>(Topics.name(t, TopicKind.TX_RAW), tx.cardId(), EventJson.write(tx)));
                }
                if (i % 25 == 24) {
                    producer.flush();
                    Thread.sleep(40);
                }
            }
            producer.flush();
            done.set(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link IngestWorker} in a JVM of its own, instance id {@code ingest-0} every time (static membership: the restart takes its place). */
    private static Process spawn(EmbeddedKafka kafka, TenantId tenant, Path stateDir, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", classpath,
                IngestWorker.class.getName(), kafka.bootstrapServers(), tenant.value(), "ingest-0", stateDir.toString());
        // With a commit interval as short as the producer's linger (100 ms, or less when configured), so its records reach the broker
        // only with the commit: a kill would almost never find written, uncommitted work, and the test would prove
        // nothing about it. The killed worker commits every second instead, so each kill lands in an open
        // transaction with records on the broker (the assertion at the end checks that it did).
        pb.environment().put("UMBRA_STREAMS_COMMIT_INTERVAL_MS", "1000");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    private static KafkaConsumer<byte[], byte[]> reader(EmbeddedKafka kafka, TenantId tenant, String isolation) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        String topic = Topics.name(tenant, TopicKind.TX_FEATURES);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void collect(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<FeatureVector>> into) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
            FeatureVector v = FeatureVector.fromJson(r.value());
            into.computeIfAbsent(v.transactionId(), id -> new ArrayList<>()).add(v);
        }
    }
}
