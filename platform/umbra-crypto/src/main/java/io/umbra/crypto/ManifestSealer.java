package io.umbra.crypto;

import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.SealedManifest;

import java.security.GeneralSecurityException;

/**
 * Seals batch manifests to a tenant's key-service with HPKE, the tenant id, batch id and key version
 * as associated data ({@link BatchManifest#associatedData()}): a manifest moved to another tenant, batch
 * or key version does not open. Thread-safe.
 */
public final class ManifestSealer {
    private final HybridEncrypt hpke;

    /** A sealer to the public keyset of a tenant's public bundle; refuses a keyset that holds a private key. */
    public ManifestSealer(byte[] hpkePublicKeyset) throws GeneralSecurityException {
        Tink.register();
        KeysetHandle publicKeyset = TinkProtoKeysetFormat.parseKeysetWithoutSecret(hpkePublicKeyset);
        this.hpke = publicKeyset.getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
    }

    public SealedManifest seal(BatchManifest manifest) {
        try {
            return new SealedManifest(hpke.encrypt(manifest.toJson(), manifest.associatedData()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HPKE sealing failed", e);
        }
    }
}
