package io.umbra.auth;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.jwt.JwkSetConverter;
import com.google.crypto.tink.jwt.JwtInvalidException;
import com.google.crypto.tink.jwt.JwtPublicKeyVerify;
import com.google.crypto.tink.jwt.JwtValidator;
import com.google.crypto.tink.jwt.VerifiedJwt;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenIssuerTest {
    private static final String ISSUER = "umbra-local";

    @TempDir
    Path dir;

    @Test
    void aTokenVerifiesWithTinkFromThePublishedJwkSet() throws Exception {
        TokenIssuer issuer = TokenIssuer.createOrLoad(dir, ISSUER);
        String token = issuer.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1));

        VerifiedJwt jwt = tinkVerifier(issuer.jwksFile()).verifyAndDecode(token, validator());
        assertEquals("ana", jwt.getSubject());
        assertEquals(ISSUER, jwt.getIssuer());
        assertEquals(List.of("umbra"), jwt.getAudiences());
        assertEquals("acme", jwt.getStringClaim("tenant"));
        assertEquals("[\"analyst\"]", jwt.getJsonArrayClaim("groups"));
        assertEquals(Duration.ofHours(1), Duration.between(jwt.getIssuedAt(), jwt.getExpiration()));

        // the header's kid names the one key of the JWK set: how SmallRye (and any JOSE library) picks it
        String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        String kid = field(header, "kid");
        assertNotNull(kid, header);
        assertEquals(kid, field(Files.readString(issuer.jwksFile()), "kid"));
        assertEquals("ES256", field(header, "alg"));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        TokenIssuer past = TokenIssuer.createOrLoad(dir, ISSUER, twoHoursAgo);
        String expired = past.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1));
        JwtInvalidException e = assertThrows(JwtInvalidException.class,
                () -> tinkVerifier(past.jwksFile()).verifyAndDecode(expired, validator()));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void aTokenOfAnotherKeyIsRefused() throws Exception {
        TokenIssuer ours = TokenIssuer.createOrLoad(dir.resolve("ours"), ISSUER);
        TokenIssuer theirs = TokenIssuer.createOrLoad(dir.resolve("theirs"), ISSUER);
        String forged = theirs.issue("acme", "mallory", Set.of(Roles.ADMIN), Duration.ofHours(1));
        assertThrows(GeneralSecurityException.class, () -> tinkVerifier(ours.jwksFile()).verifyAndDecode(forged, validator()));
    }

    @Test
    void theKeysetIsOwnerOnlyAndReusedOnTheSecondCall() throws Exception {
        TokenIssuer first = TokenIssuer.createOrLoad(dir, ISSUER);
        Path keyset = dir.resolve(TokenIssuer.KEYSET_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyset)));
        byte[] before = Files.readAllBytes(keyset);
        String jwksBefore = Files.readString(first.jwksFile());
        String token = first.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1));

        TokenIssuer second = TokenIssuer.createOrLoad(dir, ISSUER);
        assertArrayEquals(before, Files.readAllBytes(keyset), "the signing keyset is never overwritten");
        assertEquals(jwksBefore, Files.readString(second.jwksFile()));
        // a token of the first run still verifies, and the second signs with the same key
        tinkVerifier(second.jwksFile()).verifyAndDecode(token, validator());
        tinkVerifier(first.jwksFile()).verifyAndDecode(second.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1)), validator());
        try (var files = Files.list(dir)) {
            assertEquals(Set.of(TokenIssuer.KEYSET_FILE, TokenIssuer.JWKS_FILE),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()), "no temporary file left behind");
        }
    }

    @Test
    void aKeysetReadableByOthersIsRefused() throws Exception {
        TokenIssuer.createOrLoad(dir, ISSUER);
        Files.setPosixFilePermissions(dir.resolve(TokenIssuer.KEYSET_FILE), PosixFilePermissions.fromString("rw-r--r--"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TokenIssuer.createOrLoad(dir, ISSUER));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void whatCannotBeATokenIsRefusedBeforeSigning() {
        TokenIssuer issuer = TokenIssuer.createOrLoad(dir, ISSUER);
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("acme", "ana", Set.of("root"), Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("acme", "ana", Set.of(), Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("ac\"me", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> issuer.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ZERO));
    }

    // --- the services' verifier: SmallRye JWT, configured as alert-service configures it ---

    @Test
    void smallRyeJwtAcceptsTheTokenAndSeesTenantAndRoles() throws Exception {
        TokenIssuer issuer = TokenIssuer.createOrLoad(dir, ISSUER);
        String token = issuer.issue("acme", "boss", Set.of(Roles.ADMIN, Roles.ANALYST), Duration.ofHours(1));
        JsonWebToken jwt = smallRye(issuer.jwksFile().toString()).parse(token);
        assertEquals("boss", jwt.getName());
        assertEquals(Set.of("admin", "analyst"), jwt.getGroups());
        assertEquals("acme", TenantCheck.tenantOf(jwt));
    }

    @Test
    void aPageLinkIsAnAnalystTokenWithItsOwnIdAndTheMark() throws Exception {
        TokenIssuer issuer = TokenIssuer.createOrLoad(dir, ISSUER);
        DefaultJWTParser parser = smallRye(issuer.jwksFile().toString());
        JsonWebToken link = parser.parse(issuer.issuePageLink("acme", "acme-analyst", Duration.ofMinutes(30)));
        JsonWebToken other = parser.parse(issuer.issuePageLink("acme", "acme-analyst", Duration.ofMinutes(30)));
        assertEquals(Set.of("analyst"), link.getGroups());
        assertEquals("acme", TenantCheck.tenantOf(link));
        assertEquals(1800, link.getExpirationTime() - link.getIssuedAtTime());
        assertTrue(link.getTokenID() != null && !link.getTokenID().equals(other.getTokenID()), "each link its own id");
        Object mark = link.getClaim(TokenIssuer.PAGE_LINK_CLAIM);
        assertEquals("true", String.valueOf(mark));
        JsonWebToken plain = parser.parse(issuer.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1)));
        assertTrue(plain.getClaim(TokenIssuer.PAGE_LINK_CLAIM) == null, "an ordinary token is no link");
        assertThrows(IllegalArgumentException.class, () -> issuer.issuePageLink("acme", "ana", Duration.ofMinutes(61)));
    }

    @Test
    void smallRyeJwtPicksTheKeyByKidFromASetOfSeveral() throws Exception {
        TokenIssuer first = TokenIssuer.createOrLoad(dir.resolve("first"), ISSUER);
        TokenIssuer second = TokenIssuer.createOrLoad(dir.resolve("second"), ISSUER);
        String a = Files.readString(first.jwksFile());
        String b = Files.readString(second.jwksFile());
        // {"keys":[A]} + {"keys":[B]} -> {"keys":[A,B]}: a set as an identity provider publishes it during a rotation
        Path both = dir.resolve("both.json");
        Files.writeString(both, a.substring(0, a.lastIndexOf(']')) + "," + b.substring(b.indexOf('[') + 1));
        DefaultJWTParser parser = smallRye(both.toString());
        assertEquals("acme", TenantCheck.tenantOf(parser.parse(first.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1)))));
        assertEquals("bravo", TenantCheck.tenantOf(parser.parse(second.issue("bravo", "bob", Set.of(Roles.ANALYST), Duration.ofHours(1)))));
    }

    @Test
    void smallRyeJwtRefusesExpiredForeignAndUnverifiableTokens() {
        TokenIssuer issuer = TokenIssuer.createOrLoad(dir.resolve("ours"), ISSUER);
        DefaultJWTParser parser = smallRye(issuer.jwksFile().toString());
        TokenIssuer past = TokenIssuer.createOrLoad(dir.resolve("ours"), ISSUER,
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertThrows(ParseException.class, () -> parser.parse(past.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1))));
        TokenIssuer theirs = TokenIssuer.createOrLoad(dir.resolve("theirs"), ISSUER);
        assertThrows(ParseException.class, () -> parser.parse(theirs.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1))));
        TokenIssuer otherName = TokenIssuer.createOrLoad(dir.resolve("ours"), "somebody-else");
        assertThrows(ParseException.class, () -> parser.parse(otherName.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1))));

        // the default of a service without UMBRA_JWT_JWKS: an empty key set verifies nothing
        String good = issuer.issue("acme", "ana", Set.of(Roles.ANALYST), Duration.ofHours(1));
        assertThrows(ParseException.class, () -> smallRye(VerificationKeyCheck.NO_KEY_LOCATION).parse(good));
    }

    @Test
    void aServiceWithoutAKeyLocationIsToldSo() throws Exception {
        assertTrue(VerificationKeyCheck.problem(Optional.empty()).isPresent());
        assertTrue(VerificationKeyCheck.problem(Optional.of(VerificationKeyCheck.NO_KEY_LOCATION)).orElseThrow().contains("UMBRA_JWT_JWKS"));
        assertTrue(VerificationKeyCheck.problem(Optional.of(dir.resolve("missing.json").toString())).isPresent());
        TokenIssuer issuer = TokenIssuer.createOrLoad(dir, ISSUER);
        assertEquals(Optional.empty(), VerificationKeyCheck.problem(Optional.of(issuer.jwksFile().toString())));
        assertEquals(Optional.empty(), VerificationKeyCheck.problem(Optional.of("https://idp.bank.example/jwks")));
    }

    private static DefaultJWTParser smallRye(String keyLocation) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(keyLocation, ISSUER);
        info.setExpectedAudience(Set.of(TokenIssuer.AUDIENCE));
        // MicroProfile JWT's default is RS256: a service must set mp.jwt.verify.publickey.algorithm=ES256 too
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.ES256));
        return new DefaultJWTParser(info);
    }

    private static JwtPublicKeyVerify tinkVerifier(Path jwks) throws Exception {
        KeysetHandle keys = JwkSetConverter.toPublicKeysetHandle(Files.readString(jwks));
        return keys.getPrimitive(RegistryConfiguration.get(), JwtPublicKeyVerify.class);
    }

    private static JwtValidator validator() {
        return JwtValidator.newBuilder().expectIssuer(ISSUER).expectAudience(TokenIssuer.AUDIENCE).expectTypeHeader("JWT").build();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
