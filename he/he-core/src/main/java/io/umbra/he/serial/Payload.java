package io.umbra.he.serial;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The compressed body of an outer object: everything after its header, compressed in one piece
 * (zlib stream or zstd frame) exactly as SEAL 4.1 does it, so our compressed files equal SEAL's
 * byte for byte. Decompression never produces more than the caller's bound, which it derives from
 * the context, so a small hostile file cannot inflate into a huge allocation.
 */
final class Payload {
    private Payload() {
    }

    static byte[] compress(Compression mode, byte[] body) {
        return switch (mode) {
            case NONE -> body;
            case ZLIB -> deflate(body);
            case ZSTD -> ZstdCodec.compress(body);
        };
    }

    /** Decompresses {@code src[off, off+len)}, which must be exactly one stream/frame, into at most {@code maxBytes}. */
    static byte[] decompress(Compression mode, byte[] src, int off, int len, long maxBytes, String what) {
        return switch (mode) {
            case NONE -> Arrays.copyOfRange(src, off, off + len);
            case ZLIB -> inflate(src, off, len, maxBytes, what);
            case ZSTD -> ZstdCodec.decompress(src, off, len, maxBytes, what);
        };
    }

    private static byte[] deflate(byte[] body) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            d.setInput(body);
            d.finish();
            // zlib's compressBound
            long bound = body.length + (body.length >> 12) + (body.length >> 14) + (body.length >> 25) + 13 + 6;
            byte[] out = new byte[(int) Math.min(bound, Integer.MAX_VALUE - 8)];
            int n = 0;
            while (!d.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, grow(out.length, Integer.MAX_VALUE - 8));
                }
                n += d.deflate(out, n, out.length - n);
            }
            return Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] src, int off, int len, long maxBytes, String what) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(src, off, len);
            Growing out = new Growing(len, -1, maxBytes, what);
            while (!inf.finished()) {
                int n = inf.inflate(out.buf, out.len, out.buf.length - out.len);
                out.len += n;
                if (n == 0) {
                    if (inf.needsDictionary()) {
                        throw new SealFormatException(what + " zlib payload: asks for a preset dictionary, which SEAL never uses");
                    }
                    if (inf.needsInput()) {
                        throw new SealFormatException(what + " zlib payload: truncated, the stream ends before its final block");
                    }
                    if (out.len == out.buf.length) {
                        out.grow();
                    }
                }
            }
            if (inf.getRemaining() != 0) {
                throw new SealFormatException(what + " zlib payload: " + inf.getRemaining() + " trailing bytes after the end of the zlib stream");
            }
            return out.result();
        } catch (DataFormatException e) {
            throw new SealFormatException(what + " zlib payload: not a valid zlib stream (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }

    private static int grow(int current, long max) {
        long next = Math.max(4096L, (long) current * 2);
        return (int) Math.min(next, Math.min(max, Integer.MAX_VALUE - 8));
    }

    /**
     * An output buffer that grows only as real output arrives, never past the bound. It starts at
     * a small multiple of the compressed size (a declared size is a hint, not a promise: a hostile
     * frame may declare the bound and hold ten bytes), and jumps to the declared size once output
     * really exceeds the start.
     */
    static final class Growing {
        /** Real SEAL objects compress to no less than about half; zero-heavy ones grow past this. */
        private static final int START_RATIO = 8;
        final long max;
        final long declared;
        final String what;
        byte[] buf;
        int len;

        /** {@code declared}: the size the stream says it holds, or negative when unknown. */
        Growing(int compressedLength, long declared, long max, String what) {
            this.max = Math.min(max, Integer.MAX_VALUE - 9);
            this.declared = declared;
            this.what = what;
            long start = (long) START_RATIO * compressedLength + 65536;
            if (declared >= 0) {
                start = Math.min(start, declared);
            }
            this.buf = new byte[(int) Math.min(this.max + 1, Math.max(4096L, start))];
        }

        void grow() {
            if (buf.length > max) {
                throw tooLarge();
            }
            long next = declared > buf.length ? declared : 2L * buf.length;
            buf = Arrays.copyOf(buf, (int) Math.min(max + 1, Math.max(4096L, next)));
        }

        byte[] result() {
            if (len > max) {
                throw tooLarge();
            }
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }

        private SealFormatException tooLarge() {
            return new SealFormatException(what + " decompressed size: expected at most " + max
                    + " bytes for this kind of object under this context, found more");
        }
    }
}
