package io.umbra.events.envelope;

import io.umbra.events.TenantId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Reads one envelope from untrusted bytes. Every read first checks that the bytes remain; every length
 * is checked against what remains and against the limits before an array is allocated, so decoding
 * allocates at most about the input's size. Every failure is an {@link EnvelopeFormatException} naming
 * the envelope kind, the field and its offset.
 */
final class EnvelopeReader {
    private final byte[] in;
    private final String what;
    private final EnvelopeLimits limits;
    private int pos;

    private EnvelopeReader(byte[] in, String what, EnvelopeLimits limits) {
        this.in = in;
        this.what = what;
        this.limits = limits;
    }

    /** A reader past magic, version and kind, after checking the input size against the limits. */
    static EnvelopeReader open(byte[] in, EnvelopeLimits limits, int expectedKind) {
        String what = EnvelopeFormat.kindName(expectedKind);
        if (limits == null) {
            throw new IllegalArgumentException("limits");
        }
        if (in == null || in.length == 0) {
            throw new EnvelopeFormatException(what + ": no bytes");
        }
        if (in.length > limits.maxEnvelopeBytes()) {
            throw new EnvelopeFormatException(what + ": " + in.length + " bytes, more than the limit of "
                    + limits.maxEnvelopeBytes());
        }
        EnvelopeReader r = new EnvelopeReader(in, what, limits);
        int magic = r.i32("magic");
        if (magic != EnvelopeFormat.MAGIC) {
            throw r.fail(0, "not an Umbra envelope: magic 0x" + Integer.toHexString(magic) + ", expected 0x554d4245 (\"UMBE\")");
        }
        int version = r.u8("format version");
        int expectedVersion = EnvelopeFormat.versionOf(expectedKind);
        if (version != expectedVersion) {
            String why = version == 1 && expectedVersion == EnvelopeFormat.BATCH_VERSION
                    ? " (an unsigned batch of an earlier release: batches must carry the encrypt-service's signature)" : "";
            throw r.fail(4, "format version " + version + " is not supported" + why + "; this release reads version " + expectedVersion);
        }
        int kind = r.u8("kind");
        if (kind != expectedKind) {
            throw r.fail(5, "this is a " + EnvelopeFormat.kindName(kind) + ", not a " + what);
        }
        return r;
    }

    BatchHeader header() {
        TenantId tenant = tenant();
        UUID batchId = new UUID(i64("batch id"), i64("batch id"));
        int at = pos;
        long keyVersion = u32("key version");
        if (keyVersion < 1 || keyVersion > Integer.MAX_VALUE) {
            throw fail(at, "key version " + keyVersion + " is outside 1 to " + Integer.MAX_VALUE);
        }
        at = pos;
        long slots = u32("slot count");
        if (slots < 1 || slots > limits.maxSlots()) {
            throw fail(at, "slot count " + slots + " is outside 1 to " + limits.maxSlots());
        }
        at = pos;
        int schema = u16("feature schema version");
        if (schema < 1) {
            throw fail(at, "feature schema version 0 is not valid");
        }
        return new BatchHeader(tenant, batchId, (int) keyVersion, (int) slots, schema);
    }

    TenantId tenant() {
        int at = pos;
        String value = shortAscii("tenant id", TenantId.MAX_LENGTH);
        if (!TenantId.isValid(value)) {
            throw fail(at, "tenant id is not a valid tenant id");
        }
        return TenantId.of(value);
    }

    /** A u8-length-prefixed string of 1 to {@code max} visible ASCII characters. */
    String shortAscii(String field, int max) {
        int at = pos;
        int n = u8(field + " length");
        if (n < 1 || n > max) {
            throw fail(at, field + " length " + n + " is outside 1 to " + max);
        }
        need(n, field);
        for (int i = pos; i < pos + n; i++) {
            if (in[i] < 0x21 || in[i] > 0x7E) {
                throw fail(i, field + " is not visible ASCII");
            }
        }
        String s = new String(in, pos, n, StandardCharsets.US_ASCII);
        pos += n;
        return s;
    }

