package io.umbra.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.umbra.auth.Problem;
import io.umbra.auth.Roles;
import io.umbra.auth.TenantScoped;
import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * Every HTTP entry point of the service, in one class so that securing it is one change in one place: each call
 * needs a JWT of this tenant ({@link TenantScoped}, else 403 before anything is looked up) with the analyst or
 * admin role, else 401/403. The live page itself is static (META-INF/resources) and only calls these.
 *
 * <ul>
 *   <li>{@code GET /alerts?status=&minScore=&from=&to=&limit=&cursor=}: newest first, filtered, paged by cursor</li>
 *   <li>{@code GET /alerts/{id}}: one alert, 404 when unknown</li>
 *   <li>{@code GET /alerts/{id}/card-transactions?limit=}: the alert's card's recent transactions as this bank knows them</li>
 *   <li>{@code GET /alerts/me}: who the token says the caller is (for the page's header)</li>
 *   <li>{@code POST /alerts/session}: claims a page sign-in link's token for this browser, once ({@link PageLinks})</li>
 *   <li>{@code POST /alerts/{id}/acknowledge}, {@code POST /alerts/{id}/resolve}: body optional {@code {"note": "..."}};
 *       409 when the alert's status does not allow the move</li>
 *   <li>{@code GET /alerts/stream}: Server-Sent Events, one JSON alert per event, as versions land in the store</li>
 * </ul>
 */
@Path("/alerts")
@Tag(name = "alerts", description = "the bank's fraud alerts, for its analysts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ANALYST, Roles.ADMIN})
@TenantScoped
public class AlertResource {
    private final AlertStore store;
    private final AlertTransitions transitions;
    private final AlertFeed feed;
    private final CardHistory cards;
    private final PageLinks links;
    private final ObjectMapper json;

    @jakarta.ws.rs.core.Context
    UriInfo uri;

    public AlertResource(AlertStore store, AlertTransitions transitions, AlertFeed feed, CardHistory cards, PageLinks links,
                         ObjectMapper json) {
        this.store = store;
        this.links = links;
        this.cards = cards;
        this.transitions = transitions;
        this.feed = feed;
        this.json = json;
    }

    /** The optional body of acknowledge and resolve. */
    public record ChangeRequest(String note) {
    }

    @GET
    @Operation(summary = "The bank's alerts, newest first, filtered and paged", description = "status OPEN|ACKNOWLEDGED|RESOLVED, minScore, from/to (ISO-8601), limit; the answer's cursor fetches the next page")
    @APIResponse(responseCode = "200", description = "one page of alerts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AlertPage.class)))
    @APIResponse(responseCode = "400", description = "a filter that does not parse (status, instant, limit, cursor)")
    @APIResponse(responseCode = "503", description = "the alert store is restoring; retry (Retry-After)")
    @Blocking
    public AlertPage list(@QueryParam("status") String status, @QueryParam("minScore") Double minScore,
                          @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") Integer limit,
                          @QueryParam("cursor") String cursor) {
        AlertQuery query = new AlertQuery(
                Optional.ofNullable(status).filter(s -> !s.isBlank()).map(AlertResource::status),
                minScore == null ? 0 : minScore,
                Optional.ofNullable(from).filter(s -> !s.isBlank()).map(s -> instant("from", s)),
                Optional.ofNullable(to).filter(s -> !s.isBlank()).map(s -> instant("to", s)),
                limit == null ? AlertQuery.DEFAULT_LIMIT : limit,
                Optional.ofNullable(cursor).filter(s -> !s.isBlank()).map(AlertQuery.Cursor::decode));
        return store.list(query);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One alert: transaction, rule, score, status, who moved it and when")
    @APIResponse(responseCode = "200", description = "the alert",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Alert.class)))
    @APIResponse(responseCode = "404", description = "no alert with this id in this bank")
    @Blocking
    public Response get(@PathParam("id") String id) {
        return alertId(id).flatMap(store::find)
                .map(a -> Response.ok(a).build())
                .orElseGet(() -> notFound(id));
    }

    /** The card's recent transactions (newest first), with the alert's own among them while it is within the retention. */
    @GET
    @Path("{id}/card-transactions")
    @Operation(summary = "The alerted card's recent transactions, as the bank knows them", description = "Newest first, from this bank's own decrypted scores; complete says whether this instance holds every partition")
    @APIResponse(responseCode = "200", description = "the card's recent transactions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CardHistory.Answer.class)))
    @APIResponse(responseCode = "404", description = "no alert with this id in this bank")
    @Blocking
    public Response cardTransactions(@PathParam("id") String id, @QueryParam("limit") Integer limit) {
        return alertId(id).flatMap(store::find)
                .map(a -> Response.ok(cards.recent(a.cardId(), limit == null ? CardHistory.DEFAULT_LIMIT : limit)).build())
                .orElseGet(() -> notFound(id));
    }

    /** The caller as the verified token names them: name (as for who moved an alert), tenant, roles and when the token ends. Nothing else of the token. */
    public record Caller(String name, String tenant, java.util.Set<String> roles, Instant expiresAt) {
    }

    @GET
    @Path("me")
    @Operation(summary = "Who the token says the caller is", description = "name, tenant, roles and expiry: nothing else of the token")
    @APIResponse(responseCode = "200", description = "the caller",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Caller.class)))
    public Caller me(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        String name = caller(security).orElse("(unnamed)");
        if (security.getUserPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken jwt) {
            Object tenant = jwt.getClaim("tenant");
            String t = tenant instanceof jakarta.json.JsonString s ? s.getString() : tenant instanceof String s ? s : null;
            return new Caller(name, t, jwt.getGroups(),
                    jwt.getExpirationTime() > 0 ? Instant.ofEpochSecond(jwt.getExpirationTime()) : null);
        }
        return new Caller(name, null, java.util.Set.of(), null);
    }

    /**
     * Claims a sign-in link's token for the browser that calls: 204 with the binding cookie (HttpOnly,
     * SameSite=Strict, until the token ends); 401 when the link was claimed before. Any other token: 204, nothing set.
     */
    @POST
    @Path("session")
    @Operation(summary = "Claim a sign-in link for this browser", description = "Once per link: binds the link's token to an HttpOnly, SameSite=Strict cookie; other tokens: nothing happens")
    @APIResponse(responseCode = "204", description = "claimed (a link) or nothing to claim (another token)")
    @APIResponse(responseCode = "401", description = "the link was claimed before: ask for a new one")
    @Consumes(MediaType.WILDCARD)
    public Response claimSession(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        if (!(security.getUserPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken jwt) || !PageLinks.isLink(jwt)) {
            return Response.noContent().build();
        }
        Optional<String> binding = links.claim(jwt);
        if (binding.isEmpty()) {
            return Problem.unauthorized(Problem.INVALID_TOKEN, "this sign-in link was used already: ask for a new one", path());
        }
        long seconds = Math.max(1, jwt.getExpirationTime() - Instant.now().getEpochSecond());
        return Response.noContent().cookie(new jakarta.ws.rs.core.NewCookie.Builder(links.cookieName()).value(binding.get()).path("/")
                .httpOnly(true).sameSite(jakarta.ws.rs.core.NewCookie.SameSite.STRICT).maxAge((int) Math.min(seconds, Integer.MAX_VALUE))
                .secure("https".equals(uri.getRequestUri().getScheme())).build()).build();
    }

    @POST
    @Path("{id}/acknowledge")
    @Operation(summary = "Acknowledge an open alert", description = "Optional body {\"note\": ...}; who and when are recorded from the token")
    @APIResponse(responseCode = "200", description = "the alert, acknowledged",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Alert.class)))
    @APIResponse(responseCode = "400", description = "a note that is too long or not JSON")
    @APIResponse(responseCode = "404", description = "no alert with this id in this bank")
    @APIResponse(responseCode = "409", description = "the alert's status does not allow it")
    @APIResponse(responseCode = "503", description = "the broker did not take the change in time; retry")
    @Consumes(MediaType.WILDCARD)
    @Blocking
    public Response acknowledge(@PathParam("id") String id, String body,
                                @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) throws InterruptedException {
        return move(id, AlertStatus.ACKNOWLEDGED, body, caller(security));
    }

    @POST
    @Path("{id}/resolve")
    @Operation(summary = "Resolve an open or acknowledged alert", description = "Optional body {\"note\": ...}; who and when are recorded from the token")
    @APIResponse(responseCode = "200", description = "the alert, resolved",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Alert.class)))
    @APIResponse(responseCode = "400", description = "a note that is too long or not JSON")
    @APIResponse(responseCode = "404", description = "no alert with this id in this bank")
    @APIResponse(responseCode = "409", description = "the alert's status does not allow it")
    @APIResponse(responseCode = "503", description = "the broker did not take the change in time; retry")
    @Consumes(MediaType.WILDCARD)
    @Blocking
    public Response resolve(@PathParam("id") String id, String body,
                            @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) throws InterruptedException {
        return move(id, AlertStatus.RESOLVED, body, caller(security));
    }

    /**
     * Who is calling, as the token names them (MicroProfile JWT's name: {@code upn}, else {@code preferred_username},
     * else {@code sub}), cut to what an alert may carry.
     */
    private static Optional<String> caller(jakarta.ws.rs.core.SecurityContext security) {
        java.security.Principal p = security == null ? null : security.getUserPrincipal();
        String name = p == null ? null : p.getName();
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String clean = name.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.isEmpty() ? Optional.empty()
                : Optional.of(clean.length() > Alert.MAX_ACTOR_CHARS ? clean.substring(0, Alert.MAX_ACTOR_CHARS) : clean);
    }

    @GET
    @Path("stream")
    @Operation(summary = "Live alerts (server-sent events)", description = "Each new or changed alert as JSON; the stream ends when the token does")
    @APIResponse(responseCode = "503", description = "too many live streams open; retry")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Alert> stream(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        // the token was checked once, when the stream opened: the stream ends when the token does, and the
        // client must come back with a fresh one (a revoked analyst keeps no live feed beyond the token's life)
        java.time.Duration left = security.getUserPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken jwt
                && jwt.getExpirationTime() > 0
                ? java.time.Duration.between(java.time.Instant.now(), java.time.Instant.ofEpochSecond(jwt.getExpirationTime()))
                : java.time.Duration.ZERO;
        if (left.isNegative() || left.isZero()) {
            return Multi.createFrom().empty();
        }
        return feed.listen().select().first(left);
    }

    private Response move(String id, AlertStatus target, String body, Optional<String> by) throws InterruptedException {
        Optional<UUID> alertId = alertId(id);
        if (alertId.isEmpty()) {
            return notFound(id);
        }
        Optional<String> note = changeRequest(body).map(ChangeRequest::note).filter(n -> !n.isBlank());
        if (note.isPresent() && note.get().length() > AlertTransitions.MAX_NOTE_CHARS) {
            return error(Problem.INVALID_REQUEST, 400, "note must be at most " + AlertTransitions.MAX_NOTE_CHARS + " characters");
        }
        return switch (transitions.move(alertId.get(), target, note, by)) {
            case AlertTransitions.Done d -> Response.ok(d.alert()).build();
            case AlertTransitions.Pending p -> Response.accepted(p.alert()).build();
            case AlertTransitions.NotFound n -> notFound(id);
            case AlertTransitions.Refused r -> error(Problem.CONFLICT, 409,
                    "alert is " + r.current().status() + " and cannot move to " + r.target());
        };
    }

    /** The body is optional and may come without a content type (a bare POST), so it is read here, not by a reader. */
    private Optional<ChangeRequest> changeRequest(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        if (body.length() > 4 * AlertTransitions.MAX_NOTE_CHARS) {
            throw new IllegalArgumentException("the body is too large: at most a note of " + AlertTransitions.MAX_NOTE_CHARS + " characters");
        }
        try {
            return Optional.ofNullable(json.readValue(body, ChangeRequest.class));
        } catch (IOException e) {
            throw new IllegalArgumentException("the body must be JSON like {\"note\": \"...\"} or empty");
        }
    }

    private static Optional<UUID> alertId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static AlertStatus status(String s) {
        try {
            return AlertStatus.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be one of OPEN, ACKNOWLEDGED, RESOLVED");
        }
    }

    private static Instant instant(String name, String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant, e.g. 2025-11-23T08:15:45Z");
        }
    }

    private Response notFound(String id) {
        return error(Problem.NOT_FOUND, 404, "no alert with this id");
    }

    /** Every error of this API is an RFC 9457 problem (umbra-auth's {@link Problem}); the details are ours, never a secret. */
    private Response error(String type, int status, String detail) {
        return Problem.of(type, status, detail, path()).response().build();
    }

    private String path() {
        return io.umbra.auth.ProblemMappers.instance(uri);
    }

    @ServerExceptionMapper
    public Response badRequest(IllegalArgumentException e) {
        return error(Problem.INVALID_REQUEST, 400, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unavailable(AlertStore.Unavailable e) {
        return Problem.of(Problem.UNAVAILABLE, 503, e.getMessage(), path()).response().header("Retry-After", "2").build();
    }

    @ServerExceptionMapper
    public Response feedFull(AlertFeed.Full e) {
        return error(Problem.UNAVAILABLE, 503, e.getMessage());
    }

    @ServerExceptionMapper
    public Response brokerAway(IllegalStateException e) {
        return error(Problem.UNAVAILABLE, 503, e.getMessage());
    }
}
