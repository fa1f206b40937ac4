package io.umbra.alert;

import io.umbra.auth.Problem;
import io.umbra.auth.ProblemMappers;
import io.umbra.auth.TenantScoped;
import io.umbra.auth.TokenIssuer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time page sign-in links ({@code ./umbra local} prints them; umbra-auth's {@code TokenIssuer.issuePageLink}):
 * a link's token carries {@code umbra_link: true} and its own {@code jti}. The page claims it once with
 * {@code POST /alerts/session}, which binds it to that browser with a random value in an HttpOnly, SameSite=Strict
 * cookie; from then on the token is accepted only together with that cookie, and a second claim is refused. So a
 * link copied from a terminal's scrollback or shell history after it was opened is worth nothing, and the token
 * alone, lifted from the tab, does not work from elsewhere. Ordinary tokens (an identity provider's, the 12 h
 * development files) are not affected.
 *
 * <p>Claims live in this instance's memory until the token's end, at most {@value #MAX_CLAIMS} at once: a link is a
 * local-run convenience for one instance per bank, not a production sign-in (that is OIDC, docs/SECURITY.md).
 */
@ApplicationScoped
public class PageLinks {
    static final int MAX_CLAIMS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Claim(byte[] binding, Instant expires) {
    }

    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final String cookie;
    private final Clock clock;

    public PageLinks(@ConfigProperty(name = "umbra.tenant") String tenant, Clock clock) {
        this.cookie = "umbra-link-" + tenant;
        this.clock = clock;
    }

    /** The cookie that binds a claimed link to its browser; named by tenant, since cookies do not tell ports apart. */
    String cookieName() {
        return cookie;
    }

    static boolean isLink(JsonWebToken jwt) {
        Object mark = jwt.getClaim(TokenIssuer.PAGE_LINK_CLAIM);
        return mark == JsonValue.TRUE || Boolean.TRUE.equals(mark);
    }

    /** Claims the link {@code jwt} for one browser: the binding value to set as its cookie, or empty when it was claimed before. */
    Optional<String> claim(JsonWebToken jwt) {
        Instant now = clock.instant();
        claims.values().removeIf(c -> c.expires().isBefore(now));
        String id = jwt.getTokenID();
        if (id == null || id.isBlank() || claims.size() >= MAX_CLAIMS) {
            return Optional.empty();
        }
        byte[] binding = new byte[32];
        RANDOM.nextBytes(binding);
        Claim mine = new Claim(binding, Instant.ofEpochSecond(jwt.getExpirationTime()));
        if (claims.putIfAbsent(id, mine) != null) {
            return Optional.empty();
        }
        return Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(binding));
    }

    /** Whether {@code value} is the binding of the claimed link {@code jwt}. */
    boolean bound(JsonWebToken jwt, String value) {
        Claim c = jwt.getTokenID() == null ? null : claims.get(jwt.getTokenID());
        if (c == null || value == null) {
            return false;
        }
        return MessageDigest.isEqual(c.binding(), decode(value));
    }

    private static byte[] decode(String value) {
        try {
            return Base64.getUrlDecoder().decode(value.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /**
     * Refuses a link's token that comes without its browser's binding, on every call but the claim itself. Runs after
     * umbra-auth's tenant check, so another bank's token never gets this far.
     */
    @Provider
    @TenantScoped
    @Priority(Priorities.AUTHORIZATION + 10)
    public static class Check implements ContainerRequestFilter {
        private final PageLinks links;

        @jakarta.inject.Inject
        public Check(PageLinks links) {
            this.links = links;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (!(request.getSecurityContext() != null && request.getSecurityContext().getUserPrincipal() instanceof JsonWebToken jwt)
                    || !isLink(jwt)) {
                return;
            }
            if ("POST".equals(request.getMethod()) && request.getUriInfo().getPath().endsWith("alerts/session")) {
                return;
            }
            Cookie binding = request.getCookies().get(links.cookieName());
            if (!links.bound(jwt, binding == null ? null : binding.getValue())) {
                request.abortWith(Problem.unauthorized(Problem.INVALID_TOKEN,
                        "this sign-in link's token works only in the browser that opened the link",
                        ProblemMappers.instance(request.getUriInfo())));
            }
        }
    }
}
