package io.umbra.cli.trace;

import com.fasterxml.jackson.databind.JsonNode;
import io.umbra.cli.CommandFailure;
import io.umbra.cli.produce.KafkaTarget;
import io.umbra.events.EventFormatException;
import io.umbra.events.EventJson;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.tracing.BatchContexts;
import io.umbra.kafka.tracing.HopTracing;
import io.umbra.kafka.tracing.TraceContext;
import io.umbra.kafka.tracing.TraceHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * {@code umbra trace TX --tenant T}: one transaction's way through the hops, from the tenant's topics and the
 * trace headers every hop writes (platform/umbra-kafka, "Tracing"). The raw and feature records are found by
 * the transaction id in their value, the encrypted batch and its result by the transaction's trace id among
 * the batch's slot contexts, the score by its key and the alert by its value. Each hop's time is the
 * {@code umbra.trace.at} the hop wrote (the record's Kafka timestamp where there is none: the raw record's is
 * the producer's). Reads with {@code read_committed}, assigning partitions itself: no consumer group, nothing
 * committed.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Follow one transaction through ingest, encrypt, the scoring pool, the key-service and the alert-service:",
            "each hop with its time and the time since the hop before, read from the tenant's topics and trace headers."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the transaction was found (every hop it has reached is printed)", "1:not found, or the broker could not be read",
            "2:bad options"},
        footer = {"", "Examples:", "  ./umbra trace tx-acme-000042 --tenant acme           # against the latest ./umbra local run",
            "  ./umbra trace 7f3c… --tenant acme --bootstrap kafka:9093 --command-config admin.properties"})
public final class TraceCommand implements Callable<Integer> {
    /** How far after the transaction's features a later hop is looked for. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRANSACTION_ID", description = "The bank's transaction id.")
    String transactionId;

    @Option(names = "--tenant", paramLabel = "T", description = "The tenant (bank); default: whichever tenant on the broker has the transaction.")
    String tenant;

    @Mixin
    KafkaTarget target;

    /** One hop found: what, where, when (epoch µs), and what it says. */
    record Hop(String name, String where, long atMicros, String note) {
    }

