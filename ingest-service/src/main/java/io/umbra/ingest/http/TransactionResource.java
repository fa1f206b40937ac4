package io.umbra.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.umbra.events.tx.RawTransaction;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;
import io.umbra.ingest.IngestConfig;
import io.umbra.ingest.IngestMetrics;
import io.umbra.auth.Problem;
import io.umbra.auth.Roles;
import io.umbra.auth.TenantScoped;
import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /transactions}: a bank without a Kafka producer sends one transaction object or an array of up
 * to {@code umbra.http.max-items}. Every item is validated like a record on {@code <t>.tx.raw}; the valid ones
 * are published there (so deduplication and features happen on the one Kafka path), the invalid ones are
 * reported back, not dead-lettered: the caller is there to hear why.
 *
 * <p>202 when at least one item was accepted and none failed; 400 when the body is not JSON of the right
 * shape or no item is valid; 413 for a body or batch over the limits; 503 when Kafka did not acknowledge
 * every valid item in time (the report says which; sending the whole batch again is safe). Every error is an
 * RFC 9457 {@code application/problem+json} body; the 400 and 503 that follow validation carry the per-item
 * report as extension members. Bodies are never logged.
 *
 * <p>The caller needs a JWT (umbra-auth: ES256, issuer {@code UMBRA_JWT_ISSUER}, audience {@code umbra}) with the
 * role {@code submitter} and a {@code tenant} claim naming this service's tenant: 401 without one, 403 for another
 * role or another bank. Without a configured key set ({@code UMBRA_JWT_JWKS}) every call is refused: a bank that
 * does not submit over HTTP leaves it unset, and the endpoint is off.
 */
@Path("/transactions")
@Tag(name = "transactions", description = "HTTP submission for a bank without a Kafka producer")
@RolesAllowed(Roles.SUBMITTER)
@TenantScoped
public class TransactionResource {
    @Inject
    TransactionValidator validator;

    @Inject
    RawTransactionPublisher publisher;

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    @Inject
    ObjectMapper json;

    private static final String PATH = "/transactions";

    @POST
    @Operation(summary = "Submit one transaction or a batch", description = "A raw transaction object (docs/EVENTS.md, "
            + "GET /schema/raw-transaction) or an array of them; each item is validated and the valid ones are published "
            + "to the bank's tx.raw topic. Sending a batch again is safe: ingest drops a transaction id it has seen.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(description = "one raw transaction, or an array of up to umbra.http.max-items")))
    @APIResponse(responseCode = "202", description = "at least one item accepted and none failed; one result per item",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SubmissionReport.class)))
    @APIResponse(responseCode = "400", description = "the body is not a transaction or an array of them, or no item is valid "
            + "(then the problem carries accepted, rejected, failed and results like the 202)")
    @APIResponse(responseCode = "413", description = "the body or the batch is over its limit")
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge every valid item in time; the problem carries "
            + "the per-item results; send the batch again (Retry-After)")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public Response submit(byte[] body) {
        List<byte[]> items;
        try {
            items = TransactionSubmission.items(body, config.http().maxBodyBytes(), config.http().maxItems());
        } catch (TransactionSubmission.Refused refused) {
            // RFC 9457, like every error of Umbra's APIs; the code stays as the extension member "error"
            return Problem.of(refused.status == 413 ? Problem.TOO_LARGE : Problem.INVALID_REQUEST, refused.status,
                    refused.getMessage(), PATH).with("error", refused.code).response().build();
        }

        SubmissionReport.Item[] results = new SubmissionReport.Item[items.size()];
        List<Integer> validIndexes = new ArrayList<>();
        List<RawTransactionPublisher.Transaction> valid = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            switch (validator.validate(items.get(i))) {
                case ValidationResult.Valid v -> {
                    RawTransaction tx = v.transaction();
                    validIndexes.add(i);
                    valid.add(new RawTransactionPublisher.Transaction(tx.cardId(), items.get(i)));
                    results[i] = new SubmissionReport.Item(i, SubmissionReport.Item.ACCEPTED, tx.transactionId(), null, null);
                }
                case ValidationResult.Invalid invalid -> results[i] = new SubmissionReport.Item(i, SubmissionReport.Item.REJECTED,
                        null, List.of(invalid.reason().split(",")), invalid.detail());
            }
        }

        List<Boolean> acknowledged = valid.isEmpty() ? List.of() : publisher.publish(valid);
        for (int j = 0; j < acknowledged.size(); j++) {
            if (!acknowledged.get(j)) {
                SubmissionReport.Item accepted = results[validIndexes.get(j)];
                results[accepted.index()] = new SubmissionReport.Item(accepted.index(), SubmissionReport.Item.FAILED,
                        accepted.transactionId(), null, "not acknowledged by Kafka in time; send it again");
            }
        }

        int accepted = 0;
        int rejected = 0;
        int failed = 0;
        for (SubmissionReport.Item r : results) {
            switch (r.status()) {
                case SubmissionReport.Item.ACCEPTED -> accepted++;
                case SubmissionReport.Item.REJECTED -> rejected++;
                default -> failed++;
            }
            metrics.httpItem(r.status());
        }
        SubmissionReport report = new SubmissionReport(accepted, rejected, failed, Arrays.asList(results));
        if (failed > 0) {
            return problem(Problem.of(Problem.UNAVAILABLE, 503, failed + " of " + (accepted + failed)
                    + " valid transactions were not acknowledged by Kafka in time; send the batch again (it is safe: "
                    + "ingest drops a transaction id it has seen)", PATH), report)
                    .header("Retry-After", "1").build();
        }
        if (accepted == 0) {
            return problem(Problem.of(Problem.INVALID_REQUEST, 400, "no transaction in the request is valid; each item's "
                    + "reasons are in results", PATH), report).build();
        }
        return Response.status(202).entity(report).build();
    }

    /**
     * An error that still carries the per-item report: RFC 9457's body with the report's members
     * ({@code accepted}, {@code rejected}, {@code failed}, {@code results}) as extension members, so a client
     * reads the same fields whatever the status.
     */
    private Response.ResponseBuilder problem(Problem problem, SubmissionReport report) {
        Map<String, Object> body = new LinkedHashMap<>(problem.members());
        body.put("accepted", report.accepted());
        body.put("rejected", report.rejected());
        body.put("failed", report.failed());
        body.put("results", report.results());
        try {
            return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the submission report did not serialize", e);
        }
    }
}
