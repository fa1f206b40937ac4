package io.umbra.events.manifest;

import java.util.Arrays;
import java.util.Objects;

/**
 * A batch manifest sealed with HPKE to the tenant's key-service (Tink hybrid encryption output:
 * encapsulated key, then ciphertext). Opaque everywhere but in the key-service; the scoring pool
 * copies it from request to result byte for byte. Immutable: the bytes are copied in and out.
 */
public final class SealedManifest {
    private final byte[] bytes;

    public SealedManifest(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a sealed manifest is never empty");
        }
        this.bytes = bytes.clone();
    }

    /** A copy of the sealed bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedManifest m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SealedManifest[" + bytes.length + " bytes]";
    }
}
