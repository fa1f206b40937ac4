package io.umbra.crypto;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import io.umbra.events.TenantId;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestAad;
import io.umbra.events.manifest.SealedManifest;

import java.security.GeneralSecurityException;
import java.util.UUID;

/** Opens manifests sealed to one HPKE key pair (key-service only). Thread-safe. */
public final class ManifestOpener {
    private final HybridDecrypt hpke;

    ManifestOpener(KeysetHandle privateKeyset) {
        try {
            this.hpke = privateKeyset.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an HPKE private keyset", e);
        }
    }

    /**
     * The manifest, if it was sealed for exactly this tenant, batch and key version and lists
     * {@code slotCount} transactions; otherwise a {@link ManifestRefusedException} that says which check
     * failed (never what the manifest held).
     */
    public BatchManifest open(SealedManifest sealed, TenantId tenant, UUID batchId, int keyVersion, int slotCount) {
        byte[] json;
        try {
            json = hpke.decrypt(sealed.bytes(), ManifestAad.of(tenant, batchId, keyVersion));
        } catch (GeneralSecurityException e) {
            throw new ManifestRefusedException("MANIFEST_NOT_OPENED",
                    "the sealed manifest does not open for tenant " + tenant + ", batch " + batchId + ", key version " + keyVersion
                            + ": altered, or sealed for another tenant, batch or key");
        }
        BatchManifest manifest;
        try {
            manifest = BatchManifest.fromJson(json);
        } catch (RuntimeException e) {
            throw new ManifestRefusedException("MANIFEST_MALFORMED", "the opened manifest is not a valid manifest");
        }
        try {
            manifest.requireMatches(tenant, batchId, keyVersion, slotCount);
        } catch (RuntimeException e) {
            throw new ManifestRefusedException("MANIFEST_MISMATCH", e.getMessage());
        }
        return manifest;
    }
}
