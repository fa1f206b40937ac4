package io.umbra.cli.produce;

import io.umbra.cli.CommandFailure;
import io.umbra.events.DeadLetter;
import io.umbra.events.EventFormatException;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code umbra dlq --tenant T}: what a tenant's services dead-lettered, and why. Reads {@code <t>.tx.dlq} (or
 * another stage's dead-letter topic) with {@code read_committed}, by assigning its partitions itself: no consumer
 * group, nothing committed, no service's position touched. {@code --save} writes the refused raw transactions as
 * JSON Lines to correct; {@code --resubmit} sends a corrected file through {@code umbra produce}.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = {"List a tenant's dead-lettered records with their reasons (read_committed, no consumer group, nothing committed).",
            "--save FILE writes the refused raw transactions as JSON Lines; correct them and send them again with --resubmit FILE."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed (or re-submitted every line)", "1:the broker or topic could not be read, or a file not written", "2:bad options",
            "3:--resubmit: the good lines were sent; some were bad and were not sent"},
        footer = {"", "Examples:", "  ./umbra dlq --tenant acme --from-beginning",
            "  ./umbra dlq --tenant acme --from-beginning --save refused.jsonl   # then fix refused.jsonl, and:",
            "  ./umbra dlq --tenant acme --resubmit refused.jsonl"})
public final class DlqCommand implements Callable<Integer> {
    private static final Map<String, TopicKind> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("ingest", TopicKind.TX_DLQ);
        STAGES.put("encrypt", TopicKind.ENCRYPT_DLQ);
        STAGES.put("score", TopicKind.SCORE_DLQ);
        STAGES.put("decrypt", TopicKind.DECRYPT_DLQ);
        STAGES.put("alert", TopicKind.ALERT_DLQ);
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant (bank).")
    String tenant;

    @Option(names = "--stage", paramLabel = "S", defaultValue = "ingest",
            description = "Whose dead letters: ingest (<t>.tx.dlq, the raw transactions; default), encrypt, score, decrypt or alert.")
    String stage;

    @Option(names = "--from-beginning", description = "From the oldest record kept; default: the newest --limit records.")
    boolean fromBeginning;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many records (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--save", paramLabel = "FILE",
            description = "Also write the listed records' values, one per line (JSON Lines for the ingest stage), to correct and --resubmit.")
    Path save;

    @Option(names = "--resubmit", paramLabel = "FILE",
            description = "Instead of listing: send this corrected file (JSON Lines or CSV) to <t>.tx.raw, as umbra produce does.")
    Path resubmit;

    @Mixin
    KafkaTarget target;

    /** One dead letter read back. */
    record Entry(int partition, long offset, DeadLetter letter, String problem, byte[] key, byte[] value) {
    }

