package io.umbra.ingest.stream;

/**
 * Where a processor of the ingest topology sends a record: on along the pipeline under a new key, or to
 * the dead-letter topic with its original key and value (the reason travels in the record's headers).
 * Lives only between a processor and the branch after it, never serialized.
 */
sealed interface Routed {

    /** On to the next step (the duplicate check keyed by transaction id, or {@code <t>.tx.features}). */
    record Forward(String key, byte[] value) implements Routed {
    }

    /**
     * A valid transaction that did not arrive keyed by its card id: written back to {@code <t>.tx.raw}
     * unchanged, under the key {@code cardId}, so that it is read again on its card's partition and meets the
     * duplicate check there. The headers of the original record travel with it.
     */
    record Rekeyed(byte[] cardId, byte[] value) implements Routed {
    }

    /** To {@code <t>.tx.dlq}: the key and value to write (null both when too large even for the DLQ). */
    record DeadLettered(byte[] key, byte[] value) implements Routed {
    }
}
