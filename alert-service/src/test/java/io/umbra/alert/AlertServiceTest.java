package io.umbra.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.umbra.events.DeadLetter;
import io.umbra.events.TenantId;
import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import io.umbra.events.score.Score;
import io.umbra.kafka.local.KafkaLocalTestResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The service on a real broker, as the pipeline and an analyst see it: scores in on acme.scores, alerts on
 * acme.alerts, dead letters on acme.alert.dlq, the REST API and the live stream. Each test uses its own
 * transaction ids, so they share one app and one broker.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics",
        value = "acme.scores:2,acme.alerts:2,acme.alert.dlq"))
@QuarkusTestResource(TestCredentials.class)
class AlertServiceTest {
    private static final String PROBLEM = "application/problem+json";
    private static final TenantId ACME = TenantId.of("acme");
    private static final String SCORES = "acme.scores";
    private static final String ALERTS = "acme.alerts";
    private static final String DLQ = "acme.alert.dlq";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ANALYST_TOKEN = TestCredentials.analyst("acme");

    private static KafkaProducer<byte[], byte[]> producer;
    private static Admin admin;
    private static volatile String lastReadiness;

    @TestHTTPResource("/alerts/stream")
    URL streamUrl;

    /** In @BeforeEach: RestAssured knows the app's port only once the test instance exists. */
    @BeforeEach
    void connect() {
        if (producer != null) {
            return;
        }
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        // the stream runs (readiness UP) before any test sends a score
        await("readiness UP", () -> {
            io.restassured.response.Response r = given().get("/q/health/ready");
            lastReadiness = r.statusCode() + " " + r.asString();
            return r.statusCode() == 200;
        });
    }

    @AfterAll
    static void disconnect() {
        if (producer != null) {
            producer.close();
            admin.close();
        }
    }

    @Test
    void alertsExactlyWhereThePolicySays() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        send(score(run + "-high", 0.95, 100));
        send(score(run + "-edge", 0.90, 100));
        send(score(run + "-below", 0.89, 100));
        send(score(run + "-large", 0.60, 50_000));
        send(score(run + "-large-unlikely", 0.49, 90_000));
        send(score(run + "-almost-large", 0.60, 49_999));
        awaitScoresProcessed();

