package io.umbra.traffic;

import io.umbra.events.EventJson;
import io.umbra.events.tx.RawTransaction;

import java.util.Objects;

/**
 * A generated transaction and what the generator knows about it: whether it is a planted fraud and of
 * which kind. The label is ground truth for measuring detection; it is never part of the JSON a bank
 * sends ({@link #payload()}).
 *
 * @param transaction the transaction, exactly as a bank would produce it
 * @param fraud       the planted fraud pattern, or null for a genuine transaction
 */
public record LabelledTransaction(RawTransaction transaction, FraudPattern fraud) {
    public LabelledTransaction {
        Objects.requireNonNull(transaction, "transaction");
    }

    /** Whether this transaction is a planted fraud. */
    public boolean isFraud() {
        return fraud != null;
    }

    /** The record key on {@code <t>.tx.raw}: the card id, so a card's transactions stay in order. */
    public String key() {
        return transaction.cardId();
    }

    /** The {@code RawTransaction} JSON as it goes to Kafka: without the label. */
    public byte[] payload() {
        return EventJson.write(transaction);
    }
}
