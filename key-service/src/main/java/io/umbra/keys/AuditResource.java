package io.umbra.keys;

import io.umbra.auth.Problem;
import io.umbra.auth.Roles;
import io.umbra.auth.TenantScoped;
import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.umbra.events.audit.AuditEvent;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /audit?limit=&type=&since=}: the tenant's audit trail ({@code <t>.audit}), newest last.
 * Entries hold facts (versions, batch ids, reasons, fingerprints), never a secret.
 */
@Path("/audit")
@Tag(name = "keys")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@TenantScoped
public class AuditResource {
    private final KeyService service;

    public AuditResource(KeyService service) {
        this.service = service;
    }

    @GET
    @Operation(summary = "The audit trail", description = "Keys created, rotated, destroyed; bundles and results refused; newest last. Facts only, never a secret")
    @APIResponse(responseCode = "200", description = "the entries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Trail.class)))
    @APIResponse(responseCode = "400", description = "limit out of range, unknown type, or since not an ISO-8601 instant")
    @APIResponse(responseCode = "503", description = "the audit topic cannot be read now")
    public Response trail(@QueryParam("limit") @DefaultValue("100") int limit, @QueryParam("type") String type,
                          @QueryParam("since") String since) {
        AuditQuery query;
        try {
            query = new AuditQuery(limit, Optional.ofNullable(type).map(AuditEvent.Type::valueOf),
                    Optional.ofNullable(since).map(Instant::parse));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Problem.of(Problem.INVALID_REQUEST, 400, "limit is 1 to " + AuditQuery.MAX_LIMIT
                    + ", type one of " + Arrays.toString(AuditEvent.Type.values()) + ", since an ISO-8601 instant", "/audit").response().build();
        }
        try {
            return Response.ok(new Trail(service.tenant().value(), service.auditTrail(query))).build();
        } catch (RuntimeException e) {
            return Problem.of(Problem.UNAVAILABLE, 503, "the audit topic cannot be read now: "
                    + e.getClass().getSimpleName(), "/audit").response().build();
        }
    }

    public record Trail(String tenant, List<AuditEvent> entries) {
    }
}
