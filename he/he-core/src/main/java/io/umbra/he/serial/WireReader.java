package io.umbra.he.serial;

import io.umbra.he.ckks.ParmsId;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian reads from a byte range with strict bounds: every read first checks the bytes are
 * there and fails with a {@link SealFormatException} naming the field otherwise, so no load ever
 * sees an {@code ArrayIndexOutOfBoundsException} or reads past its object.
 */
final class WireReader {
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    private final int start;
    private final int end;
    private int pos;

    WireReader(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IllegalArgumentException("range " + off + "+" + len + " outside " + buf.length + " bytes");
        }
        this.buf = buf;
        this.start = off;
        this.pos = off;
        this.end = off + len;
    }

    /** A new reader over the same range, from its start. */
    WireReader restart() {
        return new WireReader(buf, start, end - start);
    }

    /** Bytes in the whole range. */
    int length() {
        return end - start;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    private void need(long bytes, String field) {
        if (bytes > end - pos) {
            throw new SealFormatException(field + ": truncated, needs " + bytes + " bytes at offset " + pos + ", only " + (end - pos) + " left");
        }
    }

    /** Fails unless {@code bytes} more bytes are there: lets a caller check before it allocates for them. */
    void require(long bytes, String field) {
        need(bytes, field);
    }

    int u8(String field) {
        need(1, field);
        return buf[pos++] & 0xFF;
    }

    long u64(String field) {
        need(8, field);
        long v = (long) LE64.get(buf, pos);
        pos += 8;
        return v;
    }

    /** An unsigned count that must lie in [min, max] (max well below 2^63). */
    long count(String field, long min, long max) {
        long v = u64(field);
        if (Long.compareUnsigned(v, min) < 0 || Long.compareUnsigned(v, max) > 0) {
            throw SealFormatException.mismatch(field, min == max ? String.valueOf(min) : min + " to " + max, Long.toUnsignedString(v));
        }
        return v;
    }

    double f64(String field) {
        return Double.longBitsToDouble(u64(field));
    }

    ParmsId parmsId(String field) {
        need(32, field);
        long w0 = u64(field);
        long w1 = u64(field);
        long w2 = u64(field);
        long w3 = u64(field);
        return new ParmsId(w0, w1, w2, w3);
    }

    void skip(long bytes, String field) {
        need(bytes, field);
        pos += (int) bytes;
    }

    /**
     * Reads {@code polys} RNS polynomials of {@code primes.length} primes and {@code n} coefficients
     * into {@code dst[off…]}, checking each value is below its prime.
     */
    void coefficients(long[] dst, int off, int polys, long[] primes, int n, String field) {
        int k = primes.length;
        need(8L * polys * k * n, field);
        int d = off;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                long q = primes[j];
                int at = pos;
                for (int i = 0; i < n; i++) {
                    long v = (long) LE64.get(buf, at);
                    if (Long.compareUnsigned(v, q) >= 0) {
                        throw new SealFormatException(field + ": coefficient " + i + " of prime " + j + " (polynomial " + p + ") is "
                                + Long.toUnsignedString(v) + ", expected below the prime " + q);
                    }
                    dst[d++] = v;
                    at += 8;
                }
                pos = at;
            }
        }
    }

    /**
     * Reads the header of a nested part (compression none, size within what is left) and returns
     * the offset where the part must end.
     */
    int beginNested(String what) {
        int start = pos;
        SealHeader h = SealHeader.read(buf, pos, end - pos, what);
        if (h.compression() != Compression.NONE) {
            throw SealFormatException.mismatch(what + " header compression mode", "0 (none): SEAL compresses only the outer object",
                    h.compression().wireValue());
        }
        pos += SealHeader.BYTES;
        return start + (int) h.size();
    }

    /** Checks a nested part ended exactly where its header said. */
    void endNested(int expectedEnd, String what) {
        if (pos != expectedEnd) {
            throw new SealFormatException(what + " header size field: says the part ends at offset " + expectedEnd
                    + ", but its contents end at offset " + pos);
        }
    }

    /** Checks nothing is left. */
    void expectEnd(String what) {
        if (pos != end) {
            throw new SealFormatException(what + ": " + (end - pos) + " unexpected trailing bytes after the object's contents (offset " + pos + ")");
        }
    }
}
