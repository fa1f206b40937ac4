package io.umbra.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.umbra.auth.Roles;
import io.umbra.auth.TokenIssuer;
import io.umbra.events.TenantId;
import io.umbra.events.score.Score;
import io.umbra.kafka.local.KafkaLocalTestResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may call the alert API, against the real app and broker: no token, a forged or expired one → 401; a token of
 * another bank → the same 403 whatever it asks, so it cannot even learn whether an alert id exists; acme's
 * analyst and admin → their alerts. Every refusal is an RFC 9457 problem whose detail says why, and never quotes the
 * token. Health and metrics answer without a token.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics",
        value = "acme.scores:2,acme.alerts:2,acme.alert.dlq"))
@QuarkusTestResource(TestCredentials.class)
class AlertApiSecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static UUID existing;

    @TempDir
    static Path elsewhere;

    /** One OPEN alert of acme, raised through the pipeline's own path (a score on acme.scores). */
    @BeforeEach
    void anAlertExists() throws Exception {
        if (existing != null) {
            return;
        }
        String tx = "authz-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(2);
        byte[] score = new Score(TenantId.of("acme"), tx, "card-authz", 100, "EUR", "m-0045812", 0.99, 4.6, "logreg-fraud", 4,
                t, t.plusMillis(500), t.plusMillis(700), t.plusMillis(800)).toJson();
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("acme.scores", tx.getBytes(StandardCharsets.UTF_8), score)).get(10, TimeUnit.SECONDS);
        }
        UUID id = AlertIds.of(TenantId.of("acme"), tx);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (as(TestCredentials.analyst("acme")).get("/alerts/" + id).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("alert " + id + " never showed in the store");
            }
            Thread.sleep(200);
        }
        existing = id;
    }

    @Test
    void withoutAValidTokenEveryCallIs401() {
        String forged = TokenIssuer.createOrLoad(elsewhere, TestCredentials.ISSUER)
                .issue("acme", "mallory", Set.of(Roles.ADMIN), Duration.ofHours(1));
        String otherIssuerName = TokenIssuer.createOrLoad(TestCredentials.DIR, "somebody-else")
                .issue("acme", "mallory", Set.of(Roles.ADMIN), Duration.ofHours(1));
        Map<String, RequestSpecification> callers = Map.of(
                "no token", given(),
                "not a JWT", given().header("Authorization", "Bearer not-a-jwt"),
                "signed by another key", as(forged),
                "another issuer", as(otherIssuerName),
                "expired", as(TestCredentials.expired("acme")));
        Map<String, String> reasons = Map.of("no token", "no bearer token", "not a JWT", "token not accepted",
                "signed by another key", "token not accepted", "another issuer", "token not accepted", "expired", "token expired");
        for (Map.Entry<String, RequestSpecification> c : callers.entrySet()) {
            for (String path : List.of("/alerts", "/alerts/" + existing, "/alerts/" + existing + "/acknowledge", "/alerts/stream",
                    "/alerts/" + existing + "/card-transactions", "/alerts/me", "/alerts/session")) {
                Response r = path.endsWith("acknowledge") || path.endsWith("session") ? c.getValue().post(path) : c.getValue().get(path);
                assertEquals(401, r.statusCode(), c.getKey());
                String type = c.getKey().equals("no token") ? "urn:umbra:problem:no-token" : "urn:umbra:problem:invalid-token";
                assertProblem(r, 401, type, reasons.get(c.getKey()), path);
                String challenge = r.getHeader("WWW-Authenticate");
                assertTrue(challenge != null && challenge.startsWith("Bearer"), c.getKey() + ": " + challenge);
                assertEquals(!c.getKey().equals("no token"), challenge.contains("error=\"invalid_token\""), c.getKey() + ": " + challenge);
                assertFalse(r.asString().contains("mallory") || r.asString().contains("eyJ"), "no token contents in " + r.asString());
            }
        }
        assertEquals("OPEN", status(existing), "nothing was acknowledged");
    }

    @Test
    void anotherBanksAnalystGetsTheSame403WhateverItAsks() {
        RequestSpecification bravo = as(TestCredentials.analyst("bravo"));
        Response list = bravo.get("/alerts");
        Response known = bravo.get("/alerts/" + existing);
        Response unknown = bravo.get("/alerts/" + UUID.randomUUID());
        Response garbage = bravo.get("/alerts/not-an-id");
        Response ack = bravo.post("/alerts/" + existing + "/acknowledge");
        Response ackUnknown = bravo.post("/alerts/" + UUID.randomUUID() + "/acknowledge");
        Response resolve = bravo.post("/alerts/" + existing + "/resolve");
        Response stream = bravo.get("/alerts/stream");
        Response bravoAdmin = as(TestCredentials.token("bravo", Roles.ADMIN)).get("/alerts/" + existing);
        Response card = bravo.get("/alerts/" + existing + "/card-transactions");
        Response me = bravo.get("/alerts/me");
        Response link = as(TestCredentials.issuer().issuePageLink("bravo", "bravo-analyst", Duration.ofMinutes(5))).post("/alerts/session");
        for (Response r : List.of(list, known, unknown, garbage, ack, ackUnknown, resolve, stream, bravoAdmin, card, me, link)) {
            assertEquals(403, r.statusCode());
            assertEquals("urn:umbra:problem:wrong-tenant", r.jsonPath().getString("type"));
            assertEquals("token issued for tenant bravo, this is acme", r.jsonPath().getString("detail"));
            assertTrue(r.getContentType().startsWith("application/problem+json"), r.getContentType());
        }
        assertProblem(known, 403, "urn:umbra:problem:wrong-tenant", "token issued for tenant bravo", "/alerts/" + existing);
        // an existing and an unknown id cannot be told apart: same status, same headers that matter, same body
        assertEquals(known.getHeader("Content-Type"), unknown.getHeader("Content-Type"));
        assertEquals(known.getHeader("Content-Length"), unknown.getHeader("Content-Length"));
        assertEquals("OPEN", status(existing), "bravo's acknowledge changed nothing");
    }

    @Test
    void aSignInLinkIsClaimedOnceAndThenWorksOnlyWithItsBrowsersCookie() {
        String link = TestCredentials.issuer().issuePageLink("acme", "acme-analyst", Duration.ofMinutes(5));
        Response claimed = as(link).post("/alerts/session");
        assertEquals(204, claimed.statusCode());
        String setCookie = claimed.getHeader("Set-Cookie");
        assertTrue(setCookie != null && setCookie.startsWith("umbra-link-acme=") && setCookie.contains("HttpOnly")
                && setCookie.toLowerCase(java.util.Locale.ROOT).contains("samesite=strict"), setCookie);
        String binding = claimed.getCookie("umbra-link-acme");
        assertTrue(binding.length() >= 43, "256 random bits");

        as(link).cookie("umbra-link-acme", binding).get("/alerts").then().statusCode(200);
        as(link).cookie("umbra-link-acme", binding).get("/alerts/me").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.equalTo("acme-analyst")).body("tenant", org.hamcrest.Matchers.equalTo("acme"));
        assertProblem(as(link).get("/alerts"), 401, "urn:umbra:problem:invalid-token",
                "this sign-in link's token works only in the browser that opened the link", "/alerts");
        assertProblem(as(link).cookie("umbra-link-acme", binding.substring(1) + "A").get("/alerts"), 401,
                "urn:umbra:problem:invalid-token", "this sign-in link's token works only in the browser that opened the link", "/alerts");
        assertProblem(as(link).cookie("umbra-link-acme", binding).post("/alerts/session"), 401, "urn:umbra:problem:invalid-token",
                "this sign-in link was used already: ask for a new one", "/alerts/session");
        // another link is its own: its claim works, and the first link's cookie does not open it
        String second = TestCredentials.issuer().issuePageLink("acme", "acme-analyst", Duration.ofMinutes(5));
        as(second).cookie("umbra-link-acme", binding).get("/alerts").then().statusCode(401);
        // an ordinary token needs no claim: 204 without a cookie, and it goes on working without one
        Response plain = as(TestCredentials.analyst("acme")).post("/alerts/session");
        assertEquals(204, plain.statusCode());
        assertTrue(plain.getHeader("Set-Cookie") == null, "no cookie for an ordinary token");
        as(TestCredentials.analyst("acme")).get("/alerts").then().statusCode(200);
    }

    @Test
    void theLiveStreamEndsWhenItsTokenExpires() {
        // a token valid for 4 more seconds: the stream opens, then closes by itself when the token lapses
        String shortLived = TestCredentials.issuer().issue("acme", "acme-short", Set.of(Roles.ANALYST), Duration.ofSeconds(4));
        long start = System.nanoTime();
        Response stream = as(shortLived).get("/alerts/stream");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(200, stream.statusCode());
        assertTrue(seconds >= 2 && seconds < 30, "the stream ended with the token, after " + seconds + " s");
    }

    @Test
    void withinTheTenantAnotherBanksAlertIdIsJustUnknown() {
        RequestSpecification acme = as(TestCredentials.analyst("acme"));
        // the id bravo's alert for the very same transaction id would have
        UUID bravos = AlertIds.of(TenantId.of("bravo"), "authz-shared-tx");
        Response theirs = acme.get("/alerts/" + bravos);
        UUID nobody = UUID.randomUUID();
        Response nobodys = acme.get("/alerts/" + nobody);
        assertEquals(404, theirs.statusCode());
        assertEquals(404, nobodys.statusCode());
        // the same body but for the path it names as instance
        assertEquals(nobodys.asString().replace(nobody.toString(), "ID"), theirs.asString().replace(bravos.toString(), "ID"));
        assertEquals(nobodys.getHeader("Content-Type"), theirs.getHeader("Content-Type"));
        assertProblem(theirs, 404, "urn:umbra:problem:not-found", "no alert with this id", "/alerts/" + bravos);
    }

    @Test
    void everyOtherRefusalIsAProblemThatSaysWhy() {
        RequestSpecification analyst = as(TestCredentials.analyst("acme"));
        assertProblem(analyst.get("/alerts?status=CLOSED"), 400, "urn:umbra:problem:invalid-request",
                "status must be one of OPEN, ACKNOWLEDGED, RESOLVED", "/alerts");
        // a fresh request: RestAssured keeps the query of the spec's previous call
        assertProblem(as(TestCredentials.analyst("acme")).get("/alerts?from=yesterday"), 400, "urn:umbra:problem:invalid-request",
                "from must be an ISO-8601 instant", "/alerts");
        assertProblem(analyst.get("/alerts/not-an-id"), 404, "urn:umbra:problem:not-found", "no alert with this id", "/alerts/not-an-id");
        assertProblem(analyst.get("/nothing-here"), 404, "urn:umbra:problem:not-found", "no such resource", "/nothing-here");
        // a token of this bank without an alert role: the role it lacks is named
        assertProblem(as(TestCredentials.token("acme", Roles.SUBMITTER)).get("/alerts"), 403, "urn:umbra:problem:missing-role",
                "role analyst or admin required", "/alerts");
        // an unknown alert cannot be moved
        assertProblem(analyst.post("/alerts/" + UUID.randomUUID() + "/resolve"), 404, "urn:umbra:problem:not-found",
                "no alert with this id", null);
    }

    /** An RFC 9457 body: the media type, the members, a detail containing {@code reason}, the request path as instance. */
    private static void assertProblem(Response r, int status, String type, String reason, String instance) {
        assertEquals(status, r.statusCode(), r.asString());
        assertTrue(r.getContentType().startsWith("application/problem+json"), r.getContentType());
        assertEquals(type, r.jsonPath().getString("type"), r.asString());
        assertEquals(status, r.jsonPath().getInt("status"), r.asString());
        assertFalse(r.jsonPath().getString("title").isBlank(), r.asString());
        assertTrue(r.jsonPath().getString("detail").contains(reason), r.asString());
        if (instance != null) {
            assertEquals(instance, r.jsonPath().getString("instance"), r.asString());
        }
        assertFalse(r.asString().contains("Exception") || r.asString().contains("\tat "), "no stack trace: " + r.asString());
    }

    @Test
    void acmesAnalystAndAdminReachAcmesAlerts() {
        RequestSpecification analyst = as(TestCredentials.analyst("acme"));
        List<String> ids = analyst.get("/alerts?limit=500").then().statusCode(200).extract().jsonPath().getList("alerts.alertId");
        assertTrue(ids.contains(existing.toString()), ids.toString());
        RequestSpecification admin = as(TestCredentials.token("acme", Roles.ADMIN));
        assertEquals(existing.toString(), admin.get("/alerts/" + existing).then().statusCode(200).extract().path("alertId"));
        admin.get("/alerts").then().statusCode(200);
    }

    @Test
    void anAnalystAcknowledgesTheirBanksAlert() throws Exception {
        String tx = "authz-ack-" + UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(2);
        byte[] score = new Score(TenantId.of("acme"), tx, "card-authz", 100, "EUR", "m-0045812", 0.99, 4.6, "logreg-fraud", 4,
                t, t.plusMillis(500), t.plusMillis(700), t.plusMillis(800)).toJson();
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("acme.scores", tx.getBytes(StandardCharsets.UTF_8), score)).get(10, TimeUnit.SECONDS);
        }
        UUID id = AlertIds.of(TenantId.of("acme"), tx);
        RequestSpecification analyst = as(TestCredentials.analyst("acme"));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (analyst.get("/alerts/" + id).statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("ACKNOWLEDGED", analyst.post("/alerts/" + id + "/acknowledge").then().statusCode(200).extract().path("status"));
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/").then().statusCode(200);
    }

    @Test
    void theOpenApiDocumentNamesEveryAlertOperationItsTokenAndItsProblemBodies() {
        var doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", org.hamcrest.Matchers.equalTo("Umbra alert-service"))
                .body("components.securitySchemes.bearer.bearerFormat", org.hamcrest.Matchers.equalTo("JWT"));
        for (String op : List.of("'/alerts'.get", "'/alerts/{id}'.get", "'/alerts/{id}/card-transactions'.get", "'/alerts/me'.get",
                "'/alerts/session'.post", "'/alerts/{id}/acknowledge'.post", "'/alerts/{id}/resolve'.post", "'/alerts/stream'.get")) {
            doc.body("paths." + op + ".summary", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()))
                    .body("paths." + op + ".security[0].bearer", org.hamcrest.Matchers.notNullValue())
                    .body("paths." + op + ".responses.'401'.content.'application/problem+json'.schema.$ref",
                            org.hamcrest.Matchers.equalTo("#/components/schemas/Problem"))
                    .body("paths." + op + ".responses.'403'.content.'application/problem+json'.schema.$ref",
                            org.hamcrest.Matchers.equalTo("#/components/schemas/Problem"));
        }
        doc.body("paths.'/alerts/{id}/acknowledge'.post.responses.'409'.content.'application/problem+json'", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/alerts'.get.responses.'200'.content.'application/json'.schema", org.hamcrest.Matchers.notNullValue());
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    private static String status(UUID id) {
        return as(TestCredentials.analyst("acme")).get("/alerts/" + id).then().statusCode(200).extract().path("status");
    }
}
