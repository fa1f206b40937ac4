package io.umbra.kafka;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A service's step over a whole poll: every record of one poll in, a {@link BatchOutcome} out (output
 * records, and the inputs to dead-letter with their reasons). Use it where the unit of work is a group
 * of records rather than one — the encrypt-service packs a poll's feature vectors into the slots of
 * one encrypted batch.
 *
 * <p>Same contract as {@link RecordHandler}: called by {@link ExactlyOnceProcessor} on its own thread,
 * inside the poll's transaction; it sends and commits nothing itself; the poll's outputs, dead letters
 * and offsets commit together. Inputs the processor dead-letters by itself (too large, or refused on an
 * earlier attempt) are left out of {@code records}.
 *
 * <p>If {@link #handle} throws, the processor cannot tell which record caused it: it calls the handler
 * again with each record alone, in the same transaction, and dead-letters only the records that throw
 * again ({@code HANDLER_EXCEPTION}). So {@code handle} may be called several times per transaction, and
 * state it keeps must be staged until {@link #batchCommitted()}, dropped on {@link #batchAborted()}.
 */
@FunctionalInterface
public interface BatchHandler {

    /** What to do with {@code records}: one poll's inputs (minus those already dead-lettered), in poll order. */
    BatchOutcome handle(List<ConsumerRecord<byte[], byte[]>> records) throws Exception;

    /** Everything handled since the last batch call is committed, outputs and offsets together. */
    default void batchCommitted() {
    }

    /** Everything handled since the last batch call was rolled back and will be handled again: forget it. */
    default void batchAborted() {
    }
}
