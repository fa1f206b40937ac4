package io.umbra.ingest.http;

import io.umbra.events.tx.RawTransactionSchema;
import jakarta.annotation.security.PermitAll;
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
@PermitAll
public class SchemaResource {
    private static final byte[] SCHEMA = RawTransactionSchema.bytes();

    @GET
    @Produces({RawTransactionSchema.MEDIA_TYPE, "application/json"})
    public Response schema() {
        return Response.ok(SCHEMA).type(RawTransactionSchema.MEDIA_TYPE).header("Cache-Control", "public, max-age=3600").build();
    }
}
