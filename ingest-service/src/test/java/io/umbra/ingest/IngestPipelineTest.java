package io.umbra.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.umbra.events.DeadLetter;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.kafka.local.KafkaLocalTestResource;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static io.umbra.ingest.KafkaProbe.text;
import static io.umbra.ingest.KafkaProbe.utf8;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka face on the embedded broker: raw records in, feature vectors and dead letters out, read committed. */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics", value = KafkaProbe.TOPICS))
class IngestPipelineTest {
    // Generous: on a loaded 2-core machine the first test also waits for the topology to start.
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    MeterRegistry registry;

    @Test
    void validTransactionsBecomeTheirFeatureVectorsKeyedByCard() {
        String pos = Transactions.freshId("pos");
        String ecom = Transactions.freshId("ecom");
        KafkaProbe.produce(null, "card-3f9a0c71", utf8(Transactions.posDomestic(pos)));
        KafkaProbe.produce(null, "card-3f9a0c71", utf8(Transactions.ecomCrossBorder(ecom)));

        Map<String, ConsumerRecord<byte[], byte[]>> out = features(List.of(pos, ecom));
        FeatureSchema s = FeatureSchema.V1;

        FeatureVector v = FeatureVector.fromJson(out.get(pos).value());
        assertEquals("card-3f9a0c71", text(out.get(pos).key()), "tx.features is keyed by card id");
        assertEquals(Instant.parse("2025-11-23T17:42:07.120Z"), v.eventTime());
        assertEquals(4250, v.amountMinor());
        assertEquals("EUR", v.currency());
        assertEquals("m-0045812", v.merchantId());
        assertEquals(3.7727609380946383, v.feature(s.indexOf("log_amount")), 1e-12, "ln(1 + 42.50)");
        assertEquals(1.0 / 7, v.feature(s.indexOf("amount_bucket")), 1e-12, "42.50 EUR is in [10, 50): bucket 1");
        assertEquals(-0.9832549075639546, v.feature(s.indexOf("hour_sin")), 1e-12, "18:42 at the +01:00 offset, not UTC");
        assertEquals(0.18223552549214742, v.feature(s.indexOf("hour_cos")), 1e-12);
        assertEquals(1.0, v.feature(s.indexOf("day_of_week")), 1e-12, "2025-11-23 is a Sunday");
        assertOneHot(v, "channel_pos", "channel_ecom", "channel_atm");
        assertOneHot(v, "mcc_low", "mcc_medium", "mcc_high", "mcc_travel");
        assertEquals(0.0, v.feature(s.indexOf("cross_border")), "German card in Germany");
        assertEquals(0.0, v.feature(s.indexOf("has_device")));
        assertEquals(0.0, v.feature(s.indexOf("has_coordinates")));

        FeatureVector e = FeatureVector.fromJson(out.get(ecom).value());
        assertEquals(7.170880792087884, e.feature(s.indexOf("log_amount")), 1e-12, "ln(1 + 1299.99), in its own currency");
        assertEquals(6.0 / 7, e.feature(s.indexOf("amount_bucket")), 1e-12, "1299.99 USD ≈ 1118 EUR: bucket [1000, 5000)");
        assertEquals(0.7518398074789774, e.feature(s.indexOf("hour_sin")), 1e-12, "03:15 at -05:00");
        assertOneHot(e, "channel_ecom", "channel_pos", "channel_atm");
        assertOneHot(e, "mcc_high", "mcc_low", "mcc_medium", "mcc_travel");
        assertEquals(1.0, e.feature(s.indexOf("cross_border")), "German card in the US");
        assertEquals(1.0, e.feature(s.indexOf("has_device")));
    }

