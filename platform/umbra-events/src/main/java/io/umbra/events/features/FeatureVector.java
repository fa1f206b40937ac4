package io.umbra.events.features;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.EventJson;
import io.umbra.events.Identifiers;
import io.umbra.events.tx.TransactionValidator;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One transaction's features on {@code <t>.tx.features} (bank zone, plaintext), JSON through
 * {@link EventJson}: the schema it follows, the values in that schema's order, and the clear fields
 * the encrypt-service moves into the sealed manifest (ids, amount, currency, merchant, time) — they
 * never reach a scoring-zone topic.
 *
 * <p>JSON rather than a binary form: about 600 bytes per record, readable in any Kafka tool, and the
 * doubles round-trip exactly (shortest representation). Reading is bounded by {@link #MAX_JSON_BYTES}
 * and by the schema: the vector must have exactly the schema's dimension, every value finite.
 */
@JsonPropertyOrder({"schemaId", "schemaVersion", "transactionId", "cardId", "eventTime", "features", "amountMinor",
        "currency", "merchantId"})
public record FeatureVector(String schemaId, int schemaVersion, String transactionId, String cardId, Instant eventTime,
                            double[] features, long amountMinor, String currency, String merchantId) {
    /** The largest feature-vector record read. */
    public static final int MAX_JSON_BYTES = 16 * 1024;

    public FeatureVector {
        FeatureSchema schema = FeatureSchema.of(schemaId, schemaVersion);
        Identifiers.require("transactionId", transactionId);
        Identifiers.require("cardId", cardId);
        Objects.requireNonNull(eventTime, "eventTime is missing");
        Objects.requireNonNull(features, "features is missing");
        if (features.length != schema.dimension()) {
            throw new IllegalArgumentException("features has " + features.length + " values; schema " + schemaId + " v"
                    + schemaVersion + " has " + schema.dimension());
        }
        features = features.clone();
        for (int i = 0; i < features.length; i++) {
            if (!Double.isFinite(features[i])) {
                throw new IllegalArgumentException("feature " + schema.features().get(i).name() + " is not finite");
            }
        }
        if (amountMinor < 0) {
            throw new IllegalArgumentException("amountMinor must not be negative");
        }
        if (!TransactionValidator.isKnownCurrency(currency)) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code");
        }
        Identifiers.require("merchantId", merchantId);
    }

    /** The schema the values follow. */
    public FeatureSchema schema() {
        return FeatureSchema.of(schemaId, schemaVersion);
    }

    /** A copy of the values. */
    @Override
    public double[] features() {
        return features.clone();
    }

    /** Value {@code i}, without copying. */
    public double feature(int i) {
        return features[i];
    }

    public byte[] toJson() {
        return EventJson.write(this);
    }

    /** The vector in {@code json}, or an {@link io.umbra.events.EventFormatException}. */
    public static FeatureVector fromJson(byte[] json) {
        return EventJson.read(json, FeatureVector.class, MAX_JSON_BYTES);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureVector v && schemaVersion == v.schemaVersion && amountMinor == v.amountMinor
                && schemaId.equals(v.schemaId) && transactionId.equals(v.transactionId) && cardId.equals(v.cardId)
                && eventTime.equals(v.eventTime) && Arrays.equals(features, v.features) && currency.equals(v.currency)
                && merchantId.equals(v.merchantId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schemaId, schemaVersion, transactionId, cardId, eventTime, Arrays.hashCode(features), amountMinor,
                currency, merchantId);
    }

    @Override
    public String toString() {
        return "FeatureVector[" + schemaId + " v" + schemaVersion + ", transactionId=" + transactionId + ", " + features.length
                + " features]";
    }
}
