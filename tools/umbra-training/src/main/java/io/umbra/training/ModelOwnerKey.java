package io.umbra.training;

import io.umbra.crypto.BundleSigningKey;
import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelCard;
import io.umbra.model.SignedModel;
import io.umbra.model.SignedModelCard;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * The model owner's signing key: a Tink Ed25519 key held by umbra-crypto's {@link BundleSigningKey}
 * (same key handling: wrapped at rest by a {@link KeyEncryptionKey}, created once, never overwritten)
 * in a directory of its own, bound to the owner name {@code model-owner/<owner>} so it never unwraps as
 * a tenant's bundle-signing key. Model signatures are domain-separated ({@link SignedModel}), so even
 * the same key could not make a bundle signature pass as a model's.
 *
 * <pre>
 * &lt;dir&gt;/bundle-signing.wrapped        the private keyset, wrapped (file name from BundleSigningKey)
 * &lt;dir&gt;/bundle-verification.json      its public half: the model-verification key to pin
 * &lt;dir&gt;/model-owner-kek.keyset        the local key-encryption key, unless a KMS key URI is given
 * </pre>
 */
public final class ModelOwnerKey {
    public static final String LOCAL_KEK_FILE = "model-owner-kek.keyset";
    private final BundleSigningKey key;

    private ModelOwnerKey(BundleSigningKey key) {
        this.key = key;
    }

    /** The owner's key in {@code dir}, created on first use; wrapped by the KMS key {@code kmsKeyUri} if given, else a local keyset. */
    public static ModelOwnerKey openOrCreate(Path dir, String owner, Optional<String> kmsKeyUri) throws IOException, GeneralSecurityException {
        KeyEncryptionKey kek = KeyEncryptionKey.open(kmsKeyUri, dir.resolve(LOCAL_KEK_FILE));
        return new ModelOwnerKey(BundleSigningKey.openOrCreate(dir, "model-owner/" + owner, kek));
    }

    /** A fresh key that exists only in memory (tests). */
    public static ModelOwnerKey ephemeral() {
        return new ModelOwnerKey(BundleSigningKey.generate());
    }

    /** The signed file of {@code artifact}. */
    public byte[] sign(ModelArtifact artifact) {
        return SignedModel.sign(artifact, key::sign, key.fingerprint());
    }

    /** The signed card of {@code artifact}: its public facts and threshold, for the banks it is served to ({@link ModelCard}). */
    public byte[] signCard(ModelArtifact artifact) {
        return SignedModelCard.sign(ModelCard.of(artifact), key::sign, key.fingerprint());
    }

    /** The public keyset (Tink JSON) to pin where models are loaded. */
    public String verificationKeyset() {
        return key.verificationKeyset();
    }

    public String fingerprint() {
        return key.fingerprint();
    }

    @Override
    public String toString() {
        return "ModelOwnerKey[" + key.fingerprint() + "]";
    }
}
