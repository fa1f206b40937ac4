package io.umbra.kafka.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many records the Kafka Streams exception handlers of this process logged and skipped, by kind.
 * Kafka Streams instantiates the handlers itself (by class name, outside CDI), so the counts live here and
 * a service's metrics read them ({@code FunctionCounter}s over {@link #skipped(Kind)}).
 */
public final class StreamErrors {
    /** Where in the topology the record was skipped. */
    public enum Kind {
        /** The source serdes could not read it ({@link SkipUnreadableRecords}). */
        DESERIALIZATION,
        /** A processor threw on it ({@link SkipFailedProcessing}). */
        PROCESSING,
        /** The broker refused its output for good ({@link SkipRefusedOutput}). */
        PRODUCTION,
        /** Its output could not be serialized ({@link SkipRefusedOutput}). */
        SERIALIZATION;

        /** The metric tag: {@code deserialization}, {@code processing}, … */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Map<Kind, AtomicLong> SKIPPED = new ConcurrentHashMap<>();

    private StreamErrors() {
    }

    /** Records skipped of this kind since the process started. */
    public static long skipped(Kind kind) {
        return counter(kind).get();
    }

    static void skip(Kind kind) {
        counter(kind).incrementAndGet();
    }

    private static AtomicLong counter(Kind kind) {
        return SKIPPED.computeIfAbsent(kind, k -> new AtomicLong());
    }
}
