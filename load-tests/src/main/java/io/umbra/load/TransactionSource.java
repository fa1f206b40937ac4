package io.umbra.load;

import java.time.Instant;

/** Where a run's transactions come from. Called from the producer thread only. */
public interface TransactionSource {

    /**
     * The raw transaction of {@code tenant} with id {@code transactionId}, taking place at {@code at}:
     * its record key (the card id) and its {@code RawTransaction} JSON.
     */
    Outgoing next(String tenant, String transactionId, Instant at);

    /** One record for {@code <t>.tx.raw}. */
    record Outgoing(String key, byte[] value) {
    }
}
