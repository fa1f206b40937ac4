package io.umbra.events.tx;

/**
 * Why a raw transaction was refused: the machine-readable half of a {@link Violation}, stable across
 * releases (dashboards and banks' integrations match on it). docs/EVENTS.md has an example of each.
 */
public enum ReasonCode {
    /** The payload is not one JSON object (syntax, duplicate keys, content after the object, limits). */
    MALFORMED_JSON,
    /** The payload is larger than the validator's record limit; it was not parsed. */
    RECORD_TOO_LARGE,
    /** {@code schemaVersion} is not one this release reads; nothing else was checked. */
    UNSUPPORTED_SCHEMA_VERSION,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type (a number where a string belongs, a fraction where an integer belongs). */
    WRONG_TYPE,
    /** An id is empty, longer than 128 characters or not visible ASCII. */
    BAD_IDENTIFIER,
    /** {@code amountMinor} is below zero. */
    NEGATIVE_AMOUNT,
    /** {@code amountMinor} is above the configured maximum (or beyond a 64-bit integer). */
    AMOUNT_OUT_OF_RANGE,
    /** {@code currency} is not an ISO 4217 code of a currency with minor units ({@code java.util.Currency}). */
    UNKNOWN_CURRENCY,
    /** {@code country} or {@code cardCountry} is not an ISO 3166-1 alpha-2 code ({@code Locale.getISOCountries()}). */
    UNKNOWN_COUNTRY,
    /** {@code mcc} is not four digits (ISO 18245), or is 0000. */
    BAD_MCC,
    /** {@code channel} is not POS, ECOM or ATM. */
    BAD_CHANNEL,
    /** {@code timestamp} is not ISO 8601 with an offset, e.g. {@code 2025-11-23T19:12:03.120+01:00}. */
    BAD_TIMESTAMP,
    /** {@code timestamp} is later than now plus the allowed clock skew. */
    TIMESTAMP_IN_FUTURE,
    /** {@code timestamp} is earlier than now minus the allowed age. */
    TIMESTAMP_TOO_OLD,
    /** Only one of latitude / longitude, or a value outside [-90, 90] / [-180, 180]. */
    BAD_COORDINATES
}
