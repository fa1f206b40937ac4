package io.umbra.events.tx;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A card transaction as a bank produces it on {@code <t>.tx.raw} (or POSTs to ingest), schema version 1.
 * Untrusted until {@link TransactionValidator} returns it; a value built in code is only as good as
 * the caller (generators should pass theirs through {@link TransactionValidator#validate(RawTransaction)}).
 * Unknown JSON fields are ignored, so a bank may send more than this.
 *
 * @param schemaVersion  the JSON schema version, 1
 * @param transactionId  the bank's id of the transaction, unique per tenant (deduplication key)
 * @param cardId         the card's (or, for account payments, the account's) id: a token the bank chose, never a card number
 * @param amountMinor    the amount in minor units of {@code currency} (1250 for 12.50 EUR, 1250 for 1250 JPY), ≥ 0
 * @param currency       ISO 4217 alphabetic code, upper case
 * @param merchantId     the acquirer's merchant id
 * @param mcc            merchant category code, ISO 18245: four digits as a string ("0742" keeps its zero)
 * @param country        ISO 3166-1 alpha-2 code of where the transaction took place (merchant / ATM country)
 * @param channel        POS, ECOM or ATM
 * @param timestamp      when it happened, ISO 8601 with the offset of the place it happened (hour-of-day features use it)
 * @param cardCountry    optional: ISO 3166-1 alpha-2 code of the card's issuing country (cross-border flag; else the tenant's home country)
 * @param deviceId       optional: the device fingerprint or terminal id the bank has
 * @param latitude       optional, with {@code longitude}: where, in degrees, [-90, 90]
 * @param longitude      optional, with {@code latitude}: where, in degrees, [-180, 180]
 */
@JsonPropertyOrder({"schemaVersion", "transactionId", "cardId", "amountMinor", "currency", "merchantId", "mcc", "country",
        "channel", "timestamp", "cardCountry", "deviceId", "latitude", "longitude"})
public record RawTransaction(int schemaVersion, String transactionId, String cardId, long amountMinor, String currency,
                             String merchantId, String mcc, String country, Channel channel, OffsetDateTime timestamp,
                             String cardCountry, String deviceId, Double latitude, Double longitude) {
    public RawTransaction {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(cardId, "cardId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(mcc, "mcc");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** Whether the transaction names a device. */
    public boolean hasDevice() {
        return deviceId != null;
    }

    /** Whether the transaction carries a position. */
    public boolean hasCoordinates() {
        return latitude != null && longitude != null;
    }
}
