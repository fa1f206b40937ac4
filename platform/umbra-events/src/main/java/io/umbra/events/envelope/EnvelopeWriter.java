package io.umbra.events.envelope;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Writes one envelope into an array of exactly its size. */
final class EnvelopeWriter {
    /** Bytes of the fixed start: magic, version, kind. */
    static final int PREAMBLE = 4 + 1 + 1;

    private final ByteBuffer out;

    EnvelopeWriter(int size, int kind) {
        out = ByteBuffer.allocate(size);
        out.putInt(EnvelopeFormat.MAGIC).put((byte) EnvelopeFormat.versionOf(kind)).put((byte) kind);
    }

    /** Bytes of {@code header} on the wire. */
    static int size(BatchHeader header) {
        return 1 + header.tenant().value().length() + 16 + 4 + 4 + 2;
    }

    /** Bytes of a ciphertext list on the wire. */
    static long size(byte[][] ciphertexts) {
        long n = 2;
        for (byte[] c : ciphertexts) {
            n += 4L + c.length;
        }
        return n;
    }

    EnvelopeWriter header(BatchHeader h) {
        shortString(h.tenant().value());
        UUID id = h.batchId();
        out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        out.putInt(h.keyVersion()).putInt(h.slotCount()).putShort((short) h.featureSchemaVersion());
        return this;
    }

    EnvelopeWriter shortString(String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
        out.put((byte) b.length).put(b);
        return this;
    }

    EnvelopeWriter time(Instant t) {
        out.putLong(EnvelopeFormat.toMicros(t));
        return this;
    }

    EnvelopeWriter u32(int v) {
        out.putInt(v);
        return this;
    }

    EnvelopeWriter ciphertexts(byte[][] ciphertexts) {
        out.putShort((short) ciphertexts.length);
        for (byte[] c : ciphertexts) {
            out.putInt(c.length).put(c);
        }
        return this;
    }

    EnvelopeWriter raw(byte[] b) {
        out.put(b);
        return this;
    }

    EnvelopeWriter lengthPrefixed(byte[] b) {
        out.putInt(b.length).put(b);
        return this;
    }

    byte[] finish() {
        if (out.hasRemaining()) {
            throw new IllegalStateException("envelope size miscounted by " + out.remaining() + " bytes");
        }
        return out.array();
    }
}
