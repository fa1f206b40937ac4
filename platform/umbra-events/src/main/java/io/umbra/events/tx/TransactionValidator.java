package io.umbra.events.tx;

import com.fasterxml.jackson.databind.JsonNode;
import io.umbra.events.EventFormatException;
import io.umbra.events.EventJson;
import io.umbra.events.Identifiers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Locale.IsoCountryCode;
import java.util.Objects;
import java.util.Set;

/**
 * Turns untrusted bytes into a {@link RawTransaction}, or says why not: one {@link Violation} per bad
 * field, in field order, each with a {@link ReasonCode} and a message that names the field (it quotes
 * at most a short enumerated value such as a currency code, never ids or the payload).
 *
 * <p>Order of checks: size ({@link ReasonCode#RECORD_TOO_LARGE}, before parsing), JSON syntax
 * ({@link ReasonCode#MALFORMED_JSON}), {@code schemaVersion} (an unsupported version stops there), then
 * every field. Time checks are relative to the {@link Clock} given. Thread-safe; build one per tenant
 * configuration and share it.
 */
public final class TransactionValidator {
    /** The raw transaction schema version this release reads. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * What a tenant may configure.
     *
     * @param maxFutureSkew  how far ahead of the clock a timestamp may be (producers' clocks drift)
     * @param maxAge         how far behind the clock a timestamp may be (offline terminals upload late)
     * @param maxAmountMinor the largest amount in minor units; at most 2^53 so features compute it exactly
     * @param maxRecordBytes the largest payload parsed at all
     */
    public record Limits(Duration maxFutureSkew, Duration maxAge, long maxAmountMinor, int maxRecordBytes) {
        /** 5 minutes, 7 days, 10^15 minor units, 16 KiB (a typical record is ~400 bytes). */
        public static final Limits DEFAULT = new Limits(Duration.ofMinutes(5), Duration.ofDays(7), 1_000_000_000_000_000L, 16 * 1024);

        public Limits {
            if (maxFutureSkew.isNegative() || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("maxFutureSkew must be ≥ 0 and maxAge > 0");
            }
            if (maxAmountMinor <= 0 || maxAmountMinor > (1L << 53)) {
                throw new IllegalArgumentException("maxAmountMinor must be in (0, 2^53]");
            }
            if (maxRecordBytes < 256 || maxRecordBytes > 1 << 20) {
                throw new IllegalArgumentException("maxRecordBytes must be in [256, 1 MiB]");
            }
        }
    }

    private static final Set<String> CURRENCIES = currencies();
    private static final Set<String> COUNTRIES = Set.copyOf(Locale.getISOCountries(IsoCountryCode.PART1_ALPHA2));

    private final Clock clock;
    private final Limits limits;

    public TransactionValidator(Clock clock) {
        this(clock, Limits.DEFAULT);
    }

    public TransactionValidator(Clock clock, Limits limits) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public Limits limits() {
        return limits;
    }

    /** Whether {@code code} is an ISO 4217 currency this validator accepts. */
    public static boolean isKnownCurrency(String code) {
        return code != null && CURRENCIES.contains(code);
    }

    /** Whether {@code code} is an ISO 3166-1 alpha-2 country code this validator accepts. */
    public static boolean isKnownCountry(String code) {
        return code != null && COUNTRIES.contains(code);
    }

    /** Validates a transaction built in code, through exactly the checks its JSON would get. */
    public ValidationResult validate(RawTransaction transaction) {
        return validate(EventJson.write(transaction));
    }

    /** Validates the UTF-8 JSON {@code payload} of one raw transaction. */
    public ValidationResult validate(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return invalid(ReasonCode.MALFORMED_JSON, null, "the payload is empty");
        }
        if (payload.length > limits.maxRecordBytes()) {
            return invalid(ReasonCode.RECORD_TOO_LARGE, null, "the payload is " + payload.length + " bytes, more than the "
                    + limits.maxRecordBytes() + " allowed");
        }
        JsonNode root;
        try {
            root = EventJson.readTree(payload, "payload", limits.maxRecordBytes());
        } catch (EventFormatException e) {
            return invalid(ReasonCode.MALFORMED_JSON, null, e.getMessage());
        }
        if (!root.isObject()) {
            return invalid(ReasonCode.MALFORMED_JSON, null, "the payload must be a JSON object, not " + typeName(root));
        }
        Fields f = new Fields(root);

