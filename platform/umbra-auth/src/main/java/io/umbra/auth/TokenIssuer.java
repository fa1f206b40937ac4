package io.umbra.auth;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.jwt.JwkSetConverter;
import com.google.crypto.tink.jwt.JwtEcdsaParameters;
import com.google.crypto.tink.jwt.JwtPublicKeySign;
import com.google.crypto.tink.jwt.JwtSignatureConfig;
import com.google.crypto.tink.jwt.RawJwt;
import io.umbra.files.SecretFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Development and test credentials: ES256 JWTs signed with Tink, bound to one tenant. Never a production
 * identity provider: the private key sits unwrapped in a local file (owner-only), which is acceptable for a
 * laptop run and a test, not for a bank.
 *
 * <p>{@link #createOrLoad(Path, String)} keeps the signing keyset in {@code dir/jwt-signing.keyset} (created
 * once, never overwritten) and writes the public JWK set the services verify with to {@code dir/jwks.json}
 * ({@code UMBRA_JWT_JWKS}). Tokens carry a {@code kid} header equal to the JWK's {@code kid}, so SmallRye JWT
 * picks the key from the set.
 */
public final class TokenIssuer {
    /** The {@code aud} of every Umbra API token; services expect it ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "umbra";
    /** The claim SmallRye JWT maps to roles. */
    public static final String GROUPS_CLAIM = "groups";
    /** The claim that marks a page sign-in link's token ({@link #issuePageLink}); it also carries a {@code jti}. */
    public static final String PAGE_LINK_CLAIM = "umbra_link";
    /** The longest a page sign-in link may work. */
    public static final Duration MAX_PAGE_LINK_LIFETIME = Duration.ofHours(1);
    public static final String KEYSET_FILE = "jwt-signing.keyset";
    public static final String JWKS_FILE = "jwks.json";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    static {
        try {
            JwtSignatureConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String issuer;
    private final Path jwks;
    private final JwtPublicKeySign signer;
    private final Clock clock;

    private TokenIssuer(String issuer, Path jwks, JwtPublicKeySign signer, Clock clock) {
        this.issuer = issuer;
        this.jwks = jwks;
        this.signer = signer;
        this.clock = clock;
    }

    /** The issuer of {@code dir}, creating its key on first use; {@code issuer} becomes every token's {@code iss}. */
    public static TokenIssuer createOrLoad(Path dir, String issuer) {
        return createOrLoad(dir, issuer, Clock.systemUTC());
    }

    /** As {@link #createOrLoad(Path, String)}, with the clock that sets {@code iat} and {@code exp} (tests issue expired tokens with it). */
    public static TokenIssuer createOrLoad(Path dir, String issuer, Clock clock) {
        requirePlain("issuer", issuer);
        Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(dir);
            KeysetHandle keyset = loadOrCreateKeyset(dir.resolve(KEYSET_FILE));
            Path jwks = dir.resolve(JWKS_FILE);
            SecretFiles.replace(jwks, JwkSetConverter.fromPublicKeysetHandle(keyset.getPublicKeysetHandle()).getBytes(StandardCharsets.UTF_8),
                    SecretFiles.PUBLIC_FILE);
            return new TokenIssuer(issuer, jwks, keyset.getPrimitive(RegistryConfiguration.get(), JwtPublicKeySign.class), clock);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JWT signing keyset in " + dir + " is not usable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the JWT signing keyset in " + dir, e);
        }
    }

    /** The public JWK set to give the services ({@code UMBRA_JWT_JWKS}). */
    public Path jwksFile() {
        return jwks;
    }

    public String issuer() {
        return issuer;
    }

    /**
     * A compact JWT for {@code subject} at {@code tenant} with {@code roles} ({@link Roles}), valid for {@code ttl}
     * from now: {@code iss}, {@code sub}, {@code aud=umbra}, {@code iat}, {@code exp}, {@code tenant}, {@code groups}.
     */
    public String issue(String tenant, String subject, Set<String> roles, Duration ttl) {
        return sign(tenant, subject, roles, ttl, false);
    }

    /**
     * An analyst token for a page sign-in link: as {@link #issue} with role analyst, plus a random {@code jti} and
     * {@code umbra_link: true}, at most {@link #MAX_PAGE_LINK_LIFETIME}. A service that honours the mark (the
     * alert-service) lets such a token be claimed once, by one browser, and refuses it from anywhere else.
     */
    public String issuePageLink(String tenant, String subject, Duration ttl) {
        if (ttl.compareTo(MAX_PAGE_LINK_LIFETIME) > 0) {
            throw new IllegalArgumentException("a page link works at most " + MAX_PAGE_LINK_LIFETIME + ", got " + ttl);
        }
        return sign(tenant, subject, Set.of(Roles.ANALYST), ttl, true);
    }

    private String sign(String tenant, String subject, Set<String> roles, Duration ttl, boolean pageLink) {
        requirePlain("tenant", tenant);
        requirePlain("subject", subject);
        if (roles.isEmpty() || !Roles.ALL.containsAll(roles)) {
            throw new IllegalArgumentException("roles must be some of " + Roles.ALL + ", got " + roles);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        // JWT times are whole seconds; truncating here keeps exp - iat exactly the ttl asked for
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // roles and tenant are checked against PLAIN above, so this JSON needs no escaping
        String groups = "[" + String.join(",", new TreeSet<>(roles).stream().map(r -> "\"" + r + "\"").toList()) + "]";
        try {
            RawJwt.Builder builder = RawJwt.newBuilder();
            if (pageLink) {
                builder.setJwtId(java.util.UUID.randomUUID().toString()).addBooleanClaim(PAGE_LINK_CLAIM, true);
            }
            RawJwt jwt = builder
                    .setTypeHeader("JWT")
                    .setIssuer(issuer)
                    .setSubject(subject)
                    .setAudience(AUDIENCE)
                    .setIssuedAt(now)
                    .setExpiration(now.plus(ttl))
                    .addStringClaim(TenantCheck.TENANT_CLAIM, tenant)
                    .addJsonArrayClaim(GROUPS_CLAIM, groups)
                    .build();
            return signer.signAndEncode(jwt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a token: " + e.getMessage(), e);
        }
    }

    private static KeysetHandle loadOrCreateKeyset(Path file) throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            KeysetHandle fresh = KeysetHandle.generateNew(JwtEcdsaParameters.builder()
                    .setAlgorithm(JwtEcdsaParameters.Algorithm.ES256)
                    // the key id goes into each token's kid header and the JWK's kid: how a verifier picks the key
                    .setKidStrategy(JwtEcdsaParameters.KidStrategy.BASE64_ENCODED_KEY_ID)
                    .build());
            // created once, owner-only, never replacing a keyset another process wrote first
            if (SecretFiles.writeOnce(file, TinkJsonProtoKeysetFormat.serializeKeyset(fresh, InsecureSecretKeyAccess.get())
                    .getBytes(StandardCharsets.UTF_8))) {
                return fresh;
            }
            // another process created it meanwhile: use theirs, so every token verifies with one jwks.json
        }
        if (!SecretFiles.isOwnerOnly(file)) {
            throw new IllegalStateException(file + " holds a private signing key but is readable by others; run chmod 600 " + file);
        }
        return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file, StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
    }

    private static void requirePlain(String what, String value) {
        if (value == null || !PLAIN.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-128 characters of letters, digits and ._:@-, got " + value);
        }
    }
}
