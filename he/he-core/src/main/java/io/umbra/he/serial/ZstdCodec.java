package io.umbra.he.serial;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * SEAL's zstd mode through zstd-jni (native code, so kept in its own class and loaded only when a
 * zstd object is met). SEAL streams its body through {@code ZSTD_compressStream2} at level 3 with
 * the size pledged; feeding zstd the same way in chunks of at most 256 KiB gives SEAL's exact bytes
 * (one-shot {@code ZSTD_compress} does not, for bodies over 128 KiB).
 */
final class ZstdCodec {
    private static final int LEVEL = 3;
    private static final int CHUNK = 64 * 1024;
    /** Window limit for frames we read, at most: 2^27 bytes, zstd's default. */
    private static final int WINDOW_LOG_MAX = 27;
    /** zstd's smallest window, 1 KiB. */
    private static final int WINDOW_LOG_MIN = 10;

    private ZstdCodec() {
    }

    static byte[] compress(byte[] body) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(LEVEL);
            ctx.setChecksum(false);
            ctx.setContentSize(true);
            ctx.setPledgedSrcSize(body.length);
            long bound = Zstd.compressBound(body.length);
            ByteBuffer out = ByteBuffer.allocateDirect((int) Math.min(bound, Integer.MAX_VALUE - 8));
            ByteBuffer in = ByteBuffer.allocateDirect(Math.min(CHUNK, Math.max(body.length, 1)));
            int pos = 0;
            do {
                int n = Math.min(CHUNK, body.length - pos);
                in.clear();
                in.put(body, pos, n);
                in.flip();
                pos += n;
                EndDirective directive = pos == body.length ? EndDirective.END : EndDirective.CONTINUE;
                boolean done;
                do {
                    done = ctx.compressDirectByteBufferStream(out, in, directive);
                } while (directive == EndDirective.END ? !done : in.hasRemaining());
            } while (pos < body.length);
            out.flip();
            byte[] result = new byte[out.remaining()];
            out.get(result);
            return result;
        }
    }

    /** The smallest window log that holds {@code maxBytes}, within zstd's [2^10, 2^27]. */
    static int windowLogFor(long maxBytes) {
        int log = 64 - Long.numberOfLeadingZeros(Math.max(1, maxBytes - 1));
        return Math.max(WINDOW_LOG_MIN, Math.min(WINDOW_LOG_MAX, log));
    }

    static byte[] decompress(byte[] src, int off, int len, long maxBytes, String what) {
        if (len == 0) {
            throw new SealFormatException(what + " zstd payload: empty, expected a zstd frame after the header");
        }
        long frame;
        try {
            frame = Zstd.findFrameCompressedSize(src, off, len);
        } catch (ZstdException | IndexOutOfBoundsException e) { // zstd-jni checks ranges with the latter
            throw new SealFormatException(what + " zstd payload: not a complete zstd frame (" + e.getMessage() + ")", e);
        }
        if (Zstd.isError(frame)) {
            throw new SealFormatException(what + " zstd payload: not a complete zstd frame (" + Zstd.getErrorName(frame) + ")");
        }
        if (frame != len) {
            throw new SealFormatException(what + " zstd payload: expected one zstd frame filling the rest of the object (" + len
                    + " bytes), found a frame of " + frame + " bytes and " + (len - frame) + " trailing bytes");
        }
        long declared;
        try {
            declared = Zstd.getFrameContentSize(src, off, len);
        } catch (ZstdException | IndexOutOfBoundsException e) {
            declared = -1;
        }
        if (declared > maxBytes) {
            throw new SealFormatException(what + " zstd frame content size: expected at most " + maxBytes
                    + " bytes for this kind of object under this context, found " + declared);
        }
        Payload.Growing out = new Payload.Growing(len, declared, maxBytes, what);
        byte[] probe = new byte[1];
        try (ZstdInputStreamNoFinalizer in = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(src, off, len))) {
            // A frame that pledges its size (SEAL's always do) needs a window no larger than the object: bound the
            // decoder's window by the largest object of this kind, so a hostile frame cannot make it reserve 128 MiB.
            in.setLongMax(windowLogFor(maxBytes));
            while (true) {
                if (out.len == out.buf.length) {
                    // Full: only grow when more output really comes (a declared size fills the buffer exactly).
                    int b = in.read(probe, 0, 1);
                    if (b < 0) {
                        break;
                    }
                    if (b == 1) {
                        out.grow();
                        out.buf[out.len++] = probe[0];
                    }
                    continue;
                }
                int n = in.read(out.buf, out.len, out.buf.length - out.len);
                if (n < 0) {
                    break;
                }
                out.len += n;
            }
        } catch (IOException | ZstdException e) {
            throw new SealFormatException(what + " zstd payload: cannot be decompressed (" + e.getMessage() + ")", e);
        }
        byte[] body = out.result();
        if (declared >= 0 && body.length != declared) {
            throw SealFormatException.mismatch(what + " zstd frame content size", declared + " bytes (the size the frame declares)", body.length + " bytes");
        }
        return body;
    }
}