        Integer version = f.schemaVersion();
        if (version != null && version != SCHEMA_VERSION) {
            return invalid(ReasonCode.UNSUPPORTED_SCHEMA_VERSION, "schemaVersion", "schemaVersion " + version
                    + " is not supported; this release reads version " + SCHEMA_VERSION);
        }
        String transactionId = f.identifier("transactionId", true);
        String cardId = f.identifier("cardId", true);
        Long amount = f.amount();
        String currency = f.currency();
        String merchantId = f.identifier("merchantId", true);
        String mcc = f.mcc();
        String country = f.country("country", true);
        Channel channel = f.channel();
        OffsetDateTime timestamp = f.timestamp();
        String cardCountry = f.country("cardCountry", false);
        String deviceId = f.identifier("deviceId", false);
        double[] position = f.coordinates();

        if (!f.violations.isEmpty()) {
            return new ValidationResult.Invalid(f.violations);
        }
        return new ValidationResult.Valid(new RawTransaction(version, transactionId, cardId, amount, currency, merchantId, mcc,
                country, channel, timestamp, cardCountry, deviceId,
                position == null ? null : position[0], position == null ? null : position[1]));
    }

    private static ValidationResult invalid(ReasonCode code, String field, String message) {
        return new ValidationResult.Invalid(List.of(new Violation(code, field, message)));
    }

    /** The field checks of one payload, collecting violations. Each returns the value or null. */
    private final class Fields {
        final JsonNode root;
        final List<Violation> violations = new ArrayList<>();

        Fields(JsonNode root) {
            this.root = root;
        }

        /** The node of {@code field}, or null (recording MISSING_FIELD when required) if absent or JSON null. */
        JsonNode node(String field, boolean required) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                if (required) {
                    add(ReasonCode.MISSING_FIELD, field, field + " is missing");
                }
                return null;
            }
            return n;
        }

        String text(String field, boolean required) {
            JsonNode n = node(field, required);
            if (n == null) {
                return null;
            }
            if (!n.isTextual()) {
                add(ReasonCode.WRONG_TYPE, field, field + " must be a string, not " + typeName(n));
                return null;
            }
            return n.textValue();
        }

        Integer schemaVersion() {
            JsonNode n = node("schemaVersion", true);
            if (n == null) {
                return null;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                add(ReasonCode.WRONG_TYPE, "schemaVersion", "schemaVersion must be an integer, not " + typeName(n));
                return null;
            }
            return n.intValue();
        }

        String identifier(String field, boolean required) {
            String v = text(field, required);
            if (v != null && !Identifiers.isValid(v)) {
                add(ReasonCode.BAD_IDENTIFIER, field, field + " must be 1 to " + Identifiers.MAX_LENGTH
                        + " visible ASCII characters (no spaces or control characters)");
                return null;
            }
            return v;
        }

        Long amount() {
            JsonNode n = node("amountMinor", true);
            if (n == null) {
                return null;
            }
            if (!n.isIntegralNumber()) {
                add(ReasonCode.WRONG_TYPE, "amountMinor", "amountMinor must be an integer count of minor units (1250 for 12.50),"
                        + " not " + (n.isNumber() ? "a fraction" : typeName(n)));
                return null;
            }
            if (!n.canConvertToLong()) {
                boolean negative = n.bigIntegerValue().signum() < 0;
                add(negative ? ReasonCode.NEGATIVE_AMOUNT : ReasonCode.AMOUNT_OUT_OF_RANGE, "amountMinor",
                        negative ? "amountMinor must not be negative" : "amountMinor is beyond a 64-bit integer");
                return null;
            }
            long v = n.longValue();
            if (v < 0) {
                add(ReasonCode.NEGATIVE_AMOUNT, "amountMinor", "amountMinor must not be negative");
                return null;
            }
            if (v > limits.maxAmountMinor()) {
                add(ReasonCode.AMOUNT_OUT_OF_RANGE, "amountMinor", "amountMinor is above the maximum of " + limits.maxAmountMinor()
                        + " minor units");
                return null;
            }
            return v;
        }

        String currency() {
            String v = text("currency", true);
            if (v != null && !isKnownCurrency(v)) {
                add(ReasonCode.UNKNOWN_CURRENCY, "currency", "currency " + Identifiers.quote(v)
                        + " is not an ISO 4217 code of a currency with minor units (upper case, e.g. 'EUR')");
                return null;
            }
            return v;
        }

        String country(String field, boolean required) {
            String v = text(field, required);
            if (v != null && !isKnownCountry(v)) {
                add(ReasonCode.UNKNOWN_COUNTRY, field, field + " " + Identifiers.quote(v)
                        + " is not an ISO 3166-1 alpha-2 country code (upper case, e.g. 'DE')");
                return null;
            }
            return v;
        }

        String mcc() {
            JsonNode n = node("mcc", true);
            if (n == null) {
                return null;
            }
            if (!n.isTextual()) {
                add(ReasonCode.WRONG_TYPE, "mcc", "mcc must be a string of 4 digits such as \"0742\" (a number loses leading"
                        + " zeros), not " + typeName(n));
                return null;
            }
            String v = n.textValue();
            if (v.length() != 4 || !isDigits(v) || v.equals("0000")) {
                add(ReasonCode.BAD_MCC, "mcc", "mcc " + Identifiers.quote(v) + " is not an ISO 18245 merchant category code"
                        + " (4 digits, 0001 to 9999)");
                return null;
            }
            return v;
        }

        Channel channel() {
            String v = text("channel", true);
            if (v == null) {
                return null;
            }
            for (Channel c : Channel.values()) {
                if (c.name().equals(v)) {
                    return c;
                }
            }
            add(ReasonCode.BAD_CHANNEL, "channel", "channel " + Identifiers.quote(v) + " is not one of POS, ECOM, ATM");
            return null;
        }

        OffsetDateTime timestamp() {
            String v = text("timestamp", true);
            if (v == null) {
                return null;
            }
            OffsetDateTime t;
            try {
                if (v.length() > 64) {
                    throw new DateTimeParseException("too long", v, 64);
                }
                t = OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            } catch (DateTimeParseException e) {
                add(ReasonCode.BAD_TIMESTAMP, "timestamp", "timestamp must be ISO 8601 with an offset, e.g."
                        + " 2025-11-23T19:12:03.120+01:00 or 2025-11-23T18:12:03.120Z");
                return null;
            }
            Instant now = clock.instant();
            Instant at = t.toInstant();
            if (at.isAfter(now.plus(limits.maxFutureSkew()))) {
                add(ReasonCode.TIMESTAMP_IN_FUTURE, "timestamp", "timestamp is more than " + human(limits.maxFutureSkew())
                        + " ahead of the ingest clock");
                return null;
            }
            if (at.isBefore(now.minus(limits.maxAge()))) {
                add(ReasonCode.TIMESTAMP_TOO_OLD, "timestamp", "timestamp is more than " + human(limits.maxAge())
                        + " behind the ingest clock");
                return null;
            }
            return t;
        }

        /** {latitude, longitude}, or null when neither is given or something is wrong. */
        double[] coordinates() {
            JsonNode lat = node("latitude", false);
            JsonNode lon = node("longitude", false);
            if (lat == null && lon == null) {
                return null;
            }
            if (lat == null || lon == null) {
                String missing = lat == null ? "latitude" : "longitude";
                add(ReasonCode.BAD_COORDINATES, missing, "latitude and longitude come together; " + missing + " is missing");
                return null;
            }
            boolean typed = true;
            for (JsonNode n : new JsonNode[] {lat, lon}) {
                if (!n.isNumber()) {
                    String field = n == lat ? "latitude" : "longitude";
                    add(ReasonCode.WRONG_TYPE, field, field + " must be a number of degrees, not " + typeName(n));
                    typed = false;
                }
            }
            if (!typed) {
                return null;
            }
            double la = lat.doubleValue();
            double lo = lon.doubleValue();
            if (!(la >= -90 && la <= 90)) {
                add(ReasonCode.BAD_COORDINATES, "latitude", "latitude must be within [-90, 90] degrees");
                return null;
            }
            if (!(lo >= -180 && lo <= 180)) {
                add(ReasonCode.BAD_COORDINATES, "longitude", "longitude must be within [-180, 180] degrees");
                return null;
            }
            return new double[] {la, lo};
        }

        void add(ReasonCode code, String field, String message) {
            violations.add(new Violation(code, field, message));
        }
    }

    /** "7 days", "5 minutes", "90 seconds": a duration as a person writes it. */
    static String human(Duration d) {
        long s = d.getSeconds();
        if (s != 0 && s % 86_400 == 0) {
            return plural(s / 86_400, "day");
        }
        if (s != 0 && s % 3_600 == 0) {
            return plural(s / 3_600, "hour");
        }
        if (s != 0 && s % 60 == 0) {
            return plural(s / 60, "minute");
        }
        return d.getNano() == 0 ? plural(s, "second") : d.toMillis() + " ms";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String typeName(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "something else";
        };
    }

    /** ISO 4217 codes of real currencies: java.util.Currency's list, less those without minor units (XAU, XXX, …). */
    private static Set<String> currencies() {
        Set<String> codes = new HashSet<>();
        for (Currency c : Currency.getAvailableCurrencies()) {
            if (c.getDefaultFractionDigits() >= 0) {
                codes.add(c.getCurrencyCode());
            }
        }
        return Set.copyOf(codes);
    }
}
