package io.umbra.alert;

/** The reason codes this service writes into {@code umbra.dlq.reason} on {@code <t>.alert.dlq}. */
public enum DeadLetterReason {
    /** The record is not a valid Score (not JSON, wrong shape, a field out of range, too large). */
    BAD_SCORE,
    /** A valid Score of another tenant: never alerted on here, never mixed into this tenant's alerts. */
    WRONG_TENANT,
    /** The score could not be turned into an alert for a reason of its own (the detail says which). */
    PROCESSING_FAILED;

    public String code() {
        return name();
    }
}
