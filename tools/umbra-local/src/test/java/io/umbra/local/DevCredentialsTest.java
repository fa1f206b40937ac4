package io.umbra.local;

import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.jwt.JwkSetConverter;
import com.google.crypto.tink.jwt.JwtPublicKeyVerify;
import com.google.crypto.tink.jwt.JwtValidator;
import com.google.crypto.tink.jwt.VerifiedJwt;
import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevCredentialsTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @TempDir
    Path run;

    @Test
    void eachTenantGetsAnOwnerOnlyAnalystAndAdminTokenThatTheServicesKeySetVerifies() throws Exception {
        Path dir = run.resolve("credentials");
        DevCredentials credentials = DevCredentials.create(dir, List.of(ACME, GLOBEX));

        assertEquals(Map.of("UMBRA_JWT_JWKS", dir.resolve("jwks.json").toString(), "UMBRA_JWT_ISSUER", "umbra-local"),
                credentials.serviceEnv());
        JwtPublicKeyVerify verifier = JwkSetConverter.toPublicKeysetHandle(Files.readString(credentials.jwksFile()))
                .getPrimitive(RegistryConfiguration.get(), JwtPublicKeyVerify.class);
        JwtValidator validator = JwtValidator.newBuilder().expectIssuer("umbra-local").expectAudience("umbra").expectTypeHeader("JWT").build();
        for (TenantId t : List.of(ACME, GLOBEX)) {
            assertEquals(dir.resolve(t.value() + "-analyst.jwt"), credentials.analystToken(t));
            assertEquals(dir.resolve(t.value() + "-admin.jwt"), credentials.adminToken(t));
            for (Path file : List.of(credentials.analystToken(t), credentials.adminToken(t))) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
            }
            VerifiedJwt analyst = verifier.verifyAndDecode(credentials.analystBearer(t), validator);
            assertEquals(t.value(), analyst.getStringClaim("tenant"));
            assertEquals("[\"analyst\"]", analyst.getJsonArrayClaim("groups"));
            assertEquals(Duration.ofHours(12), Duration.between(analyst.getIssuedAt(), analyst.getExpiration()));
            VerifiedJwt admin = verifier.verifyAndDecode(Files.readString(credentials.adminToken(t)).trim(), validator);
            assertEquals("[\"admin\"]", admin.getJsonArrayClaim("groups"));
        }
        assertThrows(IllegalArgumentException.class, () -> credentials.analystToken(TenantId.of("initech")));

        // the alert page's sign-in link: the page's URL, the token in the fragment, an analyst's, short-lived
        String link = credentials.pageLink(ACME, "http://localhost:8085/");
        assertTrue(link.startsWith("http://localhost:8085/#login="), link.substring(0, 30));
        VerifiedJwt linked = verifier.verifyAndDecode(link.substring(link.indexOf("#login=") + 7), validator);
        assertEquals("acme", linked.getStringClaim("tenant"));
        assertEquals("[\"analyst\"]", linked.getJsonArrayClaim("groups"));
        assertEquals(Duration.ofMinutes(30), Duration.between(linked.getIssuedAt(), linked.getExpiration()));
        assertTrue(linked.getBooleanClaim("umbra_link") && linked.hasJwtId(), "marked as a one-time page link, with its own id");
        assertThrows(IllegalArgumentException.class, () -> credentials.pageLink(TenantId.of("initech"), "http://localhost:8085/"));
    }

    @Test
    void aSecondRunKeepsTheSigningKeyAndIssuesFreshTokens() throws Exception {
        Path dir = run.resolve("credentials");
        DevCredentials first = DevCredentials.create(dir, List.of(ACME));
        String jwks = Files.readString(first.jwksFile());
        String token = first.analystBearer(ACME);
        Thread.sleep(1100); // tokens carry whole seconds: a new iat makes a new token
        DevCredentials second = DevCredentials.create(dir, List.of(ACME));
        assertEquals(jwks, Files.readString(second.jwksFile()), "same key: tokens handed out earlier still work");
        assertNotEquals(token, second.analystBearer(ACME));
    }
}
