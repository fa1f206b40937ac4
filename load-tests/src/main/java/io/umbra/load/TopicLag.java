package io.umbra.load;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How far each hop of the pipeline is behind, topic by topic: once a second (while the measured window is open) the
 * committed offset of every consumer group that reads one of the tenants' topics, against the topic's last stable
 * offset ({@code read_committed}: what a transactional reader can get). The lag of a (group, topic) pair is the sum
 * over its partitions, in records; the report keeps its median, maximum and last sample, so a hop that falls behind
 * (its lag grows to the end) shows apart from one that only queues a batch or a commit interval.
 *
 * <p>A group's committed offset moves at each transaction commit, so a hop whose records each hold a batch (score
 * requests and results) lags by whole batches, and one that commits every 100 ms by that much traffic. Sampling
 * runs on its own thread with the run's admin client; a sample that fails (a broker busy for a second) is skipped.
 */
public final class TopicLag {
    private static final long TIMEOUT_SECONDS = 5;

    /** One hop: a consumer group reading a topic; lags in records. */
    public record Row(String group, String topic, int samples, long p50, long max, long last) {
    }

    private final Admin admin;
    private final Set<String> topics;
    private final Map<String, List<Long>> samples = new LinkedHashMap<>();
    private volatile boolean recording;
    private volatile boolean running = true;
    private Thread thread;

    TopicLag(Admin admin, Set<String> topics) {
        this.admin = admin;
        this.topics = Set.copyOf(topics);
    }

    /** Starts sampling once a second; samples are kept only while {@link #recording(boolean)} is on. */
    void start() {
        thread = Thread.ofPlatform().name("load-topic-lag").daemon().start(() -> {
            while (running) {
                long next = System.nanoTime() + 1_000_000_000L;
                if (recording) {
                    try {
                        Map<String, Long> sample = sample();
                        synchronized (samples) {
                            sample.forEach((key, lag) -> samples.computeIfAbsent(key, k -> new ArrayList<>()).add(lag));
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // a skipped second; the next one tries again
                    }
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    void recording(boolean on) {
        recording = on;
    }

    /** Stops sampling and returns one row per (group, topic), by topic then group. */
    List<Row> finish() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Row> rows = new ArrayList<>();
        synchronized (samples) {
            for (Map.Entry<String, List<Long>> e : samples.entrySet()) {
                String[] groupAndTopic = e.getKey().split("\u0000", 2);
                long[] sorted = e.getValue().stream().mapToLong(Long::longValue).toArray();
                long last = sorted[sorted.length - 1];
                Arrays.sort(sorted);
                rows.add(new Row(groupAndTopic[0], groupAndTopic[1], sorted.length, sorted[(sorted.length - 1) / 2],
                        sorted[sorted.length - 1], last));
            }
        }
        rows.sort(Comparator.comparing(Row::topic).thenComparing(Row::group));
        return rows;
    }

    /** (group NUL topic) → records behind, now. */
    private Map<String, Long> sample() throws Exception {
        List<String> groups = new ArrayList<>();
        for (GroupListing g : admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            groups.add(g.groupId());
        }
        if (groups.isEmpty()) {
            return Map.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
                admin.listConsumerGroupOffsets(specs).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Set<TopicPartition> partitions = new HashSet<>();
        committed.values().forEach(offsets -> offsets.keySet().stream().filter(tp -> topics.contains(tp.topic())).forEach(partitions::add));
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, Long> lag = new LinkedHashMap<>();
        committed.forEach((group, offsets) -> offsets.forEach((tp, offset) -> {
            ListOffsetsResult.ListOffsetsResultInfo end = ends.get(tp);
            if (end != null && offset != null) {
                lag.merge(group + "\u0000" + tp.topic(), Math.max(0, end.offset() - offset.offset()), Long::sum);
            }
        }));
        return lag;
    }
}
