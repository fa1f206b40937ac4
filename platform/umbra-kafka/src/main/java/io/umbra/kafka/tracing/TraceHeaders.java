package io.umbra.kafka.tracing;

/**
 * The record headers tracing adds to every hop's output. None names a transaction: ids are random, times
 * are the hop's own.
 */
public final class TraceHeaders {
    /** W3C trace context of the span that wrote this record (a transaction's hop, or a batch's). */
    public static final String TRACEPARENT = "traceparent";
    /** When the hop that wrote this record finished with it: epoch microseconds, decimal ASCII. */
    public static final String HOP_AT = "umbra.trace.at";
    /** How long that hop took, for a batch hop (encrypt, score, decrypt): microseconds, decimal ASCII. */
    public static final String HOP_TOOK = "umbra.trace.took";
    /**
     * On a batch record (score request, score result): the trace context of each transaction in slot order,
     * so the bank side continues each transaction's own trace. Binary: one version byte (1), then
     * {@link TraceContext#BINARY_LENGTH} bytes per slot (trace id, span id, flags; zeros where a slot has none).
     */
    public static final String BATCH_TRANSACTIONS = "umbra.trace.slots";

    static final byte BATCH_FORMAT = 1;

    private TraceHeaders() {
    }
}
