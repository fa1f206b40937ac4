package io.umbra.he.serial;

import io.umbra.he.ckks.ParmsId;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian writes into an array of exactly the size the object needs (computed beforehand). */
final class WireWriter {
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    private int pos;

    WireWriter(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("object of " + size + " bytes does not fit in a byte array");
        }
        this.buf = new byte[(int) size];
    }

    int position() {
        return pos;
    }

    void u8(int v) {
        buf[pos++] = (byte) v;
    }

    void u64(long v) {
        LE64.set(buf, pos, v);
        pos += 8;
    }

    void f64(double v) {
        u64(Double.doubleToRawLongBits(v));
    }

    void parmsId(ParmsId id) {
        u64(id.w0());
        u64(id.w1());
        u64(id.w2());
        u64(id.w3());
    }

    void longs(long[] src, int off, int count) {
        int p = pos;
        for (int i = 0; i < count; i++) {
            LE64.set(buf, p, src[off + i]);
            p += 8;
        }
        pos = p;
    }

    /** A nested part's header (compression none) for a part of {@code size} bytes including it. */
    void nestedHeader(long size) {
        header(Compression.NONE, size);
    }

    void header(Compression compression, long size) {
        SealHeader.of(compression, size).write(buf, pos);
        pos += SealHeader.BYTES;
    }

    /** The finished array; the precomputed size must have been exact. */
    byte[] finish() {
        if (pos != buf.length) {
            throw new IllegalStateException("wrote " + pos + " bytes into an object sized " + buf.length);
        }
        return buf;
    }
}
