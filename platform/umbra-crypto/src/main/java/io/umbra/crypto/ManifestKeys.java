package io.umbra.crypto;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;

import java.security.GeneralSecurityException;

/**
 * A tenant's HPKE key pair for batch manifests (DHKEM X25519, HKDF-SHA256, AES-256-GCM). The private
 * half lives only in the key-service and only ever leaves memory wrapped by a {@link KeyEncryptionKey};
 * the public half goes into the tenant's public bundle.
 */
public final class ManifestKeys {
    /** Tink's name of the HPKE suite (RFC 9180) that seals manifests. */
    public static final String TEMPLATE = "DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM";
    private static final byte[] WRAP_CONTEXT = "umbra manifest HPKE private keyset".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final KeysetHandle privateKeyset;

    private ManifestKeys(KeysetHandle privateKeyset) {
        this.privateKeyset = privateKeyset;
    }

    /** A fresh key pair from Tink's CSPRNG. */
    public static ManifestKeys generate() {
        Tink.register();
        try {
            return new ManifestKeys(KeysetHandle.generateNew(KeyTemplates.get(TEMPLATE)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate an HPKE key pair", e);
        }
    }

    /** The key pair in {@code wrapped}, as {@link #wrap} wrote it, unwrapped with {@code kek} for {@code owner}. */
    public static ManifestKeys unwrap(byte[] wrapped, KeyEncryptionKey kek, String owner) throws GeneralSecurityException {
        Tink.register();
        return new ManifestKeys(TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek.aead(), context(owner)));
    }

    /** The private keyset encrypted by {@code kek}, bound to {@code owner} (e.g. "acme/v3"): what goes to disk. */
    public byte[] wrap(KeyEncryptionKey kek, String owner) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(privateKeyset, kek.aead(), context(owner));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not wrap the HPKE private keyset", e);
        }
    }

    /** The public keyset, binary: what the public bundle carries and {@link ManifestSealer} takes. */
    public byte[] publicKeyset() {
        try {
            return TinkProtoKeysetFormat.serializeKeysetWithoutSecret(privateKeyset.getPublicKeysetHandle());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not serialize the HPKE public keyset", e);
        }
    }

    /** The opener of manifests sealed to this key pair. */
    public ManifestOpener opener() {
        return new ManifestOpener(privateKeyset);
    }

    private static byte[] context(String owner) {
        byte[] o = owner.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] c = new byte[WRAP_CONTEXT.length + 1 + o.length];
        System.arraycopy(WRAP_CONTEXT, 0, c, 0, WRAP_CONTEXT.length);
        System.arraycopy(o, 0, c, WRAP_CONTEXT.length + 1, o.length);
        return c;
    }

    @Override
    public String toString() {
        return "ManifestKeys[HPKE X25519, private part not shown]";
    }

}
