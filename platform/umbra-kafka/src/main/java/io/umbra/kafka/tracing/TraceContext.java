package io.umbra.kafka.tracing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C trace context (version 00): trace id, span id, flags. Parsed from and written to a
 * {@code traceparent} header by hand (no allocation beyond the header bytes), so carrying it costs a few
 * hundred nanoseconds a record when nothing is exported. Ids are random: they say nothing about a
 * transaction.
 */
public record TraceContext(long traceIdHigh, long traceIdLow, long spanId, byte flags) {
    /** {@code 00-<32 hex>-<16 hex>-<2 hex>} */
    public static final int HEADER_LENGTH = 55;
    /** Bytes of {@link #writeTo}: trace id 16, span id 8, flags 1. */
    public static final int BINARY_LENGTH = 25;
    public static final byte SAMPLED = 1;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Whether the ids are valid (neither all zero). */
    public boolean isValid() {
        return (traceIdHigh != 0 || traceIdLow != 0) && spanId != 0;
    }

    public boolean sampled() {
        return (flags & SAMPLED) != 0;
    }

    /** A new trace, sampled, with random ids. */
    public static TraceContext newRoot() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi;
        long lo;
        do {
            hi = r.nextLong();
            lo = r.nextLong();
        } while (hi == 0 && lo == 0);
        return new TraceContext(hi, lo, nonZero(r), SAMPLED);
    }

    /** A span of this trace, child of this one: same trace id and flags, a new random span id. */
    public TraceContext newChild() {
        return new TraceContext(traceIdHigh, traceIdLow, nonZero(ThreadLocalRandom.current()), flags);
    }

    private static long nonZero(ThreadLocalRandom r) {
        long id;
        do {
            id = r.nextLong();
        } while (id == 0);
        return id;
    }

    /** The context in a {@code traceparent} header value, or null when it is missing or not a valid version-00 value. */
    public static TraceContext parse(byte[] header) {
        if (header == null || header.length < HEADER_LENGTH || header[0] != '0' || header[1] != '0' || header[2] != '-'
                || header[35] != '-' || header[52] != '-' || (header.length > HEADER_LENGTH && header[HEADER_LENGTH] != '-')) {
            return null;
        }
        long hi = hex(header, 3, 16);
        long lo = hex(header, 19, 16);
        long span = hex(header, 36, 16);
        long flags = hex(header, 53, 2);
        if (hi == -1 && !allHex(header, 3, 16) || lo == -1 && !allHex(header, 19, 16) || span == -1 && !allHex(header, 36, 16)
                || flags < 0) {
            return null;
        }
        TraceContext c = new TraceContext(hi, lo, span, (byte) flags);
        return c.isValid() ? c : null;
    }

    /** The {@code traceparent} header value. */
    public byte[] toHeader() {
        byte[] out = new byte[HEADER_LENGTH];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        writeHex(out, 3, traceIdHigh, 16);
        writeHex(out, 19, traceIdLow, 16);
        out[35] = '-';
        writeHex(out, 36, spanId, 16);
        out[52] = '-';
        writeHex(out, 53, flags & 0xff, 2);
        return out;
    }

    /** The trace id as 32 lowercase hex digits. */
    public String traceIdHex() {
        return new String(toHeader(), 3, 32, StandardCharsets.US_ASCII);
    }

    /** The span id as 16 lowercase hex digits. */
    public String spanIdHex() {
        return new String(toHeader(), 36, 16, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return new String(toHeader(), StandardCharsets.US_ASCII);
    }

    /** {@link #BINARY_LENGTH} bytes; an absent context ({@code null}) as zeros. */
    static void writeTo(ByteBuffer out, TraceContext c) {
        if (c == null) {
            out.putLong(0).putLong(0).putLong(0).put((byte) 0);
        } else {
            out.putLong(c.traceIdHigh).putLong(c.traceIdLow).putLong(c.spanId).put(c.flags);
        }
    }

    /** What {@link #writeTo} wrote at {@code offset}, or null for an absent (zero) context. */
    static TraceContext readFrom(ByteBuffer in, int offset) {
        TraceContext c = new TraceContext(in.getLong(offset), in.getLong(offset + 8), in.getLong(offset + 16), in.get(offset + 24));
        return c.isValid() ? c : null;
    }

    private static long hex(byte[] b, int from, int digits) {
        long v = 0;
        for (int i = from; i < from + digits; i++) {
            int d = digit(b[i]);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static boolean allHex(byte[] b, int from, int digits) {
        for (int i = from; i < from + digits; i++) {
            if (digit(b[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int digit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static void writeHex(byte[] out, int at, long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
