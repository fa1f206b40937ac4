package io.umbra.ingest.http;

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
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /transactions}: a bank without a Kafka producer sends one transaction object or an array of up
 * to {@code umbra.http.max-items}. Every item is validated like a record on {@code <t>.tx.raw}; the valid ones
 * are published there (so deduplication and features happen on the one Kafka path), the invalid ones are
 * reported back, not dead-lettered: the caller is there to hear why.
 *
 * <p>202 when at least one item was accepted and none failed; 400 when the body is not JSON of the right
 * shape or no item is valid; 413 for a body or batch over the limits; 503 when Kafka did not acknowledge
 * every valid item in time (the report says which; sending the whole batch again is safe). Bodies are never
 * logged.
 *
 * <p>The caller needs a JWT (umbra-auth: ES256, issuer {@code UMBRA_JWT_ISSUER}, audience {@code umbra}) with the
 * role {@code submitter} and a {@code tenant} claim naming this service's tenant: 401 without one, 403 for another
 * role or another bank. Without a configured key set ({@code UMBRA_JWT_JWKS}) every call is refused: a bank that
 * does not submit over HTTP leaves it unset, and the endpoint is off.
 */
@Path("/transactions")
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

    @POST
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
                    refused.getMessage(), "/transactions").with("error", refused.code).response().build();
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
        int status = failed > 0 ? 503 : accepted == 0 ? 400 : 202;
        return Response.status(status).entity(new SubmissionReport(accepted, rejected, failed, Arrays.asList(results))).build();
    }
}
