package io.umbra.kafka.local;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A topic to create on the local broker: its name, its partition count and its topic-level
 * configuration (the replication factor is the broker's: 1 on one node, 3 in a {@link KafkaCluster} of three).
 *
 * <p>Also written as text for the command line and test-resource arguments, {@link #parse}:
 * {@code name[:partitions][:compact][:key=value]...}, e.g. {@code acme.score.requests:3:max.message.bytes=8454144}.
 */
public record TopicSpec(String name, int partitions, Map<String, String> config) {

    public TopicSpec {
        if (name == null || name.isEmpty() || !name.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("topic name must be 1 to 249 characters of [a-zA-Z0-9._-], got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, got " + partitions);
        }
        config = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(config, "config")));
    }

    /** A topic with {@code partitions} partitions and the broker's default configuration. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, Map.of());
    }

    /** This topic with {@code key=value} added to its configuration. */
    public TopicSpec with(String key, String value) {
        Map<String, String> c = new LinkedHashMap<>(config);
        c.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new TopicSpec(name, partitions, c);
    }

    /** This topic, compacted ({@code cleanup.policy=compact}): the last record per key is kept. */
    public TopicSpec compacted() {
        return with("cleanup.policy", "compact");
    }

    /** This topic accepting record batches of up to {@code bytes} ({@code max.message.bytes}). */
    public TopicSpec maxMessageBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("max.message.bytes must be positive, got " + bytes);
        }
        return with("max.message.bytes", Integer.toString(bytes));
    }

    /**
     * {@code name[:partitions][:compact][:key=value]...}; partitions default to 1. For example
     * {@code acme.keys:1:compact} or {@code acme.score.requests:3:max.message.bytes=8454144}.
     */
    public static TopicSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty topic spec; expected name[:partitions][:compact][:key=value]...");
        }
        String[] parts = spec.trim().split(":");
        TopicSpec topic = of(parts[0], 1);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (i == 1 && part.matches("\\d+")) {
                topic = new TopicSpec(topic.name, Integer.parseInt(part), topic.config);
            } else if (part.equals("compact")) {
                topic = topic.compacted();
            } else if (part.indexOf('=') > 0) {
                int eq = part.indexOf('=');
                topic = topic.with(part.substring(0, eq), part.substring(eq + 1));
            } else {
                throw new IllegalArgumentException("topic spec '" + spec + "': '" + part
                        + "' is neither a partition count (second field), 'compact' nor key=value");
            }
        }
        return topic;
    }
}
