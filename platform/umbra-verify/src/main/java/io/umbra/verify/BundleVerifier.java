package io.umbra.verify;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Verifies a tenant's public bundles against its bundle-verification key, pinned at provisioning (a
 * Tink keyset in JSON holding only Ed25519 public keys: one, or two during a signing-key rotation, when a
 * signature by either verifies). Public material only: this is the one
 * Tink class the scoring pool uses, and it can neither sign nor decrypt. A keyset that carries private
 * key material is refused — pinning the signing key by mistake would spread it.
 *
 * <p>The signing half is umbra-crypto's {@code BundleSigningKey}, in the bank zone.
 */
public final class BundleVerifier {
    private final KeysetHandle keyset;
    private final PublicKeyVerify verify;
    private final String fingerprint;

    private BundleVerifier(KeysetHandle keyset, PublicKeyVerify verify, String fingerprint) {
        this.keyset = keyset;
        this.verify = verify;
        this.fingerprint = fingerprint;
    }

    /** The verifier of the public keyset in {@code keysetJson}; an exception if it is not one, or holds secret material. */
    public static BundleVerifier fromKeyset(String keysetJson) throws GeneralSecurityException {
        registerSignatures();
        if (keysetJson == null || keysetJson.isBlank()) {
            throw new GeneralSecurityException("the bundle-verification key is empty");
        }
        KeysetHandle keyset;
        try {
            // parseKeysetWithoutSecret refuses any keyset with secret key material
            keyset = TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(keysetJson);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new GeneralSecurityException("the bundle-verification key is not a Tink public keyset in JSON (or it holds secret"
                    + " key material, which must never be pinned): " + e.getClass().getSimpleName(), e);
        }
        return new BundleVerifier(keyset, keyset.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class), fingerprintOf(keyset));
    }

    private static volatile boolean registered;

    /** Only Tink's signature primitives: the scoring pool never registers AEAD or hybrid decryption. */
    private static void registerSignatures() throws GeneralSecurityException {
        if (!registered) {
            synchronized (BundleVerifier.class) {
                if (!registered) {
                    SignatureConfig.register();
                    registered = true;
                }
            }
        }
    }

    /** Returns normally if {@code signature} is a valid signature of {@code data} under the pinned key, else throws. */
    public void verify(byte[] signature, byte[] data) throws GeneralSecurityException {
        verify.verify(signature, data);
    }

    /** Whether {@code signature} verifies over {@code data}. */
    public boolean verifies(byte[] signature, byte[] data) {
        try {
            verify.verify(signature, data);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Whether the two public keysets have a key in common (the same public key under the same Tink key id).
     * During a signing-key rotation the keyset to pin next still holds the key pinned now (after the add
     * phase: old and new; after the retire phase: the new key the pinned keyset already held); a keyset
     * sharing no key with the pinned one is another signer altogether.
     */
    public boolean sharesAKeyWith(BundleVerifier other) {
        for (int i = 0; i < keyset.size(); i++) {
            for (int j = 0; j < other.keyset.size(); j++) {
                if (keyset.getAt(i).getId() == other.keyset.getAt(j).getId()
                        && keyset.getAt(i).getKey().equalsKey(other.keyset.getAt(j).getKey())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How many keys the pinned keyset holds: 2 during a signing-key rotation's overlap window, else 1. */
    public int keyCount() {
        return keyset.size();
    }

    /** {@code sha256:} and the hex SHA-256 of the public keyset's binary form: what operators compare when pinning. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The fingerprint of a public keyset, as {@link #fingerprint()} reports it. */
    public static String fingerprintOf(KeysetHandle publicKeyset) throws GeneralSecurityException {
        byte[] bytes = TinkProtoKeysetFormat.serializeKeysetWithoutSecret(publicKeyset);
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "BundleVerifier[" + fingerprint + "]";
    }
}
