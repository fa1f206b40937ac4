package io.umbra.alert;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.umbra.kafka.local.KafkaLocalTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * A service started without UMBRA_JWT_JWKS is closed: every API call is 401, even with a token that the
 * configured issuer would accept; health still answers. (Its own app start: the test credentials are left out.)
 */
@QuarkusTest
@TestProfile(NoVerificationKeyTest.WithoutJwks.class)
class NoVerificationKeyTest {
    public static class WithoutJwks implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaLocalTestResource.class, Map.of("topics", "acme.scores:2,acme.alerts:2,acme.alert.dlq")));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // the issuer name matches, so only the missing key can be the reason for refusing
            return Map.of("mp.jwt.verify.issuer", TestCredentials.ISSUER);
        }
    }

    @Test
    void everyApiCallIsRefusedAndHealthStillAnswers() {
        String token = TestCredentials.analyst("acme");
        given().auth().oauth2(token).get("/alerts").then().statusCode(401);
        given().auth().oauth2(token).get("/alerts/" + UUID.randomUUID()).then().statusCode(401);
        given().auth().oauth2(token).post("/alerts/" + UUID.randomUUID() + "/acknowledge").then().statusCode(401);
        given().get("/alerts").then().statusCode(401);
        given().get("/q/health/live").then().statusCode(200);
    }
}