    @Override
    public Integer call() {
        try {
            TenantId.of(tenant);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
        TopicKind kind = STAGES.get(stage.toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw new ParameterException(spec.commandLine(), "--stage is one of " + String.join(", ", STAGES.keySet()) + ", not '" + stage + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (resubmit != null) {
            if (save != null || fromBeginning) {
                throw new ParameterException(spec.commandLine(), "--resubmit sends a file; it does not go with --save or --from-beginning");
            }
            return ProduceCommand.produce(out, tenant, resubmit, TransactionFile.Format.of(resubmit), target);
        }
        String topic = Topics.name(TenantId.of(tenant), kind);
        List<Entry> entries = read(topic);
        for (Entry e : entries) {
            print(out, kind, e);
        }
        out.println(entries.size() + " dead letter" + (entries.size() == 1 ? "" : "s") + " on " + topic
                + (entries.size() == limit ? " (--limit " + limit + " reached)" : ""));
        if (save != null) {
            save(out, kind, entries);
        }
        out.flush();
        return 0;
    }

    private List<Entry> read(String topic) {
        Map<String, Object> c = new HashMap<>(target.clientProperties());
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrap());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "umbra-dlq-" + tenant);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
        List<Entry> entries = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(20));
            if (infos == null || infos.isEmpty()) {
                throw new CommandFailure("the broker at " + target.bootstrap() + " has no topic " + topic);
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // the last stable offsets: read_committed
            for (TopicPartition p : partitions) {
                // the newest: a transaction marker may follow each record, so read back twice as far, then keep --limit
                long from = fromBeginning ? begin.get(p) : Math.max(begin.get(p), end.get(p) - 2L * limit - 1);
                consumer.seek(p, from);
            }
            Map<TopicPartition, Long> remaining = new HashMap<>();
            partitions.forEach(p -> remaining.put(p, end.get(p)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    if (remaining.containsKey(p) && r.offset() < remaining.get(p)) {
                        entries.add(entry(r));
                    }
                }
                for (TopicPartition p : List.copyOf(remaining.keySet())) {
                    if (consumer.position(p) >= remaining.get(p)) {
                        remaining.remove(p);
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new CommandFailure("cannot read " + topic + " on " + target.bootstrap() + ": " + e.getMessage(), e);
        }
        // oldest first, then the newest --limit (or the oldest --limit from the beginning)
        entries.sort(Comparator.comparing((Entry e) -> e.letter() != null ? e.letter().failedAt() : java.time.Instant.EPOCH)
                .thenComparing(Entry::partition).thenComparing(Entry::offset));
        if (entries.size() > limit) {
            return fromBeginning ? List.copyOf(entries.subList(0, limit)) : List.copyOf(entries.subList(entries.size() - limit, entries.size()));
        }
        return entries;
    }

    private static Entry entry(ConsumerRecord<byte[], byte[]> r) {
        Map<String, byte[]> headers = new HashMap<>();
        for (Header h : r.headers()) {
            if (h.key().startsWith(DeadLetter.HEADER_PREFIX)) {
                headers.put(h.key(), h.value());
            }
        }
        try {
            return new Entry(r.partition(), r.offset(), DeadLetter.fromHeaders(headers), null, r.key(), r.value());
        } catch (EventFormatException e) {
            return new Entry(r.partition(), r.offset(), null, e.getMessage(), r.key(), r.value());
        }
    }

    private static void print(PrintWriter out, TopicKind kind, Entry e) {
        out.println("partition " + e.partition() + " offset " + e.offset());
        DeadLetter l = e.letter();
        if (l == null) {
            out.println("  (not an Umbra dead letter: " + e.problem() + ")");
        } else {
            out.println("  reason    " + l.reason());
            out.println("  detail    " + l.detail());
            out.println("  by        " + l.service() + " at " + l.failedAt() + ", from " + l.sourceTopic() + " partition " + l.partition()
                    + " offset " + l.offset());
        }
        if (l != null && l.payloadOmitted()) {
            out.println("  record    left out (too large for the dead-letter topic): see the source topic at that offset");
        } else if (kind == TopicKind.TX_DLQ && e.value() != null) {
            out.println("  key       " + (e.key() == null ? "(none)" : printable(new String(e.key(), StandardCharsets.UTF_8), 128)));
            out.println("  record    " + printable(new String(e.value(), StandardCharsets.UTF_8), 512));
        } else {
            out.println("  record    " + (e.value() == null ? 0 : e.value().length) + " bytes" + (kind.scoringZone() ? " (ciphertext envelope)" : ""));
        }
    }

    /** Control characters shown as {@code \\uXXXX}, cut to {@code max} characters: a refused record may hold anything. */
    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char ch = s.charAt(i);
            b.append(ch < 0x20 || ch == 0x7f ? String.format(Locale.ROOT, "\\u%04x", (int) ch) : String.valueOf(ch));
        }
        return s.length() > max || b.length() > max ? b.substring(0, Math.min(b.length(), max)) + "…" : b.toString();
    }

    private void save(PrintWriter out, TopicKind kind, List<Entry> entries) {
        if (kind != TopicKind.TX_DLQ) {
            throw new CommandFailure("--save writes raw transactions: it is for --stage ingest only");
        }
        StringBuilder lines = new StringBuilder();
        int saved = 0;
        int skipped = 0;
        for (Entry e : entries) {
            String v = e.value() == null ? null : new String(e.value(), StandardCharsets.UTF_8);
            if (v == null || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                skipped++;
                continue;
            }
            lines.append(v).append('\n');
            saved++;
        }
        try {
            Files.writeString(save, lines.toString(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new CommandFailure("cannot write " + save + ": " + ex.getMessage(), ex);
        }
        out.println("saved " + saved + " record" + (saved == 1 ? "" : "s") + " to " + save
                + (skipped > 0 ? " (" + skipped + " left out: no payload, or one that spans lines)" : "")
                + "; correct them and send them with --resubmit " + save);
    }
}
