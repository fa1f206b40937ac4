package io.umbra.ingest.http;

import io.umbra.events.tx.RawTransactionSchema;
import jakarta.annotation.security.PermitAll;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /schema/raw-transaction}: the JSON Schema (draft 2020-12) of what this service reads on
 * {@code <t>.tx.raw} and takes at {@code POST /transactions}, from umbra-events, so a bank's producer team can
 * check its records before sending them. Public, like the format it describes: it needs no token.
 */
@Path("/schema/raw-transaction")
@Tag(name = "transactions")
@PermitAll
public class SchemaResource {
    private static final byte[] SCHEMA = RawTransactionSchema.bytes();

    @GET
    @Operation(summary = "The raw transaction's JSON Schema", description = "Draft 2020-12, the format of tx.raw records "
            + "and of POST /transactions items; public, no token")
    @APIResponse(responseCode = "200", description = "the schema", content = @Content(mediaType = RawTransactionSchema.MEDIA_TYPE))
    @Produces({RawTransactionSchema.MEDIA_TYPE, "application/json"})
    public Response schema() {
        return Response.ok(SCHEMA).type(RawTransactionSchema.MEDIA_TYPE).header("Cache-Control", "public, max-age=3600").build();
    }
}
