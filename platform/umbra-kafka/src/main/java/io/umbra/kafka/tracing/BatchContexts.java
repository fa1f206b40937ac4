package io.umbra.kafka.tracing;

import java.nio.ByteBuffer;

/**
 * The per-transaction trace contexts a batch record carries ({@link TraceHeaders#BATCH_TRANSACTIONS}), by slot.
 * Empty when the record carries none (written before tracing existed, or too large to add).
 */
public final class BatchContexts {
    static final BatchContexts NONE = new BatchContexts(null);
    private final ByteBuffer slots;

    private BatchContexts(ByteBuffer slots) {
        this.slots = slots;
    }

    /** The contexts in a header value; {@link #NONE} for null or a value of another format or shape. */
    public static BatchContexts of(byte[] header) {
        if (header == null || header.length < 1 || header[0] != TraceHeaders.BATCH_FORMAT
                || (header.length - 1) % TraceContext.BINARY_LENGTH != 0) {
            return NONE;
        }
        return new BatchContexts(ByteBuffer.wrap(header));
    }

    /** Slots carried (0 for none). */
    public int count() {
        return slots == null ? 0 : (slots.capacity() - 1) / TraceContext.BINARY_LENGTH;
    }

    /** Slot {@code i}'s transaction context, or null when the batch carries none for it. */
    public TraceContext get(int i) {
        if (i < 0 || i >= count()) {
            return null;
        }
        return TraceContext.readFrom(slots, 1 + i * TraceContext.BINARY_LENGTH);
    }

    /** The slot of the transaction whose trace id this is, or -1. */
    public int slotOf(long traceIdHigh, long traceIdLow) {
        for (int i = 0; i < count(); i++) {
            int at = 1 + i * TraceContext.BINARY_LENGTH;
            if (slots.getLong(at) == traceIdHigh && slots.getLong(at + 8) == traceIdLow) {
                return i;
            }
        }
        return -1;
    }

    /** The header value for these contexts, in slot order. */
    static byte[] encode(TraceContext[] contexts) {
        ByteBuffer out = ByteBuffer.allocate(1 + contexts.length * TraceContext.BINARY_LENGTH);
        out.put(TraceHeaders.BATCH_FORMAT);
        for (TraceContext c : contexts) {
            TraceContext.writeTo(out, c);
        }
        return out.array();
    }

    /** The size of {@link #encode}'s value for {@code slots} transactions. */
    public static int encodedSize(int slots) {
        return 1 + slots * TraceContext.BINARY_LENGTH;
    }
}
