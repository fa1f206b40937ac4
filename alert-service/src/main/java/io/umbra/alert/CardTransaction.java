package io.umbra.alert;

import io.umbra.events.EventJson;
import io.umbra.events.score.Score;

import java.time.Instant;

/**
 * One transaction of a card as this bank's alert-service knows it: from the bank's own decrypted score on
 * {@code <t>.scores} (bank zone, the tenant's data only), with the fraud probability it was given. Kept in
 * {@link CardHistory}'s store for the detail of an alert: what else the card did around it.
 */
public record CardTransaction(String transactionId, Instant eventTime, long amountMinor, String currency, String merchantId,
                              double score) {
    static final int MAX_JSON_BYTES = 4 * 1024;

    static CardTransaction of(Score s) {
        return new CardTransaction(s.transactionId(), s.eventTime(), s.amountMinor(), s.currency(), s.merchantId(), s.fraudProbability());
    }

    byte[] toJson() {
        return EventJson.write(this);
    }

    /** The transaction in {@code json}, or null when the bytes are not one (never thrown at a reader). */
    static CardTransaction parse(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return EventJson.read(json, CardTransaction.class, MAX_JSON_BYTES);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