    @Test
    void aDuplicateTransactionIdGivesOneFeatureVectorEvenUnderAnotherKey() {
        String id = Transactions.freshId("dup");
        byte[] payload = utf8(Transactions.posDomestic(id));
        String otherKey = keyOnAnotherPartition("card-3f9a0c71");
        double before = duplicates();
        double rekeyedBefore = rekeyed();

        RecordMetadata first = KafkaProbe.produce(null, "card-3f9a0c71", payload);
        KafkaProbe.produce(null, "card-3f9a0c71", payload);
        RecordMetadata third = KafkaProbe.produce(null, otherKey, payload);
        KafkaProbe.produce(null, null, payload);
        assertNotEquals(first.partition(), third.partition(), "the third copy must travel on another raw partition");

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (duplicates() < before + 3 && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertEquals(before + 3, duplicates(), "three copies counted as duplicates");
        assertEquals(rekeyedBefore + 2, rekeyed(),
                "the copies under another key and under no key went back to the raw topic under their card id");
        // Every copy has met the filter; wait for the first one's vector to commit, then read the whole topic again.
        features(List.of(id));
        List<ConsumerRecord<byte[], byte[]>> vectors = KafkaProbe.readUntil(KafkaProbe.FEATURES, read -> false, Duration.ofSeconds(2));
        assertEquals(1, count(vectors, id), "one feature vector for four copies of one transaction id");
        assertTrue(KafkaProbe.readUntil(KafkaProbe.DLQ, read -> false, Duration.ofSeconds(1)).stream()
                .noneMatch(r -> r.value() != null && text(r.value()).contains(id)), "a duplicate is not an error: nothing dead-lettered");
    }

    @Test
    void hostileInputsAreDeadLetteredWithReasonsWhileValidOnesAroundThemGoThrough() {
        String run = Transactions.freshId("hostile");
        String valid1 = Transactions.freshId("ok1");
        String valid2 = Transactions.freshId("ok2");
        String valid3 = Transactions.freshId("ok3");
        String pos = Transactions.posDomestic("t-" + run);
        byte[] garbage = new byte[700];
        new Random(42).nextBytes(garbage);
        byte[] oversized = utf8(pos.replace("\"schemaVersion\":1,", "\"schemaVersion\":1,\"padding\":\"" + "x".repeat(20_000) + "\","));

        // name → (payload, expected reason); all on partition 0 with valid records between them, in order.
        Map<String, Object[]> hostile = new LinkedHashMap<>();
        hostile.put("broken-json", new Object[] {utf8("{\"schemaVersion\": 1,"), "MALFORMED_JSON"});
        hostile.put("missing-card", new Object[] {utf8(pos.replace("\"cardId\":\"card-3f9a0c71\",", "")), "MISSING_FIELD"});
        hostile.put("negative-amount", new Object[] {utf8(pos.replace("4250", "-4250")), "NEGATIVE_AMOUNT"});
        hostile.put("unknown-currency", new Object[] {utf8(pos.replace("\"EUR\"", "\"EURO\"")), "UNKNOWN_CURRENCY"});
        hostile.put("garbage", new Object[] {garbage, "MALFORMED_JSON"});
        hostile.put("oversized", new Object[] {oversized, "RECORD_TOO_LARGE"});
        hostile.put("tombstone", new Object[] {null, "MALFORMED_JSON"});
        hostile.put("too-old", new Object[] {utf8(pos.replace("2025-11-23T18:42:07.120+01:00", "2010-01-01T00:00:00Z")), "TIMESTAMP_TOO_OLD"});
        hostile.put("two-faults", new Object[] {utf8(pos.replace("\"cardId\":\"card-3f9a0c71\",", "").replace("5411", "541")),
                "MISSING_FIELD,BAD_MCC"});
        double tooLargeBefore = reasonCount("RECORD_TOO_LARGE");

        KafkaProbe.produce(0, "card-a", utf8(Transactions.atm(valid1, "card-a")));
        Map<String, RecordMetadata> sent = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, Object[]> h : hostile.entrySet()) {
            sent.put(h.getKey(), KafkaProbe.produce(0, run + "/" + h.getKey(), (byte[]) h.getValue()[0]));
            if (i++ == 4) {
                KafkaProbe.produce(0, "card-b", utf8(Transactions.atm(valid2, "card-b")));
            }
        }
        KafkaProbe.produce(0, "card-c", utf8(Transactions.atm(valid3, "card-c")));

        Map<String, ConsumerRecord<byte[], byte[]>> letters = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaProbe.readUntil(KafkaProbe.DLQ,
                read -> read.stream().filter(r -> text(r.key()) != null && text(r.key()).startsWith(run)).count() >= hostile.size(), WAIT)) {
            String key = text(r.key());
            if (key != null && key.startsWith(run + "/")) {
                letters.put(key.substring(run.length() + 1), r);
            }
        }
        assertEquals(hostile.keySet(), letters.keySet(), "every hostile record dead-lettered once");
        for (Map.Entry<String, Object[]> h : hostile.entrySet()) {
            ConsumerRecord<byte[], byte[]> letter = letters.get(h.getKey());
            DeadLetter why = DeadLetter.fromHeaders(headers(letter));
            assertEquals(h.getValue()[1], why.reason(), h.getKey());
            assertArrayEquals((byte[]) h.getValue()[0], letter.value(), h.getKey() + ": the original bytes, unchanged");
            assertEquals("ingest-service", why.service());
            assertEquals(KafkaProbe.RAW, why.sourceTopic());
            assertEquals(sent.get(h.getKey()).partition(), why.partition(), h.getKey());
            assertEquals(sent.get(h.getKey()).offset(), why.offset(), h.getKey());
            assertFalse(why.detail().isBlank(), h.getKey());
            assertFalse(why.payloadOmitted());
        }
        assertTrue(DeadLetter.fromHeaders(headers(letters.get("two-faults"))).detail().contains("cardId is missing"));
        assertEquals(tooLargeBefore + 1, reasonCount("RECORD_TOO_LARGE"), "dead letters counted by reason");

