package io.umbra.ingest.stream;

/**
 * Where a processor of the ingest topology sends a record: on along the pipeline under a new key, or to
 * the dead-letter topic with its original key and value (the reason travels in the record's headers).
 * Lives only between a processor and the branch after it, never serialized.
 */
sealed interface Routed {

    /** On to the next step (the repartition by transaction id, or {@code <t>.tx.features}). */
    record Forward(String key, byte[] value) implements Routed {
    }

    /** To {@code <t>.tx.dlq}: the key and value to write (null both when too large even for the DLQ). */
    record DeadLettered(byte[] key, byte[] value) implements Routed {
    }
}
