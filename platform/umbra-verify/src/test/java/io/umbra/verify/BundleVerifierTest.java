package io.umbra.verify;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleVerifierTest {
    private static final byte[] DATA = "signed bundle content".getBytes(StandardCharsets.UTF_8);
    private static KeysetHandle signer;

    @BeforeAll
    static void keys() throws GeneralSecurityException {
        SignatureConfig.register();
        signer = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
    }

    private static String publicJson(KeysetHandle h) throws GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(h.getPublicKeysetHandle());
    }

    @Test
    void verifiesOnlyThePinnedKeysSignatureOverTheExactBytes() throws GeneralSecurityException {
        BundleVerifier v = BundleVerifier.fromKeyset(publicJson(signer));
        byte[] sig = signer.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(DATA);
        v.verify(sig, DATA);
        assertTrue(v.verifies(sig, DATA));
        byte[] other = DATA.clone();
        other[3] ^= 0x20;
        assertFalse(v.verifies(sig, other));
        KeysetHandle stranger = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
        assertFalse(v.verifies(stranger.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class).sign(DATA), DATA));
        assertThrows(GeneralSecurityException.class, () -> v.verify(new byte[69], DATA));
        assertEquals(BundleVerifier.fingerprintOf(signer.getPublicKeysetHandle()), v.fingerprint());
        assertTrue(v.fingerprint().matches("sha256:[0-9a-f]{64}"), v.fingerprint());
    }

    @Test
    void refusesPrivateKeysetsAndGarbage() throws GeneralSecurityException {
        String privateJson = TinkJsonProtoKeysetFormat.serializeKeyset(signer, InsecureSecretKeyAccess.get());
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> BundleVerifier.fromKeyset(privateJson));
        assertTrue(e.getMessage().contains("secret"), e.getMessage());
        for (String bad : new String[] {null, "", "  ", "{", "{\"primaryKeyId\":1,\"key\":[]}"}) {
            assertThrows(GeneralSecurityException.class, () -> BundleVerifier.fromKeyset(bad));
        }
    }
}
