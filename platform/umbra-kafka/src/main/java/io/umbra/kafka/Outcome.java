package io.umbra.kafka;

import java.util.List;
import java.util.Objects;

import org.apache.kafka.clients.producer.ProducerRecord;

/** What a {@link RecordHandler} made of one input record. */
public sealed interface Outcome {

    /** Send these records (none is fine: the input is consumed and produces nothing). */
    static Outcome emit(List<ProducerRecord<byte[], byte[]>> records) {
        return new Emit(records);
    }

    /** Send these records. */
    @SafeVarargs
    static Outcome emit(ProducerRecord<byte[], byte[]>... records) {
        return new Emit(List.of(records));
    }

    /** Consume the input and send nothing (e.g. a duplicate that was already processed). */
    static Outcome none() {
        return new Emit(List.of());
    }

    /**
     * Send the input to its dead-letter topic.
     *
     * @param reason  a machine-readable code, upper case: {@code MISSING_FIELD}, or several as {@code MISSING_FIELD,BAD_MCC}
     * @param message for a person: which field, which rule; never the payload itself
     */
    static Outcome reject(String reason, String message) {
        return new Reject(reason, message);
    }

    /** Output records, sent in the input's transaction. */
    record Emit(List<ProducerRecord<byte[], byte[]>> records) implements Outcome {
        public Emit {
            records = List.copyOf(records);
        }
    }

    /** A rejection: the input goes to the dead-letter topic with these headers. */
    record Reject(String reason, String message) implements Outcome {
        public Reject {
            if (!DeadLetters.isValidReason(reason)) {
                throw new IllegalArgumentException("a rejection reason is upper-case codes [A-Z][A-Z0-9_]* separated by ','"
                        + " (at most 256 characters), got " + (reason == null ? "null" : "'" + DeadLetters.cut(reason, 40) + "'"));
            }
            message = DeadLetters.cut(Objects.requireNonNullElse(message, ""), DeadLetters.MAX_DETAIL_CHARS);
        }
    }
}
