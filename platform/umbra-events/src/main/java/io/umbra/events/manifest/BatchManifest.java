package io.umbra.events.manifest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.EventFormatException;
import io.umbra.events.EventJson;
import io.umbra.events.TenantId;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The plaintext manifest of one encrypted batch: slot {@code i} of every ciphertext holds the features
 * of {@code slots.get(i)}; slots beyond {@code slots.size()} are zero padding. Created by the
 * encrypt-service, sealed to the key-service ({@link SealedManifest}), opened there to turn decrypted
 * slot values into {@code Score}s. Never on a scoring-zone topic in the clear.
 *
 * <p>Serialized as JSON through {@link EventJson}: fields in a fixed order, times as ISO-8601 instants,
 * so the same manifest always gives the same bytes ({@link #toJson()}). About 190 bytes per slot with
 * UUID transaction ids (2048 slots ≈ 390 KB).
 */
@JsonPropertyOrder({"tenant", "batchId", "keyVersion", "slots"})
public record BatchManifest(TenantId tenant, UUID batchId, int keyVersion, List<ManifestEntry> slots) {
    /** The most slots a batch can have: N/2 at N = 32768, the largest degree the engine accepts. */
    public static final int MAX_SLOTS = 16384;
    /** The largest manifest JSON written or read: 4 MiB. */
    public static final int MAX_JSON_BYTES = 4 << 20;

    public BatchManifest {
        Objects.requireNonNull(tenant, "tenant is missing");
        Objects.requireNonNull(batchId, "batchId is missing");
        if (keyVersion < 1) {
            throw new IllegalArgumentException("keyVersion must be ≥ 1");
        }
        Objects.requireNonNull(slots, "slots is missing");
        if (slots.isEmpty() || slots.size() > MAX_SLOTS) {
            throw new IllegalArgumentException("a manifest has 1 to " + MAX_SLOTS + " slots, not " + slots.size());
        }
        slots = List.copyOf(slots);
    }

    public int slotCount() {
        return slots.size();
    }

    /** The deterministic JSON to seal; an {@link IllegalStateException} if it would exceed {@link #MAX_JSON_BYTES}. */
    public byte[] toJson() {
        byte[] json = EventJson.write(this);
        if (json.length > MAX_JSON_BYTES) {
            throw new IllegalStateException("manifest of " + slots.size() + " slots is " + json.length + " bytes, more than "
                    + MAX_JSON_BYTES + ": make the batch smaller");
        }
        return json;
    }

    /** The manifest in {@code json} (just opened by the key-service), or an {@link EventFormatException}. */
    public static BatchManifest fromJson(byte[] json) {
        return EventJson.read(json, BatchManifest.class, MAX_JSON_BYTES);
    }

    /** The HPKE associated data of this manifest: {@link ManifestAad#of} of its tenant, batch and key version. */
    public byte[] associatedData() {
        return ManifestAad.of(tenant, batchId, keyVersion);
    }

    /**
     * Checks that this manifest belongs to the envelope that carried it — an {@link EventFormatException}
     * naming the first field that differs. The HPKE associated data already binds tenant, batch and key
     * version; this also catches a slot count the scoring zone changed.
     */
    public void requireMatches(TenantId tenant, UUID batchId, int keyVersion, int slotCount) {
        if (!this.tenant.equals(tenant)) {
            throw new EventFormatException("manifest belongs to tenant " + this.tenant + ", envelope to " + tenant);
        }
        if (!this.batchId.equals(batchId)) {
            throw new EventFormatException("manifest belongs to batch " + this.batchId + ", envelope to " + batchId);
        }
        if (this.keyVersion != keyVersion) {
            throw new EventFormatException("manifest was sealed under key version " + this.keyVersion + ", envelope says " + keyVersion);
        }
        if (slots.size() != slotCount) {
            throw new EventFormatException("manifest has " + slots.size() + " slots, envelope says " + slotCount);
        }
    }
}
