package io.umbra.events.tx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.umbra.events.EventJson;
import io.umbra.events.Examples;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionValidatorTest {
    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final TransactionValidator VALIDATOR = new TransactionValidator(Examples.CLOCK);

    static ObjectNode base() {
        try {
            return (ObjectNode) JSON.readTree(Examples.bytes("pos-domestic"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Violation refusedOnce(ReasonCode code, String field, Consumer<ObjectNode> mutation) {
        ObjectNode n = base();
        mutation.accept(n);
        return refusedOnce(code, field, bytes(n));
    }

    static Violation refusedOnce(ReasonCode code, String field, byte[] payload) {
        ValidationResult r = VALIDATOR.validate(payload);
        ValidationResult.Invalid inv = assertInstanceOf(ValidationResult.Invalid.class, r);
        assertEquals(1, inv.violations().size(), inv.violations().toString());
        Violation v = inv.violations().get(0);
        assertEquals(code, v.code(), v.toString());
        assertEquals(field, v.field(), v.toString());
        if (field != null) {
            assertTrue(v.message().contains(field), "message should name the field: " + v);
        }
        assertTrue(v.message().length() < 300, v.message());
        return v;
    }

    @Test
    void theDocumentedExamplesAreValid() {
        for (String name : Examples.NAMES) {
            ValidationResult r = VALIDATOR.validate(Examples.bytes(name));
            assertTrue(r.isValid(), name + ": " + r);
        }
        RawTransaction atm = ((ValidationResult.Valid) VALIDATOR.validate(Examples.bytes("atm-coordinates"))).transaction();
        assertEquals(Channel.ATM, atm.channel());
        assertEquals(48.137154, atm.latitude());
        assertTrue(atm.hasCoordinates());
        assertFalse(atm.hasDevice());
        RawTransaction ecom = ((ValidationResult.Valid) VALIDATOR.validate(Examples.bytes("ecom-cross-border"))).transaction();
        assertEquals(OffsetDateTime.parse("2025-11-23T03:15:44-05:00"), ecom.timestamp());
        assertEquals(-5 * 3600, ecom.timestamp().getOffset().getTotalSeconds());
        assertEquals(129999, ecom.amountMinor());
        assertEquals("dev-fp-91c2e07d4b", ecom.deviceId());
        assertNull(ecom.latitude());
    }

    @Test
    void ignoresUnknownFields() {
        ObjectNode n = base();
        n.put("loyaltyTier", "gold");
        n.putObject("acquirer").put("bin", "412345").putArray("nested").add(1);
        n.putNull("somethingNull");
        assertTrue(VALIDATOR.validate(bytes(n)).isValid());
    }

    @Test
    void validatesObjectsBuiltInCodeThroughTheSameChecks() {
        RawTransaction tx = ((ValidationResult.Valid) VALIDATOR.validate(Examples.bytes("ecom-cross-border"))).transaction();
        assertEquals(new ValidationResult.Valid(tx), VALIDATOR.validate(tx));
        RawTransaction bad = new RawTransaction(1, tx.transactionId(), tx.cardId(), -5, "EUR", tx.merchantId(), "5411", "DE",
                Channel.POS, tx.timestamp(), null, null, null, null);
        assertEquals(ReasonCode.NEGATIVE_AMOUNT,
                ((ValidationResult.Invalid) VALIDATOR.validate(bad)).violations().get(0).code());
    }

    @Test
    void malformedJson() {
        for (String bad : List.of("{not json", "[1, 2]", "\"a string\"", "42", "null", "{\"a\":1}{}", "{\"a\":1,\"a\":2}",
                "{\"schemaVersion\":1,", "")) {
            refusedOnce(ReasonCode.MALFORMED_JSON, null, bad.getBytes(StandardCharsets.UTF_8));
        }
        refusedOnce(ReasonCode.MALFORMED_JSON, null, (byte[]) null);
        String deep = "{\"x\":" + "[".repeat(40) + "]".repeat(40) + "}";
        refusedOnce(ReasonCode.MALFORMED_JSON, null, deep.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recordTooLarge() {
        Violation v = refusedOnce(ReasonCode.RECORD_TOO_LARGE, null, n -> n.put("pad", "x".repeat(20_000)));
        assertTrue(v.message().contains("16384"), v.message());
        TransactionValidator small = new TransactionValidator(Examples.CLOCK,
                new TransactionValidator.Limits(Duration.ofMinutes(5), Duration.ofDays(7), 1_000_000, 300));
        assertEquals(ReasonCode.RECORD_TOO_LARGE,
                ((ValidationResult.Invalid) small.validate(Examples.bytes("pos-domestic"))).violations().get(0).code());
    }

    @Test
    void unsupportedSchemaVersionStopsThere() {
        refusedOnce(ReasonCode.UNSUPPORTED_SCHEMA_VERSION, "schemaVersion", n -> {
            n.put("schemaVersion", 2);
            n.remove("cardId");
        });
        refusedOnce(ReasonCode.UNSUPPORTED_SCHEMA_VERSION, "schemaVersion", n -> n.put("schemaVersion", 0));
    }

    @Test
    void missingFields() {
        for (String field : List.of("schemaVersion", "transactionId", "cardId", "amountMinor", "currency", "merchantId", "mcc",
                "country", "channel", "timestamp")) {
            Violation v = refusedOnce(ReasonCode.MISSING_FIELD, field, n -> n.remove(field));
            assertEquals(field + " is missing", v.message());
            refusedOnce(ReasonCode.MISSING_FIELD, field, n -> n.putNull(field));
        }
        // optional fields may be absent or null
        ObjectNode n = base();
        n.remove("cardCountry");
        n.putNull("deviceId");
        assertTrue(VALIDATOR.validate(bytes(n)).isValid());
    }

    @Test
    void wrongTypes() {
        refusedOnce(ReasonCode.WRONG_TYPE, "amountMinor", n -> n.put("amountMinor", "4250"));
        refusedOnce(ReasonCode.WRONG_TYPE, "amountMinor", n -> n.put("amountMinor", 42.50));
        refusedOnce(ReasonCode.WRONG_TYPE, "amountMinor", n -> n.put("amountMinor", 4250.0));
        Violation mcc = refusedOnce(ReasonCode.WRONG_TYPE, "mcc", n -> n.put("mcc", 5411));
        assertTrue(mcc.message().contains("leading"), mcc.message());
        refusedOnce(ReasonCode.WRONG_TYPE, "transactionId", n -> n.put("transactionId", 12345));
        refusedOnce(ReasonCode.WRONG_TYPE, "schemaVersion", n -> n.put("schemaVersion", "1"));
        refusedOnce(ReasonCode.WRONG_TYPE, "timestamp", n -> n.put("timestamp", 1_763_919_727L));
        refusedOnce(ReasonCode.WRONG_TYPE, "channel", n -> n.putArray("channel").add("POS"));
        refusedOnce(ReasonCode.WRONG_TYPE, "latitude", n -> n.put("latitude", "48.1").put("longitude", 11.5));
    }

    @Test
    void badIdentifiers() {
        refusedOnce(ReasonCode.BAD_IDENTIFIER, "transactionId", n -> n.put("transactionId", ""));
        refusedOnce(ReasonCode.BAD_IDENTIFIER, "cardId", n -> n.put("cardId", "card 1"));
        refusedOnce(ReasonCode.BAD_IDENTIFIER, "merchantId", n -> n.put("merchantId", "m".repeat(129)));
        refusedOnce(ReasonCode.BAD_IDENTIFIER, "deviceId", n -> n.put("deviceId", "dev\u0000"));
        refusedOnce(ReasonCode.BAD_IDENTIFIER, "cardId", n -> n.put("cardId", "kärtchen"));
    }

    @Test
    void amounts() {
        refusedOnce(ReasonCode.NEGATIVE_AMOUNT, "amountMinor", n -> n.put("amountMinor", -1));
        refusedOnce(ReasonCode.NEGATIVE_AMOUNT, "amountMinor", n -> n.put("amountMinor", new BigInteger("-1" + "0".repeat(30))));
        refusedOnce(ReasonCode.AMOUNT_OUT_OF_RANGE, "amountMinor", n -> n.put("amountMinor", 1_000_000_000_000_001L));
        refusedOnce(ReasonCode.AMOUNT_OUT_OF_RANGE, "amountMinor", n -> n.put("amountMinor", new BigInteger("1" + "0".repeat(30))));
        ObjectNode zero = base().put("amountMinor", 0);
        assertTrue(VALIDATOR.validate(bytes(zero)).isValid(), "zero-amount verifications are scored");
        ObjectNode max = base().put("amountMinor", 1_000_000_000_000_000L);
        assertTrue(VALIDATOR.validate(bytes(max)).isValid());
    }

    @Test
    void currencies() {
        for (String bad : List.of("EUX", "eur", "EURO", "", "XXX", "XAU", "XTS")) {
            Violation v = refusedOnce(ReasonCode.UNKNOWN_CURRENCY, "currency", n -> n.put("currency", bad));
            assertTrue(v.message().contains("ISO 4217"), v.message());
        }
        for (String ok : List.of("EUR", "USD", "JPY", "CHF", "KWD", "GBP")) {
            assertTrue(VALIDATOR.validate(bytes(base().put("currency", ok))).isValid(), ok);
        }
    }

    @Test
    void countries() {
        for (String bad : List.of("XX", "de", "DEU", "D", "", "UK")) {
            refusedOnce(ReasonCode.UNKNOWN_COUNTRY, "country", n -> n.put("country", bad));
        }
        refusedOnce(ReasonCode.UNKNOWN_COUNTRY, "cardCountry", n -> n.put("cardCountry", "ZZ"));
        for (String ok : List.of("DE", "US", "GB", "JP", "BR")) {
            assertTrue(VALIDATOR.validate(bytes(base().put("country", ok))).isValid(), ok);
        }
    }

    @Test
    void merchantCategoryCodes() {
        for (String bad : List.of("541", "54111", "54a1", "0000", " 541", "５４１１")) {
            refusedOnce(ReasonCode.BAD_MCC, "mcc", n -> n.put("mcc", bad));
        }
        assertTrue(VALIDATOR.validate(bytes(base().put("mcc", "0742"))).isValid());
    }

    @Test
    void channels() {
        for (String bad : List.of("pos", "MOTO", "", "POS ")) {
            Violation v = refusedOnce(ReasonCode.BAD_CHANNEL, "channel", n -> n.put("channel", bad));
            assertTrue(v.message().contains("POS, ECOM, ATM"), v.message());
        }
    }

    @Test
    void timestamps() {
        for (String bad : List.of("2025-11-23T18:42:07", "2025-11-23", "yesterday", "2025-11-23 18:42:07+01:00",
                "2025-13-23T18:42:07Z", "x".repeat(100))) {
            refusedOnce(ReasonCode.BAD_TIMESTAMP, "timestamp", n -> n.put("timestamp", bad));
        }
        // the clock is 2025-11-24T00:00Z; 5 minutes of skew, 7 days of age by default
        assertTrue(VALIDATOR.validate(bytes(base().put("timestamp", "2025-11-24T00:04:59Z"))).isValid());
        assertTrue(VALIDATOR.validate(bytes(base().put("timestamp", "2025-11-24T01:04:59+01:00"))).isValid());
        refusedOnce(ReasonCode.TIMESTAMP_IN_FUTURE, "timestamp", n -> n.put("timestamp", "2025-11-24T00:05:01Z"));
        refusedOnce(ReasonCode.TIMESTAMP_IN_FUTURE, "timestamp", n -> n.put("timestamp", "2025-11-24T01:05:01+01:00"));
        assertTrue(VALIDATOR.validate(bytes(base().put("timestamp", "2025-11-17T00:00:01Z"))).isValid());
        refusedOnce(ReasonCode.TIMESTAMP_TOO_OLD, "timestamp", n -> n.put("timestamp", "2025-11-16T23:59:59Z"));
        TransactionValidator strict = new TransactionValidator(Examples.CLOCK,
                new TransactionValidator.Limits(Duration.ZERO, Duration.ofHours(1), 1_000_000, 4096));
        assertFalse(strict.validate(bytes(base().put("timestamp", "2025-11-23T22:59:00Z"))).isValid());
        assertFalse(strict.validate(bytes(base().put("timestamp", "2025-11-24T00:00:01Z"))).isValid());
        assertTrue(strict.validate(bytes(base().put("timestamp", "2025-11-23T23:30:00Z"))).isValid());
    }

    @Test
    void coordinates() {
        refusedOnce(ReasonCode.BAD_COORDINATES, "longitude", n -> n.put("latitude", 48.1));
        refusedOnce(ReasonCode.BAD_COORDINATES, "latitude", n -> n.put("longitude", 11.5));
        refusedOnce(ReasonCode.BAD_COORDINATES, "latitude", n -> n.put("latitude", 90.0001).put("longitude", 11.5));
        refusedOnce(ReasonCode.BAD_COORDINATES, "longitude", n -> n.put("latitude", -90).put("longitude", -180.5));
        refusedOnce(ReasonCode.BAD_COORDINATES, "latitude",
                base().put("longitude", 0).toString().replace("}", ",\"latitude\":1e400}").getBytes(StandardCharsets.UTF_8));
        assertTrue(VALIDATOR.validate(bytes(base().put("latitude", -90).put("longitude", 180))).isValid());
    }

    @Test
    void reportsEveryBadFieldInFieldOrderWithoutEchoingIds() {
        ObjectNode n = base();
        n.put("cardId", "SECRET-CARD 4111111111111111");
        n.put("amountMinor", -3);
        n.put("mcc", "12");
        n.put("channel", "CARRIER-PIGEON-SECRET");
        n.remove("merchantId");
        ValidationResult.Invalid r = (ValidationResult.Invalid) VALIDATOR.validate(bytes(n));
        assertEquals(List.of(ReasonCode.BAD_IDENTIFIER, ReasonCode.NEGATIVE_AMOUNT, ReasonCode.MISSING_FIELD, ReasonCode.BAD_MCC,
                ReasonCode.BAD_CHANNEL), r.violations().stream().map(Violation::code).toList());
        assertEquals("BAD_IDENTIFIER,NEGATIVE_AMOUNT,MISSING_FIELD,BAD_MCC,BAD_CHANNEL", r.reason());
        assertFalse(r.detail().contains("4111"), r.detail());
        assertFalse(r.detail().contains("SECRET"), "enumerated values are cut to 16 characters: " + r.detail());
    }

    @Test
    void limitsAreChecked() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TransactionValidator.Limits(Duration.ofMinutes(5), Duration.ofDays(7), 1L << 54, 16384));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TransactionValidator.Limits(Duration.ofMinutes(-1), Duration.ofDays(7), 100, 16384));
    }

    /** One example per reason code: the table of docs/EVENTS.md, which must cover every code. */
    static final java.util.Map<ReasonCode, byte[]> EXAMPLES = examples();

    static java.util.Map<ReasonCode, byte[]> examples() {
        java.util.Map<ReasonCode, byte[]> m = new java.util.EnumMap<>(ReasonCode.class);
        m.put(ReasonCode.MALFORMED_JSON, "{\"schemaVersion\": 1,".getBytes(StandardCharsets.UTF_8));
        m.put(ReasonCode.RECORD_TOO_LARGE, bytes(base().put("notes", "x".repeat(17_000))));
        m.put(ReasonCode.UNSUPPORTED_SCHEMA_VERSION, bytes(base().put("schemaVersion", 2)));
        ObjectNode missing = base();
        missing.remove("cardId");
        m.put(ReasonCode.MISSING_FIELD, bytes(missing));
        m.put(ReasonCode.WRONG_TYPE, bytes(base().put("amountMinor", "42.50")));
        m.put(ReasonCode.BAD_IDENTIFIER, bytes(base().put("merchantId", "m 0045812")));
        m.put(ReasonCode.NEGATIVE_AMOUNT, bytes(base().put("amountMinor", -4250)));
        m.put(ReasonCode.AMOUNT_OUT_OF_RANGE, bytes(base().put("amountMinor", 5_000_000_000_000_000L)));
        m.put(ReasonCode.UNKNOWN_CURRENCY, bytes(base().put("currency", "EURO")));
        m.put(ReasonCode.UNKNOWN_COUNTRY, bytes(base().put("country", "UK")));
        m.put(ReasonCode.BAD_MCC, bytes(base().put("mcc", "541")));
        m.put(ReasonCode.BAD_CHANNEL, bytes(base().put("channel", "MOTO")));
        m.put(ReasonCode.BAD_TIMESTAMP, bytes(base().put("timestamp", "2025-11-23T18:42:07")));
        m.put(ReasonCode.TIMESTAMP_IN_FUTURE, bytes(base().put("timestamp", "2025-11-24T09:00:00+01:00")));
        m.put(ReasonCode.TIMESTAMP_TOO_OLD, bytes(base().put("timestamp", "2025-10-01T12:00:00Z")));
        m.put(ReasonCode.BAD_COORDINATES, bytes(base().put("latitude", 48.137154)));
        return m;
    }

    @Test
    void everyReasonCodeHasAnExampleThatProducesIt() {
        assertEquals(EnumSet.allOf(ReasonCode.class), EXAMPLES.keySet());
        EXAMPLES.forEach((code, payload) -> {
            ValidationResult.Invalid r = assertInstanceOf(ValidationResult.Invalid.class, VALIDATOR.validate(payload), code.name());
            assertEquals(List.of(code), r.violations().stream().map(Violation::code).toList(), code.name());
        });
    }
}