    Instant time(String field) {
        int at = pos;
        long micros = i64(field);
        if (micros < 0 || micros >= EnvelopeFormat.toMicros(EnvelopeFormat.MAX_TIME)) {
            throw fail(at, field + " " + micros + " µs is not between 1970 and the year 10000");
        }
        return EnvelopeFormat.fromMicros(micros);
    }

    int positiveInt(String field) {
        int at = pos;
        long v = u32(field);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw fail(at, field + " " + v + " is outside 1 to " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** A u16 count, then that many u32-length-prefixed ciphertexts. */
    byte[][] ciphertexts(String field) {
        int at = pos;
        int count = u16(field + " count");
        if (count < 1 || count > limits.maxCiphertexts()) {
            throw fail(at, field + " count " + count + " is outside 1 to " + limits.maxCiphertexts());
        }
        if ((long) count * 4 > remaining()) {
            throw fail(at, "truncated: " + count + " " + field + "s need at least " + (long) count * 4 + " bytes, "
                    + remaining() + " remain");
        }
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = lengthPrefixed(field + " " + i, limits.maxCiphertextBytes());
        }
        return out;
    }

    /** A u32 length in 1 to {@code max}, then that many bytes. */
    byte[] lengthPrefixed(String field, int max) {
        int at = pos;
        long n = u32(field + " length");
        if (n < 1) {
            throw fail(at, field + " is empty");
        }
        if (n > max) {
            throw fail(at, field + " length " + n + " exceeds the limit of " + max);
        }
        if (n > remaining()) {
            throw fail(at, "truncated: " + field + " says " + n + " bytes, " + remaining() + " remain");
        }
        byte[] b = new byte[(int) n];
        System.arraycopy(in, pos, b, 0, (int) n);
        pos += (int) n;
        return b;
    }

    /** Like {@link #lengthPrefixed} but a length of 0 is allowed: an absent field. */
    byte[] optionalLengthPrefixed(String field, int max) {
        int at = pos;
        long n = u32(field + " length");
        if (n == 0) {
            return new byte[0];
        }
        pos = at;
        return lengthPrefixed(field, max);
    }

    /** Exactly {@code n} bytes. */
    byte[] fixed(String field, int n) {
        need(n, field);
        byte[] b = new byte[n];
        System.arraycopy(in, pos, b, 0, n);
        pos += n;
        return b;
    }

    /** The offset of the next byte to read. */
    int position() {
        return pos;
    }

    /** Checks nothing follows. */
    void end() {
        if (pos != in.length) {
            throw fail(pos, (in.length - pos) + " trailing bytes after the last field");
        }
    }

    int u8(String field) {
        need(1, field);
        return in[pos++] & 0xFF;
    }

    int u16(String field) {
        need(2, field);
        int v = (in[pos] & 0xFF) << 8 | in[pos + 1] & 0xFF;
        pos += 2;
        return v;
    }

    int i32(String field) {
        need(4, field);
        int v = (in[pos] & 0xFF) << 24 | (in[pos + 1] & 0xFF) << 16 | (in[pos + 2] & 0xFF) << 8 | in[pos + 3] & 0xFF;
        pos += 4;
        return v;
    }

    long u32(String field) {
        return i32(field) & 0xFFFF_FFFFL;
    }

    long i64(String field) {
        need(8, field);
        long hi = i32(field) & 0xFFFF_FFFFL;
        long lo = i32(field) & 0xFFFF_FFFFL;
        return hi << 32 | lo;
    }

    private int remaining() {
        return in.length - pos;
    }

    private void need(int n, String field) {
        if (remaining() < n) {
            throw fail(pos, "truncated: " + field + " needs " + n + " bytes, " + remaining() + " remain");
        }
    }

    EnvelopeFormatException fail(int offset, String message) {
        return new EnvelopeFormatException(what + " at offset " + offset + ": " + message);
    }
}
