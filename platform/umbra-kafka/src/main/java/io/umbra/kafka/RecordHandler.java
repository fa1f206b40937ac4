package io.umbra.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A service's step: one input record in, an {@link Outcome} out (zero or more output records, or a
 * rejection for the dead-letter topic). Called by {@link ExactlyOnceProcessor} on its own thread, inside
 * the transaction of the batch the record came in; it sends and commits nothing itself.
 *
 * <p>A thrown exception dead-letters this record only (reason {@code HANDLER_EXCEPTION}); the records
 * around it go on. A batch may be aborted and replayed (a broker error, a crash): state a handler keeps
 * between records must be staged until {@link #batchCommitted()} and dropped on {@link #batchAborted()}.
 */
@FunctionalInterface
public interface RecordHandler {

    /** What to do with {@code record}: key, value and headers exactly as the producer wrote them. */
    Outcome handle(ConsumerRecord<byte[], byte[]> record) throws Exception;

    /** The records handled since the last batch call are committed, outputs and offsets together. */
    default void batchCommitted() {
    }

    /**
     * The records handled since the last batch call were rolled back and will be handled again, from the
     * last committed offsets: forget whatever state they changed.
     */
    default void batchAborted() {
    }
}
