package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.manifest.BatchManifest;

import java.util.Objects;
import java.util.UUID;

/**
 * What both envelopes say about a batch in the clear: whose it is, which batch, under which key version,
 * how many slots are filled, which feature schema version the columns follow. Nothing about any
 * transaction.
 *
 * @param tenant               the owning tenant (also the topic prefix; a consumer checks they agree)
 * @param batchId              random per batch, chosen by the encrypt-service
 * @param keyVersion           the version of the tenant's public bundle the batch was encrypted under, ≥ 1
 * @param slotCount            filled slots, 1 to {@link BatchManifest#MAX_SLOTS}; the rest are zero padding
 * @param featureSchemaVersion the {@code FeatureSchema} version the ciphertext columns follow, 1 to 65535
 */
public record BatchHeader(TenantId tenant, UUID batchId, int keyVersion, int slotCount, int featureSchemaVersion) {
    public BatchHeader {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(batchId, "batchId");
        if (keyVersion < 1) {
            throw new IllegalArgumentException("key version must be ≥ 1, not " + keyVersion);
        }
        if (slotCount < 1 || slotCount > BatchManifest.MAX_SLOTS) {
            throw new IllegalArgumentException("slot count must be 1 to " + BatchManifest.MAX_SLOTS + ", not " + slotCount);
        }
        if (featureSchemaVersion < 1 || featureSchemaVersion > 0xFFFF) {
            throw new IllegalArgumentException("feature schema version must be 1 to 65535, not " + featureSchemaVersion);
        }
    }
}
