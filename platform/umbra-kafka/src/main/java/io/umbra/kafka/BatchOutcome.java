package io.umbra.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a {@link BatchHandler} made of one poll: output records, each with the inputs it was made from,
 * and the inputs to dead-letter. An input neither rejected nor named as a source is simply consumed.
 *
 * <p>The sources matter when the broker refuses an output for good (too large, invalid topic): the
 * transaction is aborted and, on the replay, exactly those inputs go to the dead-letter topic as
 * {@code OUTPUT_REJECTED} instead of being handed to the handler again, so a poisonous group cannot
 * block its partitions. An output emitted without sources counts as made from every input handed over.
 */
public final class BatchOutcome {
    private final List<Output> outputs;
    private final List<Rejection> rejections;

    private BatchOutcome(List<Output> outputs, List<Rejection> rejections) {
        this.outputs = List.copyOf(outputs);
        this.rejections = List.copyOf(rejections);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Nothing to send, nothing rejected: every input is consumed. */
    public static BatchOutcome none() {
        return new Builder().build();
    }

    public List<Output> outputs() {
        return outputs;
    }

    /** The inputs to dead-letter, in the order the handler rejected them. */
    public List<Rejection> rejections() {
        return rejections;
    }

    /**
     * One output record and the inputs it came from.
     *
     * @param record  what to send in the poll's transaction
     * @param sources the inputs it was made from; empty means all inputs handed to the handler
     */
    public record Output(ProducerRecord<byte[], byte[]> record, List<ConsumerRecord<byte[], byte[]>> sources) {
        public Output {
            Objects.requireNonNull(record, "output record");
            sources = List.copyOf(sources);
        }
    }

    /**
     * An input for the dead-letter topic.
     *
     * @param input  the very record object handed to the handler
     * @param reason why, as upper-case codes and a human message ({@link Outcome#reject})
     */
    public record Rejection(ConsumerRecord<byte[], byte[]> input, Outcome.Reject reason) {
        public Rejection {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Collects outputs and rejections; not thread-safe. */
    public static final class Builder {
        private final List<Output> outputs = new ArrayList<>();
        private final List<Rejection> rejections = new ArrayList<>();

        private Builder() {
        }

        /** Send {@code record}, made from {@code sources} (inputs of this poll). */
        public Builder emit(ProducerRecord<byte[], byte[]> record, List<ConsumerRecord<byte[], byte[]>> sources) {
            outputs.add(new Output(record, sources));
            return this;
        }

        /** Send {@code record}, made from all the inputs handed to the handler. */
        public Builder emit(ProducerRecord<byte[], byte[]> record) {
            return emit(record, List.of());
        }

        /**
         * Send {@code input} to its dead-letter topic.
         *
         * @param reason  upper-case code(s), as for {@link Outcome#reject}
         * @param message for a person; never the payload itself
         */
        public Builder reject(ConsumerRecord<byte[], byte[]> input, String reason, String message) {
            rejections.add(new Rejection(input, new Outcome.Reject(reason, message)));
            return this;
        }

        public BatchOutcome build() {
            return new BatchOutcome(outputs, rejections);
        }
    }
}