    @Override
    public Integer call() {
        if (tenant != null) {
            try {
                TenantId.of(tenant);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        byte[] quotedId = ("\"" + transactionId + "\"").getBytes(StandardCharsets.UTF_8);
        Predicate<ConsumerRecord<byte[], byte[]>> mentionsId = r -> r.value() != null && contains(r.value(), quotedId)
                && transactionId.equals(field(r.value(), "transactionId"));
        List<Hop> hops = new ArrayList<>();
        try (Reader reader = new Reader(target)) {
            ConsumerRecord<byte[], byte[]> raw = null;
            TenantId t = null;
            for (TenantId candidate : tenant != null ? List.of(TenantId.of(tenant)) : reader.tenants()) {
                t = candidate;
                raw = reader.first(Topics.name(candidate, TopicKind.TX_RAW), 0, mentionsId);
                if (raw != null) {
                    break;
                }
            }
            if (t == null) {
                throw new CommandFailure("no tenant's topics on " + target.bootstrap() + "; give --tenant");
            }
            if (raw == null && tenant == null) {
                throw new CommandFailure("no transaction " + transactionId + " on the raw topic of any tenant on " + target.bootstrap());
            }
            if (raw != null) {
                hops.add(new Hop("produced (the bank)", where(raw), raw.timestamp() * 1000, traceNote(raw)));
            }
            long from = raw != null ? raw.timestamp() : 0;
            ConsumerRecord<byte[], byte[]> features = reader.first(Topics.name(t, TopicKind.TX_FEATURES), from, mentionsId);
            if (features == null) {
                if (raw == null) {
                    throw new CommandFailure("no transaction " + transactionId + " on " + Topics.name(t, TopicKind.TX_RAW) + " or "
                            + Topics.name(t, TopicKind.TX_FEATURES) + " of " + target.bootstrap());
                }
                print(out, t, null, hops, "ingest has not passed it on (see ./umbra dlq --tenant " + tenant + ")");
                return 0;
            }
            hops.add(new Hop("ingest-service", where(features), at(features), "features"));
            TraceContext trace = TraceContext.parse(value(features, TraceHeaders.TRACEPARENT));
            if (trace == null) {
                print(out, t, null, hops, "its features carry no trace context (written before tracing, or by another release)");
                return 0;
            }
            long since = features.timestamp();
            Predicate<ConsumerRecord<byte[], byte[]>> carriesIt = r -> HopTracing.transactionsOf(r.headers())
                    .slotOf(trace.traceIdHigh(), trace.traceIdLow()) >= 0;
            ConsumerRecord<byte[], byte[]> request = reader.first(Topics.name(t, TopicKind.SCORE_REQUESTS), since, carriesIt);
            if (request == null) {
                print(out, t, trace, hops, "in no encrypted batch yet");
                return 0;
            }
            BatchContexts slots = HopTracing.transactionsOf(request.headers());
            int slot = slots.slotOf(trace.traceIdHigh(), trace.traceIdLow());
            hops.add(new Hop("encrypt-service", where(request), at(request), "batch " + ascii(request.key()) + ", slot " + slot + " of "
                    + slots.count() + took(request)));
            ConsumerRecord<byte[], byte[]> result = reader.first(Topics.name(t, TopicKind.SCORE_RESULTS), request.timestamp(),
                    r -> Arrays.equals(r.key(), request.key()));
            if (result == null) {
                print(out, t, trace, hops, "the scoring pool has not returned its batch");
                return 0;
            }
            hops.add(new Hop("he-scoring-service", where(result), at(result), "batch scored encrypted" + took(result)));
            byte[] key = transactionId.getBytes(StandardCharsets.UTF_8);
            ConsumerRecord<byte[], byte[]> score = reader.first(Topics.name(t, TopicKind.SCORES), result.timestamp(),
                    r -> Arrays.equals(r.key(), key));
            if (score == null) {
                print(out, t, trace, hops, "the key-service has not decrypted its score");
                return 0;
            }
            hops.add(new Hop("key-service", where(score), at(score), "decrypted, fraud probability " + field(score.value(), "fraudProbability")
                    + took(score)));
            ConsumerRecord<byte[], byte[]> alert = reader.first(Topics.name(t, TopicKind.ALERTS), score.timestamp(), mentionsId);
            if (alert == null) {
                print(out, t, trace, hops, "alert-service: no alert raised (below the policy, or not judged yet)");
                return 0;
            }
            hops.add(new Hop("alert-service", where(alert), at(alert), "alert " + field(alert.value(), "alertId") + " (rule "
                    + field(alert.value(), "rule") + ")"));
            print(out, t, trace, hops, null);
            return 0;
        }
    }

    private void print(PrintWriter out, TenantId t, TraceContext trace, List<Hop> hops, String end) {
        out.println("transaction " + transactionId + " of " + t + (trace == null ? "" : ", trace " + trace.traceIdHex()));
        int nameWidth = hops.stream().mapToInt(h -> h.name().length()).max().orElse(10);
        int whereWidth = hops.stream().mapToInt(h -> h.where().length()).max().orElse(10);
        Long previous = null;
        for (Hop h : hops) {
            String delta = previous == null ? "" : String.format(Locale.ROOT, "%+.1f ms", (h.atMicros() - previous) / 1000.0);
            out.println(String.format(Locale.ROOT, "  %-" + nameWidth + "s  %-" + whereWidth + "s  %-27s %12s  %s", h.name(), h.where(),
                    Instant.ofEpochSecond(0, h.atMicros() * 1000), delta, h.note()));
            previous = h.atMicros();
        }
        if (hops.size() > 1) {
            out.println("  " + hops.getFirst().name() + " → " + hops.getLast().name() + ": "
                    + millis(hops.getLast().atMicros() - hops.getFirst().atMicros()));
        }
        if (end != null) {
            out.println("  then: " + end);
        }
        out.flush();
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    private static String where(ConsumerRecord<byte[], byte[]> r) {
        return r.topic() + " " + r.partition() + "@" + r.offset();
    }

    private static String traceNote(ConsumerRecord<byte[], byte[]> r) {
        return "the producer's Kafka timestamp" + (r.headers().lastHeader(TraceHeaders.TRACEPARENT) != null ? "; its traceparent continued" : "");
    }

    private static String took(ConsumerRecord<byte[], byte[]> r) {
        long took = HopTracing.micros(value(r, TraceHeaders.HOP_TOOK));
        return took < 0 ? "" : ", took " + millis(took);
    }

    /** The hop's own time (µs), or the record's timestamp. */
    private static long at(ConsumerRecord<byte[], byte[]> r) {
        long at = HopTracing.micros(value(r, TraceHeaders.HOP_AT));
        return at >= 0 ? at : r.timestamp() * 1000;
    }

    private static byte[] value(ConsumerRecord<byte[], byte[]> r, String header) {
        Header h = r.headers().lastHeader(header);
        return h == null ? null : h.value();
    }

    private static String ascii(byte[] b) {
        return b == null ? "(no key)" : new String(b, StandardCharsets.UTF_8);
    }

    private static String field(byte[] json, String name) {
        try {
            JsonNode n = EventJson.readTree(json, "record", 1 << 20).get(name);
            return n == null ? null : n.asText();
        } catch (EventFormatException e) {
            return null;
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Reads a topic's committed records from a time on, partition by partition, to its end at the start of the read. */
    private static final class Reader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String bootstrap;

        Reader(KafkaTarget target) {
            this.bootstrap = target.bootstrap();
            Map<String, Object> c = new HashMap<>(target.clientProperties());
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, "umbra-trace");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
            c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
            c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
            this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        /** The earliest record (by timestamp) matching, of those from {@code fromMillis} to {@link #WINDOW} after; null if none. */
        ConsumerRecord<byte[], byte[]> first(String topic, long fromMillis, Predicate<ConsumerRecord<byte[], byte[]>> match) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(20));
                if (infos == null || infos.isEmpty()) {
                    throw new CommandFailure("the broker at " + bootstrap + " has no topic " + topic);
                }
                List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(partitions));
                if (fromMillis > 0) {
                    Map<TopicPartition, Long> query = new HashMap<>();
                    // a little before: clocks of the hops differ, and Streams keeps its input's timestamp
                    partitions.forEach(p -> query.put(p, Math.max(0, fromMillis - 5_000)));
                    for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query).entrySet()) {
                        start.put(e.getKey(), e.getValue() == null ? end.get(e.getKey()) : e.getValue().offset());
                    }
                }
                long until = fromMillis > 0 ? fromMillis + WINDOW.toMillis() : Long.MAX_VALUE;
                ConsumerRecord<byte[], byte[]> best = null;
                for (TopicPartition p : partitions) {
                    if (start.get(p) >= end.get(p)) {
                        continue;
                    }
                    consumer.assign(List.of(p));
                    consumer.seek(p, start.get(p));
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    boolean done = false;
                    while (!done && consumer.position(p) < end.get(p) && System.nanoTime() < deadline) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                            if (r.offset() >= end.get(p) || r.timestamp() > until) {
                                done = true;
                                break;
                            }
                            if (match.test(r)) {
                                if (best == null || r.timestamp() < best.timestamp()) {
                                    best = r;
                                }
                                done = true;
                                break;
                            }
                        }
                    }
                }
                return best;
            } catch (org.apache.kafka.common.KafkaException e) {
                throw new CommandFailure("cannot read " + topic + " on " + bootstrap + ": " + e.getMessage(), e);
            }
        }

        /** The tenants whose raw topic the broker has, in name order. */
        List<TenantId> tenants() {
            String suffix = "." + TopicKind.TX_RAW.suffix();
            return consumer.listTopics(Duration.ofSeconds(20)).keySet().stream().filter(n -> n.endsWith(suffix)).sorted()
                    .map(n -> n.substring(0, n.length() - suffix.length())).map(n -> {
                        try {
                            return TenantId.of(n);
                        } catch (IllegalArgumentException e) {
                            return null;
                        }
                    }).filter(java.util.Objects::nonNull).toList();
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
