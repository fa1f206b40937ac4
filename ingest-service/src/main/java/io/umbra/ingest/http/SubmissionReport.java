package io.umbra.ingest.http;

import java.util.List;

/**
 * The answer to {@code POST /transactions}: counts, then one result per item in the order sent.
 *
 * @param accepted how many were published to {@code <t>.tx.raw}
 * @param rejected how many failed validation (not published)
 * @param failed   how many were valid but not acknowledged by Kafka in time: send them again (duplicates are dropped)
 */
public record SubmissionReport(int accepted, int rejected, int failed, List<Item> results) {

    /**
     * @param index         position in the array (0 for a single object)
     * @param status        {@code accepted}, {@code rejected} or {@code failed}
     * @param transactionId the transaction id, when the item was valid
     * @param reasons       for a rejected item: the reason codes (docs/EVENTS.md)
     * @param detail        for a rejected or failed item: what is wrong, naming fields, never quoting values
     */
    public record Item(int index, String status, String transactionId, List<String> reasons, String detail) {
        static final String ACCEPTED = "accepted";
        static final String REJECTED = "rejected";
        static final String FAILED = "failed";
    }
}
