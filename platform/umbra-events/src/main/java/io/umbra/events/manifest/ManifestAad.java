package io.umbra.events.manifest;

import io.umbra.events.TenantId;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The associated data the encrypt-service seals a manifest with and the key-service opens it with.
 * Binding tenant, batch and key version means a sealed manifest moved to another tenant's topic, glued
 * onto another batch, or replayed under another key version fails to open.
 */
public final class ManifestAad {
    /** Domain separation: these bytes mean "an Umbra batch-manifest AAD, layout 1" and nothing else. */
    static final byte[] LABEL = "umbra/manifest-aad/v1".getBytes(StandardCharsets.US_ASCII);

    private ManifestAad() {
    }

    /**
     * The associated data, deterministic and unambiguous (every variable part length-prefixed), big-endian:
     * <pre>
     *   21 bytes  "umbra/manifest-aad/v1" (ASCII)
     *    1 byte   0x00
     *    1 byte   tenant id length L (2..40)
     *    L bytes  tenant id (ASCII)
     *   16 bytes  batch id (UUID: most significant 64 bits, then least significant)
     *    4 bytes  key version (signed 32-bit, ≥ 1)
     * </pre>
     */
    public static byte[] of(TenantId tenant, UUID batchId, int keyVersion) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(batchId, "batchId");
        if (keyVersion < 1) {
            throw new IllegalArgumentException("keyVersion must be ≥ 1");
        }
        byte[] t = tenant.value().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(LABEL.length + 1 + 1 + t.length + 16 + 4)
                .put(LABEL).put((byte) 0).put((byte) t.length).put(t)
                .putLong(batchId.getMostSignificantBits()).putLong(batchId.getLeastSignificantBits())
                .putInt(keyVersion)
                .array();
    }
}