        Map<String, ConsumerRecord<byte[], byte[]>> out = features(List.of(valid1, valid2, valid3));
        assertEquals("card-b", text(out.get(valid2).key()), "the records around the hostile ones are processed");
    }

    @Test
    void healthIsUpAndMetricsAreExposed() {
        features(List.of(sendOne()));   // the stream has run
        given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("ingest-service stream")).body(containsString("RUNNING"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("umbra_ingest_records_in_total"))
                .body(containsString("umbra_ingest_features_out_total"))
                .body(containsString("umbra_ingest_duplicates_total"))
                .body(containsString("umbra_ingest_dead_letters_total"));
    }

    private static String sendOne() {
        String id = Transactions.freshId("health");
        KafkaProbe.produce(null, "card-h", utf8(Transactions.atm(id, "card-h")));
        return id;
    }

    /** The feature records of these transaction ids, waiting until each has one. */
    static Map<String, ConsumerRecord<byte[], byte[]>> features(List<String> transactionIds) {
        Map<String, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaProbe.readUntil(KafkaProbe.FEATURES,
                read -> transactionIds.stream().allMatch(id -> count(read, id) > 0), WAIT)) {
            FeatureVector v = FeatureVector.fromJson(r.value());
            if (transactionIds.contains(v.transactionId())) {
                found.put(v.transactionId(), r);
            }
        }
        assertEquals(transactionIds.size(), found.size(), "a feature vector for each of " + transactionIds);
        return found;
    }

    static long count(List<ConsumerRecord<byte[], byte[]>> vectors, String transactionId) {
        return vectors.stream().filter(r -> FeatureVector.fromJson(r.value()).transactionId().equals(transactionId)).count();
    }

    private double duplicates() {
        return registry.get("umbra.ingest.duplicates").counter().count();
    }

    private double rekeyed() {
        return registry.get("umbra.ingest.rekeyed").counter().count();
    }

    private double reasonCount(String reason) {
        var c = registry.find("umbra.ingest.dead.letter.reasons").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static void assertOneHot(FeatureVector v, String hot, String... cold) {
        assertEquals(1.0, v.feature(FeatureSchema.V1.indexOf(hot)), hot);
        for (String c : cold) {
            assertEquals(0.0, v.feature(FeatureSchema.V1.indexOf(c)), c);
        }
    }

    /** A key the default partitioner puts on another of the 3 raw partitions than {@code key}. */
    private static String keyOnAnotherPartition(String key) {
        int home = Utils.toPositive(Utils.murmur2(utf8(key))) % 3;
        for (int n = 0; ; n++) {
            String other = "other-key-" + n;
            if (Utils.toPositive(Utils.murmur2(utf8(other))) % 3 != home) {
                return other;
            }
        }
    }

    private static Map<String, byte[]> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, byte[]> h = new HashMap<>();
        for (Header header : r.headers()) {
            h.put(header.key(), header.value());
        }
        assertNotNull(h.get(DeadLetter.HEADER_REASON));
        return h;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