        Map<String, Alert> byTx = new HashMap<>();
        for (Alert a : alertsOnTopic(a -> a.transactionId().startsWith(run))) {
            assertNull(byTx.put(a.transactionId(), a), "one record per alert");
        }
        assertEquals(Set.of(run + "-high", run + "-edge", run + "-large"), byTx.keySet());
        assertEquals("score-above-0.9", byTx.get(run + "-high").rule());
        assertEquals("score-above-0.9", byTx.get(run + "-edge").rule());
        assertEquals("amount-50000-score-0.5", byTx.get(run + "-large").rule());
        for (Alert a : byTx.values()) {
            assertEquals(AlertStatus.OPEN, a.status());
            assertEquals(AlertIds.of(ACME, a.transactionId()), a.alertId());
        }
        Alert large = byTx.get(run + "-large");
        JsonPath got = awaitAlert(large.alertId());
        assertEquals(50_000, got.getLong("amountMinor"));
        assertEquals(0.6, got.getDouble("score"), 1e-12);
        assertEquals("OPEN", got.getString("status"));
    }

    @Test
    void aReplayedScoreMakesNoSecondAlert() {
        String tx = "replay-" + UUID.randomUUID();
        byte[] once = score(tx, 0.97, 100);
        send(once);
        send(once);
        send(score(tx, 0.99, 900_000)); // the same transaction scored again, differently: still the same alert
        awaitScoresProcessed();
        awaitAlert(AlertIds.of(ACME, tx));
        send(once); // and once more after the alert is in the store
        awaitScoresProcessed();

        List<Alert> alerts = alertsOnTopic(a -> a.transactionId().equals(tx));
        assertEquals(1, alerts.size(), "exactly one alert for the transaction");
        assertEquals(0.97, alerts.get(0).score(), 1e-12);
    }

    @Test
    void listFiltersAndPagesNewestFirst() {
        Instant start = Instant.now().minusMillis(1);
        String run = "list-" + UUID.randomUUID().toString().substring(0, 8);
        double[] probabilities = {0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97};
        for (int i = 0; i < probabilities.length; i++) {
            send(score(run + "-" + i, probabilities[i], 100));
        }
        send(score(run + "-amount", 0.6, 70_000));
        String from = start.toString();
        await("8 alerts listed", () -> listed(Map.of("from", from, "limit", "500")).size() == 8);

        List<Map<String, Object>> all = listed(Map.of("from", from));
        assertEquals(8, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(Instant.parse((String) all.get(i - 1).get("createdAt")).compareTo(Instant.parse((String) all.get(i).get("createdAt"))) >= 0,
                    "newest first");
        }

        // paging by cursor: every alert once, in the same order as one big page
        List<Object> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> q = new HashMap<>(Map.of("from", from, "limit", "3"));
            if (cursor != null) {
                q.put("cursor", cursor);
            }
            JsonPath page = api().queryParams(q).get("/alerts").then().statusCode(200).extract().jsonPath();
            List<Object> ids = page.getList("alerts.alertId");
            assertTrue(ids.size() <= 3);
            paged.addAll(ids);
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(all.stream().map(a -> a.get("alertId")).toList(), paged);

        List<Map<String, Object>> high = listed(Map.of("from", from, "minScore", "0.95"));
        assertEquals(Set.of(0.95f, 0.96f, 0.97f), scores(high));

        String newest = (String) all.get(0).get("createdAt");
        List<Map<String, Object>> older = listed(Map.of("from", from, "to", newest));
        assertFalse(older.stream().anyMatch(a -> a.get("createdAt").equals(newest)));
        assertEquals(all.stream().filter(a -> !a.get("createdAt").equals(newest)).count(), older.size());

        String acked = (String) all.get(3).get("alertId");
        api().post("/alerts/" + acked + "/acknowledge").then().statusCode(200);
        List<Map<String, Object>> acknowledged = listed(Map.of("from", from, "status", "ACKNOWLEDGED"));
        assertEquals(List.of(acked), acknowledged.stream().map(a -> a.get("alertId")).toList());
        assertEquals(7, listed(Map.of("from", from, "status", "OPEN")).size());

        for (Map<String, String> bad : List.of(Map.of("status", "CLOSED"), Map.of("limit", "0"), Map.of("limit", "501"),
                Map.of("minScore", "1.5"), Map.of("from", "yesterday"), Map.of("cursor", "garbage"))) {
            api().queryParams(bad).get("/alerts").then().statusCode(400).contentType(PROBLEM)
                    .body("type", org.hamcrest.Matchers.equalTo("urn:umbra:problem:invalid-request"))
                    .body("detail", org.hamcrest.Matchers.containsString(bad.keySet().iterator().next()));
        }
    }

    @Test
    void acknowledgeThenResolve() {
        String tx = "ack-" + UUID.randomUUID();
        send(score(tx, 0.99, 100));
        UUID id = AlertIds.of(ACME, tx);
        awaitAlert(id);

        JsonPath acked = api().contentType(ContentType.JSON).body("{\"note\":\"calling the card holder\"}")
                .post("/alerts/" + id + "/acknowledge").then().statusCode(200).extract().jsonPath();
        assertEquals("ACKNOWLEDGED", acked.getString("status"));
        assertTrue(Instant.parse(acked.getString("updatedAt")).isAfter(Instant.parse(acked.getString("createdAt"))));
        // read-your-writes: the next read already shows it
        assertEquals("ACKNOWLEDGED", api().get("/alerts/" + id).then().statusCode(200).extract().path("status"));

        assertEquals("acme-analyst", acked.getString("acknowledgedBy"), "who acknowledged: the token's subject");
        assertEquals(acked.getString("updatedAt"), acked.getString("acknowledgedAt"));
        assertNull(acked.getString("resolvedBy"));

        // resolved by someone else (acme's admin): both names and times are kept
        JsonPath resolved = given().auth().oauth2(TestCredentials.token("acme", io.umbra.auth.Roles.ADMIN))
                .post("/alerts/" + id + "/resolve").then().statusCode(200).extract().jsonPath();
        assertEquals("RESOLVED", resolved.getString("status"));
        assertEquals("acme-analyst", resolved.getString("acknowledgedBy"));
        assertEquals(acked.getString("acknowledgedAt"), resolved.getString("acknowledgedAt"));
        assertEquals("acme-admin", resolved.getString("resolvedBy"));
        assertEquals(resolved.getString("updatedAt"), resolved.getString("resolvedAt"));
        assertEquals("RESOLVED", api().get("/alerts/" + id).then().statusCode(200).extract().path("status"));

        List<ConsumerRecord<byte[], byte[]>> versions = recordsOn(ALERTS, r -> new String(r.key(), StandardCharsets.UTF_8).equals(id.toString()));
        assertEquals(List.of(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED),
                versions.stream().map(r -> Alert.fromJson(r.value()).status()).toList());
        Header note = versions.get(1).headers().lastHeader(AlertTransitions.NOTE_HEADER);
        assertNotNull(note);
        assertEquals("calling the card holder", new String(note.value(), StandardCharsets.UTF_8));
    }

    @Test
    void anAlertsDetailShowsTheCardsRecentTransactions() {
        String run = "card-" + UUID.randomUUID().toString().substring(0, 8);
        String card = run + "-card";
        Instant t0 = Instant.now().minusSeconds(600);
        byte[] first = scoreAt(ACME, run + "-1", card, 0.02, 1_250, t0);
        send(first);
        send(scoreAt(ACME, run + "-2", card, 0.10, 3_990, t0.plusSeconds(60)));
        send(scoreAt(ACME, run + "-fraud", card, 0.97, 87_000, t0.plusSeconds(120)));
        send(first);                                                                  // re-sent: still one transaction
        send(scoreAt(ACME, run + "-other", run + "-another-card", 0.01, 100, t0.plusSeconds(30)));
        send(scoreAt(TenantId.of("bravo"), run + "-bravo", card, 0.01, 100, t0.plusSeconds(90))); // dead-lettered, never kept
        awaitScoresProcessed();
        UUID id = AlertIds.of(ACME, run + "-fraud");
        awaitAlert(id);

        JsonPath history = api().get("/alerts/" + id + "/card-transactions").then().statusCode(200).extract().jsonPath();
        assertEquals(card, history.getString("cardId"));
        assertTrue(history.getBoolean("complete"), "one instance holds every partition");
        assertEquals(List.of(run + "-fraud", run + "-2", run + "-1"), history.getList("transactions.transactionId"),
                "newest first, this card and tenant only, each once");
        assertEquals(87_000, history.getLong("transactions[0].amountMinor"));
        assertEquals(0.97, history.getDouble("transactions[0].score"), 1e-9);
        assertEquals(t0.plusSeconds(120), Instant.parse(history.getString("transactions[0].eventTime")));
        assertEquals(List.of(run + "-fraud"), api().queryParam("limit", 1).get("/alerts/" + id + "/card-transactions")
                .then().statusCode(200).extract().jsonPath().getList("transactions.transactionId"));
        api().queryParam("limit", 0).get("/alerts/" + id + "/card-transactions").then().statusCode(400).contentType(PROBLEM);
        api().get("/alerts/" + UUID.randomUUID() + "/card-transactions").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void aMoveTheStatusDoesNotAllowIsAConflict() {
        String tx = "conflict-" + UUID.randomUUID();
        send(score(tx, 0.99, 100));
        UUID id = AlertIds.of(ACME, tx);
        awaitAlert(id);

        api().post("/alerts/" + id + "/resolve").then().statusCode(200);
        api().post("/alerts/" + id + "/acknowledge").then().statusCode(409).contentType(PROBLEM)
                .body("type", org.hamcrest.Matchers.equalTo("urn:umbra:problem:conflict"))
                .body("detail", org.hamcrest.Matchers.equalTo("alert is RESOLVED and cannot move to ACKNOWLEDGED"))
                .body("instance", org.hamcrest.Matchers.equalTo("/alerts/" + id + "/acknowledge"));
        api().post("/alerts/" + id + "/resolve").then().statusCode(409);
        assertEquals("RESOLVED", api().get("/alerts/" + id).then().extract().path("status"));
        assertEquals(2, recordsOn(ALERTS, r -> new String(r.key(), StandardCharsets.UTF_8).equals(id.toString())).size(),
                "a refused move writes nothing");
    }

    @Test
    void anUnknownAlertIsNotFound() {
        UUID unknown = UUID.randomUUID();
        api().get("/alerts/" + unknown).then().statusCode(404).contentType(PROBLEM)
                .body("type", org.hamcrest.Matchers.equalTo("urn:umbra:problem:not-found"))
                .body("detail", org.hamcrest.Matchers.equalTo("no alert with this id"));
        api().get("/alerts/not-an-id").then().statusCode(404);
        api().post("/alerts/" + unknown + "/acknowledge").then().statusCode(404);
        api().post("/alerts/" + unknown + "/resolve").then().statusCode(404);
    }

    @Test
    void badRecordsAreDeadLetteredAndTheStreamGoesOn() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        byte[] garbage = ("{\"tenant\": \"acme\", \"transactionId\": " + run).getBytes(StandardCharsets.UTF_8);
        byte[] otherTenant = scoreOf(TenantId.of("bravo"), run + "-bravo", 0.99, 100);
        byte[] negative = new String(score(run + "-neg", 0.99, 100), StandardCharsets.UTF_8)
                .replace("\"amountMinor\":100", "\"amountMinor\":-100").getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(SCORES, (run + "-garbage").getBytes(StandardCharsets.UTF_8), garbage));
        producer.send(new ProducerRecord<>(SCORES, (run + "-bravo").getBytes(StandardCharsets.UTF_8), otherTenant));
        producer.send(new ProducerRecord<>(SCORES, (run + "-neg").getBytes(StandardCharsets.UTF_8), negative));
        producer.send(new ProducerRecord<>(SCORES, (run + "-null").getBytes(StandardCharsets.UTF_8), null));
        String valid = run + "-valid";
        send(score(valid, 0.93, 100));
        awaitScoresProcessed();

        awaitAlert(AlertIds.of(ACME, valid));
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : recordsOn(DLQ, r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(run))) {
            byKey.put(new String(r.key(), StandardCharsets.UTF_8), r);
        }
        assertEquals(Set.of(run + "-garbage", run + "-bravo", run + "-neg", run + "-null"), byKey.keySet());
        assertEquals("BAD_SCORE", letter(byKey.get(run + "-garbage")).reason());
        assertEquals("WRONG_TENANT", letter(byKey.get(run + "-bravo")).reason());
        assertEquals("BAD_SCORE", letter(byKey.get(run + "-neg")).reason());
        assertEquals("BAD_SCORE", letter(byKey.get(run + "-null")).reason());
        assertArrayEquals(garbage, byKey.get(run + "-garbage").value(), "the original bytes, unchanged");
        assertArrayEquals(otherTenant, byKey.get(run + "-bravo").value());
        DeadLetter l = letter(byKey.get(run + "-neg"));
        assertEquals("alert-service", l.service());
        assertEquals(SCORES, l.sourceTopic());
        assertTrue(l.detail().contains("amountMinor"), l.detail());
        assertFalse(l.detail().contains(run), "the detail never quotes the payload");
        assertTrue(alertsOnTopic(a -> a.transactionId().startsWith(run + "-bravo")).isEmpty());

        given().get("/q/health/live").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(counter(metrics, "umbra_alert_dlq_total{reason=\"BAD_SCORE\"}") >= 3, "DLQ counted by reason");
        assertTrue(counter(metrics, "umbra_alert_dlq_total{reason=\"WRONG_TENANT\"}") >= 1);
        assertTrue(metrics.contains("umbra_alert_scores_in_total"));
        assertTrue(metrics.contains("umbra_alert_raised_total{rule=\"score-above-0.9\"}"));
        assertTrue(metrics.contains("umbra_alert_open "));
    }

    @Test
    void theLiveStreamDeliversANewAlert() throws Exception {
        String tx = "live-" + UUID.randomUUID();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(streamUrl.toURI()).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + TestCredentials.analyst("acme")).build();
        CompletableFuture<HttpResponse<Stream<String>>> response = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        // the listener registers when the stream is subscribed; give it a moment before the alert is raised
        Thread.sleep(1500);
        send(score(tx, 0.98, 100));
        HttpResponse<Stream<String>> r = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(
                () -> r.body().filter(l -> l.startsWith("data:") && l.contains(tx)).findFirst().orElse(null));
        String data = line.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Alert alert = Alert.fromJson(data.substring("data:".length()).trim().getBytes(StandardCharsets.UTF_8));
        assertEquals(AlertIds.of(ACME, tx), alert.alertId());
        assertEquals(AlertStatus.OPEN, alert.status());
        r.body().close();
    }

    @Test
    void theLivePageIsServedWithoutExternalScripts() {
        String page = given().get("/").then().statusCode(200).contentType(ContentType.HTML).extract().asString();
        assertTrue(page.contains("<script src=\"alerts.js\">"), "the page loads its script from this service");
        assertFalse(page.contains("src=\"http") || page.contains("href=\"http"), "nothing from a CDN");
        String script = given().get("/alerts.js").then().statusCode(200).extract().asString();
        assertTrue(script.contains("api('alerts/stream'"), "the page listens to the live stream");
        assertTrue(script.contains("headers['Authorization'] = 'Bearer ' + token()"), "with the analyst's token on every call");
        assertTrue(script.contains("history.replaceState") && script.contains("sessionStorage"),
                "a sign-in link's token leaves the address bar for this tab's storage");
        assertTrue(page.contains("id=\"token\""), "a token can still be given by hand");
        assertTrue(script.contains("'/' + verb"), "and posts acknowledge/resolve");
    }

    // --- helpers ---

    /** A request as acme's analyst makes it. */
    private static RequestSpecification api() {
        return given().auth().oauth2(ANALYST_TOKEN);
    }

    /** The value of one Prometheus sample line, or -1 when it is not there. */
    private static double counter(String metrics, String sample) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return -1;
    }

    private static byte[] score(String tx, double p, long amountMinor) {
        return scoreOf(ACME, tx, p, amountMinor);
    }

    private static byte[] scoreOf(TenantId tenant, String tx, double p, long amountMinor) {
        Instant t = Instant.now().minusSeconds(2);
        double logit = Math.log(Math.max(p, 1e-9) / Math.max(1 - p, 1e-9));
        return new Score(tenant, tx, "card-" + tx.hashCode(), amountMinor, "EUR", "m-0045812", p, logit, "logreg-fraud", 4, t,
                t.plusMillis(500), t.plusMillis(700), t.plusMillis(800)).toJson();
    }

    private static byte[] scoreAt(TenantId tenant, String tx, String card, double p, long amountMinor, Instant t) {
        double logit = Math.log(Math.max(p, 1e-9) / Math.max(1 - p, 1e-9));
        return new Score(tenant, tx, card, amountMinor, "EUR", "m-0045812", p, logit, "logreg-fraud", 4, t,
                t.plusMillis(500), t.plusMillis(700), t.plusMillis(800)).toJson();
    }

    private static void send(byte[] score) {
        String tx = Score.fromJson(score).transactionId();
        try {
            producer.send(new ProducerRecord<>(SCORES, tx.getBytes(StandardCharsets.UTF_8), score)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static DeadLetter letter(ConsumerRecord<byte[], byte[]> r) {
        Map<String, byte[]> headers = new HashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value());
        }
        return DeadLetter.fromHeaders(headers);
    }

    private static Set<Float> scores(List<Map<String, Object>> alerts) {
        Set<Float> s = new HashSet<>();
        for (Map<String, Object> a : alerts) {
            s.add(((Number) a.get("score")).floatValue());
        }
        return s;
    }

    private static List<Map<String, Object>> listed(Map<String, String> query) {
        return api().queryParams(query).get("/alerts").then().statusCode(200).extract().jsonPath().getList("alerts");
    }

    private static JsonPath awaitAlert(UUID id) {
        await("alert " + id + " in the store", () -> api().get("/alerts/" + id).statusCode() == 200);
        return api().get("/alerts/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Until the service's consumer group has committed past every score sent so far: they are all processed. */
    private static void awaitScoresProcessed() {
        await("all scores processed", () -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("acme.alert-service")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            try (KafkaConsumer<byte[], byte[]> c = consumer()) {
                Map<TopicPartition, Long> ends = c.endOffsets(partitions(c, SCORES));
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    OffsetAndMetadata done = committed.get(e.getKey());
                    if (e.getValue() > 0 && (done == null || done.offset() < e.getValue())) {
                        return false;
                    }
                }
                return true;
            }
        });
    }

    private static List<Alert> alertsOnTopic(Predicate<Alert> which) {
        return recordsOn(ALERTS, r -> true).stream().map(r -> Alert.fromJson(r.value())).filter(which).toList();
    }

    /** Every committed record of {@code topic} so far, in partition order. */
    private static List<ConsumerRecord<byte[], byte[]>> recordsOn(String topic, Predicate<ConsumerRecord<byte[], byte[]>> which) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> parts = partitions(c, topic);
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (which.test(r)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(topic)) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        return parts;
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Check check) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what + (lastReadiness == null ? "" : "; readiness: " + lastReadiness), last);
    }
}
