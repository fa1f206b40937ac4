package io.umbra.k8s;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;

import java.security.GeneralSecurityException;

/** Real Ed25519 keysets, made as the key-service makes its bundle-signing key (no stand-ins for crypto). */
final class TestKeys {
    private TestKeys() {
    }

    /** A fresh signing key pair: its private keyset (JSON) and its public keyset (JSON), the one to pin. */
    record Pair(String privateKeyset, String publicKeyset) {
    }

    static Pair ed25519() {
        try {
            SignatureConfig.register();
            KeysetHandle signing = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
            return new Pair(TinkJsonProtoKeysetFormat.serializeKeyset(signing, InsecureSecretKeyAccess.get()),
                    TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(signing.getPublicKeysetHandle()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key-service's answer to GET /keys/verification-key for {@code tenant}. */
    static String keyServiceAnswer(String tenant, PinnedVerificationKey key) {
        return "{\"tenant\":\"" + tenant + "\",\"fingerprint\":\"" + key.fingerprint() + "\",\"keyset\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(key.keysetJson()) + "}";
    }

    /**
     * The three public keysets of a signing-key rotation, made with Tink as umbra-crypto's SigningKeyset makes them:
     * before (the old key), the window (old + new, the old one primary), after (the new key alone).
     */
    record Rotation(String before, String window, String after) {
    }

    static Rotation rotation() {
        try {
            SignatureConfig.register();
            KeysetHandle old = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
            KeysetHandle.Builder b = KeysetHandle.newBuilder(old);
            b.addEntry(KeysetHandle.generateEntryFromParametersName("ED25519").withRandomId());
            KeysetHandle window = b.build();
            KeysetHandle.Builder r = KeysetHandle.newBuilder(window);
            r.getAt(1).makePrimary();
            r.deleteAt(0);
            KeysetHandle after = r.build();
            return new Rotation(TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(old.getPublicKeysetHandle()),
                    TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(window.getPublicKeysetHandle()),
                    TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(after.getPublicKeysetHandle()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
