package io.umbra.ingest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.umbra.events.features.FeatureVector;
import io.umbra.kafka.local.KafkaLocalTestResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.umbra.ingest.KafkaProbe.text;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The HTTP face: POST /transactions, single and batch, and what it refuses. Accepted items must reach tx.features through Kafka. */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics", value = KafkaProbe.TOPICS))
@QuarkusTestResource(TestCredentials.class)
class TransactionResourceTest {
    private static final String SUBMITTER = TestCredentials.submitter("acme");

    @Test
    void onlyASubmitterOfThisBankMaySubmitAndEachRefusalSaysWhy() {
        String body = Transactions.posDomestic(Transactions.freshId("http-auth"));
        String expired = io.umbra.auth.TokenIssuer.createOrLoad(TestCredentials.DIR, TestCredentials.ISSUER,
                        java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-2)))
                .issue("acme", "acme-late", java.util.Set.of(io.umbra.auth.Roles.SUBMITTER), Duration.ofHours(1));

        ValidatableResponse none = problem(given().contentType(ContentType.JSON).body(body).post("/transactions"),
                401, "urn:umbra:problem:no-token", "no bearer token");
        none.header("WWW-Authenticate", equalTo("Bearer"));
        problem(given().header("Authorization", "Bearer not.a.token").contentType(ContentType.JSON).body(body).post("/transactions"),
                401, "urn:umbra:problem:invalid-token", "token not accepted")
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
        problem(given().auth().oauth2(expired).contentType(ContentType.JSON).body(body).post("/transactions"),
                401, "urn:umbra:problem:invalid-token", "token expired")
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
        problem(given().header("Authorization", "Bearer " + TestCredentials.token("acme", io.umbra.auth.Roles.ANALYST))
                .contentType(ContentType.JSON).body(body).post("/transactions"), 403, "urn:umbra:problem:missing-role", "role submitter required");
        problem(given().header("Authorization", TestCredentials.submitter("globex"))
                .contentType(ContentType.JSON).body(body).post("/transactions"),
                403, "urn:umbra:problem:wrong-tenant", "token issued for tenant globex, this is acme");
        given().get("/q/health/live").then().statusCode(200); // probes need no token
    }

    @Test
    void theHttpLayersOwnRefusalsAreProblemsToo() {
        problem(given().header("Authorization", SUBMITTER).contentType(ContentType.TEXT).body("hello").post("/transactions"),
                415, "about:blank", "send application/json");
        problem(given().header("Authorization", SUBMITTER).get("/transactions/nope"), 404, "urn:umbra:problem:not-found", "no such resource");
        problem(given().get("/schema/no-such-schema"), 404, "urn:umbra:problem:not-found", "no such resource");
    }

    /** An RFC 9457 body with this status, type, a detail containing {@code reason}, and the path as instance. */
    private static ValidatableResponse problem(Response r, int status, String type, String reason) {
        return r.then().statusCode(status).contentType(startsWith("application/problem+json"))
                .body("type", equalTo(type)).body("status", equalTo(status)).body("title", not(emptyOrNullString()))
                .body("detail", containsString(reason)).body("instance", startsWith("/"))
                .body(not(containsString("Exception")));
    }

    @Test
    void theRawTransactionSchemaIsServedWithoutAToken() {
        byte[] served = given().accept("application/schema+json").get("/schema/raw-transaction")
                .then().statusCode(200).contentType("application/schema+json")
                .extract().asByteArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(io.umbra.events.tx.RawTransactionSchema.bytes(), served);
        given().get("/schema/raw-transaction").then().statusCode(200)
                .body("title", equalTo("Umbra raw transaction, schema version 1"))
                .body("required", org.hamcrest.Matchers.hasItems("transactionId", "cardId", "timestamp"));
    }

    @Test
    void aSingleValidTransactionIsAcceptedAndBecomesAFeatureVector() {
        String id = Transactions.freshId("http-single");
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body(Transactions.posDomestic(id))
                .post("/transactions")
                .then().statusCode(202)
                .body("accepted", equalTo(1)).body("rejected", equalTo(0))
                .body("results[0].status", equalTo("accepted"))
                .body("results[0].transactionId", equalTo(id));

        Map<String, ConsumerRecord<byte[], byte[]>> out = IngestPipelineTest.features(List.of(id));
        assertEquals("card-3f9a0c71", text(out.get(id).key()));
        assertEquals(4250, FeatureVector.fromJson(out.get(id).value()).amountMinor());
    }

    @Test
    void aBatchReportsEachItemAndDuplicatesInItBecomeOneVector() {
        String a = Transactions.freshId("http-a");
        String b = Transactions.freshId("http-b");
        String negative = Transactions.posDomestic(Transactions.freshId("http-neg")).replace("4250", "-4250");
        String body = "[" + String.join(",", Transactions.posDomestic(a), negative, Transactions.atm(b, "card-http"),
                Transactions.posDomestic(a), "42") + "]";

        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body(body)
                .post("/transactions")
                .then().statusCode(202)
                .body("accepted", equalTo(3)).body("rejected", equalTo(2)).body("failed", equalTo(0))
                .body("results.status", contains("accepted", "rejected", "accepted", "accepted", "rejected"))
                .body("results[1].reasons", contains("NEGATIVE_AMOUNT"))
                .body("results[1].detail", containsString("amountMinor"))
                .body("results[1].transactionId", nullValue())
                .body("results[4].reasons", contains("MALFORMED_JSON"))
                .body("results[2].transactionId", equalTo(b));

        IngestPipelineTest.features(List.of(a, b));
        List<ConsumerRecord<byte[], byte[]>> all = KafkaProbe.readUntil(KafkaProbe.FEATURES, read -> false, Duration.ofSeconds(2));
        assertEquals(1, IngestPipelineTest.count(all, a), "the same transaction twice in a batch: one vector");
    }

    @Test
    void aBatchWithNothingValidIs400WithTheReasons() {
        String missingCard = Transactions.posDomestic("x-1").replace("\"cardId\":\"card-3f9a0c71\",", "");
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body("[" + missingCard + ",{\"schemaVersion\":2}]")
                .post("/transactions")
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:umbra:problem:invalid-request")).body("instance", equalTo("/transactions"))
                .body("detail", containsString("no transaction in the request is valid"))
                .body("accepted", equalTo(0)).body("rejected", equalTo(2))
                .body("results[0].reasons", contains("MISSING_FIELD"))
                .body("results[1].reasons", contains("UNSUPPORTED_SCHEMA_VERSION"));
    }

    @Test
    void theOpenApiDocumentDescribesTheApiItsTokenAndItsProblemBodies() {
        String post = "paths.'/transactions'.post";
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("Umbra ingest-service"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.schemas.Problem.required", contains("type", "title", "status", "detail"))
                .body(post + ".security[0].bearer", org.hamcrest.Matchers.notNullValue())
                .body(post + ".responses.'202'", org.hamcrest.Matchers.notNullValue())
                .body(post + ".responses.'401'.content.'application/problem+json'.schema.$ref", equalTo("#/components/schemas/Problem"))
                .body(post + ".responses.'403'.content.'application/problem+json'.schema.$ref", equalTo("#/components/schemas/Problem"))
                .body(post + ".responses.'503'.content.'application/problem+json'", org.hamcrest.Matchers.notNullValue())
                // the schema is public: no token asked for
                .body("paths.'/schema/raw-transaction'.get.security", nullValue())
                .body("paths.'/schema/raw-transaction'.get.responses.'401'", nullValue());
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void aBodyThatIsNotATransactionOrABatchIs400() {
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body("{\"schemaVersion\": 1,").post("/transactions")
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:umbra:problem:invalid-request")).body("instance", equalTo("/transactions"))
                .body("detail", not(emptyOrNullString())).body("error", equalTo("MALFORMED_JSON"));
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body("\"just a string\"").post("/transactions")
                .then().statusCode(400).body("error", equalTo("MALFORMED_JSON"));
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body("[]").post("/transactions")
                .then().statusCode(400).body("error", equalTo("EMPTY_BATCH"));
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body(new byte[] {(byte) 0xff, 0x00, 0x13}).post("/transactions")
                .then().statusCode(400).body("error", equalTo("MALFORMED_JSON"));
    }

    @Test
    void tooManyItemsOrTooManyBytesIs413() {
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body("[" + "1,".repeat(1000) + "1]").post("/transactions")
                .then().statusCode(413).contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:umbra:problem:too-large")).body("status", equalTo(413))
                .body("detail", containsString("more than the")).body("error", equalTo("TOO_MANY_TRANSACTIONS"));
        given().header("Authorization", SUBMITTER).contentType(ContentType.JSON).body("[\"" + "x".repeat(1 << 20) + "\"]").post("/transactions")
                .then().statusCode(413);
    }
}
