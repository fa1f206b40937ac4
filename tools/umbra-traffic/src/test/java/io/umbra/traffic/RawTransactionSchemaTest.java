package io.umbra.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.umbra.events.EventJson;
import io.umbra.events.TenantId;
import io.umbra.events.tx.RawTransactionSchema;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The raw transaction's JSON Schema (umbra-events, served by the ingest-service) run by a real JSON Schema
 * validator (networknt, draft 2020-12) beside ingest's own {@link TransactionValidator}: every record the generator
 * makes passes both, and every record ingest dead-letters for its shape (a field missing, of the wrong type or out
 * of its pattern) fails both. The value checks no schema can make (the ISO code lists, the clock, the size) are
 * shown to be ingest's alone.
 */
class RawTransactionSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final TransactionValidator VALIDATOR = new TransactionValidator(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(new ByteArrayInputStream(RawTransactionSchema.bytes()));

    private static Set<ValidationMessage> schemaErrors(JsonNode record) {
        return SCHEMA.validate(record);
    }

    private static ValidationResult ingest(JsonNode record) throws Exception {
        return VALIDATOR.validate(JSON.writeValueAsBytes(record));
    }

    private static ObjectNode valid() {
        ObjectNode n = JSON.createObjectNode();
        n.put("schemaVersion", 1).put("transactionId", "7c1e9a52-4f0b-4d8e-9a4b-2f6c1d3e5a70").put("cardId", "card-3f9a0c71")
                .put("amountMinor", 4250).put("currency", "EUR").put("merchantId", "m-0045812").put("mcc", "5411").put("country", "DE")
                .put("channel", "POS").put("timestamp", "2026-12-07T12:42:07.120+01:00").put("cardCountry", "DE")
                .put("deviceId", "dev-1").put("latitude", 48.137154).put("longitude", 11.576124);
        return n;
    }

    @Test
    void everyGeneratedRecordPassesTheSchemaAndIngest() throws Exception {
        int checked = 0;
        for (String tenant : List.of("acme", "globex")) {
            TrafficGenerator g = new TrafficGenerator(TrafficProfile.of(TenantId.of(tenant)), 7);
            for (int i = 0; i < 3000; i++) {
                byte[] bytes = EventJson.write(g.next(NOW).transaction());
                JsonNode record = JSON.readTree(bytes);
                assertEquals(Set.of(), schemaErrors(record), new String(bytes, StandardCharsets.UTF_8));
                assertInstanceOf(ValidationResult.Valid.class, VALIDATOR.validate(bytes), new String(bytes, StandardCharsets.UTF_8));
                checked++;
            }
        }
        assertEquals(6000, checked);
        // and the schema's own example, an unknown field, and optional fields given as null
        JsonNode example = JSON.readTree(RawTransactionSchema.bytes()).get("examples").get(0);
        assertEquals(Set.of(), schemaErrors(example));
        ObjectNode extra = valid();
        extra.put("terminalVendor", "ignored").putNull("deviceId").putNull("latitude").putNull("longitude").putNull("cardCountry");
        assertEquals(Set.of(), schemaErrors(extra));
        assertInstanceOf(ValidationResult.Valid.class, ingest(extra));
    }

    /** One change to a valid record, and the reason code ingest dead-letters it with. */
    private record Case(String reason, String what, Consumer<ObjectNode> change) {
    }

    @Test
    void everyShapeIngestDeadLettersIsRefusedByTheSchemaToo() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (String f : List.of("schemaVersion", "transactionId", "cardId", "amountMinor", "currency", "merchantId", "mcc", "country",
                "channel", "timestamp")) {
            cases.add(new Case("MISSING_FIELD", "no " + f, n -> n.remove(f)));
            cases.add(new Case("MISSING_FIELD", f + " null", n -> n.putNull(f)));
        }
        cases.add(new Case("UNSUPPORTED_SCHEMA_VERSION", "version 2", n -> n.put("schemaVersion", 2)));
        cases.add(new Case("WRONG_TYPE", "version as a string", n -> n.put("schemaVersion", "1")));
        cases.add(new Case("WRONG_TYPE", "amount as a string", n -> n.put("amountMinor", "42.50")));
        cases.add(new Case("WRONG_TYPE", "amount with a fraction", n -> n.put("amountMinor", 42.5)));
        cases.add(new Case("WRONG_TYPE", "mcc as a number", n -> n.put("mcc", 5411)));
        cases.add(new Case("WRONG_TYPE", "channel as a number", n -> n.put("channel", 1)));
        cases.add(new Case("WRONG_TYPE", "currency as an object", n -> n.putObject("currency")));
        cases.add(new Case("WRONG_TYPE", "latitude as a string", n -> n.put("latitude", "48.1")));
        cases.add(new Case("WRONG_TYPE", "deviceId as a number", n -> n.put("deviceId", 7)));
        cases.add(new Case("BAD_IDENTIFIER", "merchantId with a space", n -> n.put("merchantId", "m 0045812")));
        cases.add(new Case("BAD_IDENTIFIER", "empty transactionId", n -> n.put("transactionId", "")));
        cases.add(new Case("BAD_IDENTIFIER", "cardId of 129 characters", n -> n.put("cardId", "c".repeat(129))));
        cases.add(new Case("BAD_IDENTIFIER", "deviceId with a control character", n -> n.put("deviceId", "dev\u0007")));
        cases.add(new Case("BAD_IDENTIFIER", "cardId beyond ASCII", n -> n.put("cardId", "kärtchen")));
        cases.add(new Case("NEGATIVE_AMOUNT", "negative amount", n -> n.put("amountMinor", -4250)));
        cases.add(new Case("AMOUNT_OUT_OF_RANGE", "amount above 10^15", n -> n.put("amountMinor", 5_000_000_000_000_000L)));
        cases.add(new Case("UNKNOWN_CURRENCY", "currency of four letters", n -> n.put("currency", "EURO")));
        cases.add(new Case("UNKNOWN_CURRENCY", "currency in lower case", n -> n.put("currency", "eur")));
        cases.add(new Case("UNKNOWN_COUNTRY", "country of three letters", n -> n.put("country", "DEU")));
        cases.add(new Case("UNKNOWN_COUNTRY", "cardCountry in lower case", n -> n.put("cardCountry", "de")));
        cases.add(new Case("BAD_MCC", "mcc of three digits", n -> n.put("mcc", "541")));
        cases.add(new Case("BAD_MCC", "mcc 0000", n -> n.put("mcc", "0000")));
        cases.add(new Case("BAD_MCC", "mcc with a letter", n -> n.put("mcc", "54a1")));
        cases.add(new Case("BAD_CHANNEL", "channel MOTO", n -> n.put("channel", "MOTO")));
        cases.add(new Case("BAD_CHANNEL", "channel in lower case", n -> n.put("channel", "pos")));
        cases.add(new Case("BAD_TIMESTAMP", "timestamp without an offset", n -> n.put("timestamp", "2026-12-07T12:42:07")));
        cases.add(new Case("BAD_TIMESTAMP", "timestamp as words", n -> n.put("timestamp", "yesterday")));
        cases.add(new Case("BAD_TIMESTAMP", "date only", n -> n.put("timestamp", "2026-12-07")));
        cases.add(new Case("BAD_COORDINATES", "latitude alone", n -> n.remove("longitude")));
        cases.add(new Case("BAD_COORDINATES", "longitude alone", n -> n.putNull("latitude")));
        cases.add(new Case("BAD_COORDINATES", "latitude 91", n -> n.put("latitude", 91.0)));
        cases.add(new Case("BAD_COORDINATES", "longitude -181", n -> n.put("longitude", -181.0)));

        assertEquals(Set.of(), schemaErrors(valid()));
        assertInstanceOf(ValidationResult.Valid.class, ingest(valid()));
        for (Case c : cases) {
            ObjectNode record = valid();
            c.change().accept(record);
            ValidationResult result = ingest(record);
            ValidationResult.Invalid invalid = assertInstanceOf(ValidationResult.Invalid.class, result, c.what() + ": ingest accepts it");
            assertTrue(List.of(invalid.reason().split(",")).contains(c.reason()), c.what() + ": ingest says " + invalid.reason());
            assertFalse(schemaErrors(record).isEmpty(), c.what() + ": ingest dead-letters it as " + c.reason() + ", the schema accepts it");
        }

        // not JSON objects at all (MALFORMED_JSON)
        for (String notAnObject : List.of("[]", "\"tx\"", "42", "null")) {
            assertFalse(schemaErrors(JSON.readTree(notAnObject)).isEmpty(), notAnObject);
            assertEquals("MALFORMED_JSON", ((ValidationResult.Invalid) VALIDATOR.validate(notAnObject.getBytes(StandardCharsets.UTF_8)))
                    .reason(), notAnObject);
        }
    }

    @Test
    void valueChecksBeyondTheShapeAreIngestsAlone() throws Exception {
        // right shape, wrong value: only ingest knows the code lists and its clock (docs/EVENTS.md says so)
        ObjectNode uk = valid().put("country", "UK");
        assertEquals(Set.of(), schemaErrors(uk));
        assertEquals("UNKNOWN_COUNTRY", ((ValidationResult.Invalid) ingest(uk)).reason());
        ObjectNode future = valid().put("timestamp", "2026-12-08T12:00:00Z");
        assertEquals(Set.of(), schemaErrors(future));
        assertEquals("TIMESTAMP_IN_FUTURE", ((ValidationResult.Invalid) ingest(future)).reason());
    }
}
