package io.umbra.events.manifest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.Identifiers;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.tx.TransactionValidator;

import java.time.Instant;
import java.util.Objects;

/** One slot of a batch: the transaction whose features sit there, and what its score and alert need. */
@JsonPropertyOrder({"transactionId", "cardId", "amountMinor", "currency", "merchantId", "eventTime"})
public record ManifestEntry(String transactionId, String cardId, long amountMinor, String currency, String merchantId,
                            Instant eventTime) {
    public ManifestEntry {
        Identifiers.require("transactionId", transactionId);
        Identifiers.require("cardId", cardId);
        if (amountMinor < 0) {
            throw new IllegalArgumentException("amountMinor must not be negative");
        }
        if (!TransactionValidator.isKnownCurrency(currency)) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code");
        }
        Identifiers.require("merchantId", merchantId);
        Objects.requireNonNull(eventTime, "eventTime is missing");
    }

    /** The entry of the transaction {@code v} describes. */
    public static ManifestEntry of(FeatureVector v) {
        return new ManifestEntry(v.transactionId(), v.cardId(), v.amountMinor(), v.currency(), v.merchantId(), v.eventTime());
    }
}
