package io.umbra.crypto;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.signature.SignatureConfig;

import java.security.GeneralSecurityException;

/** Registers the Tink primitives Umbra uses, once per JVM. */
final class Tink {
    private static volatile boolean registered;

    private Tink() {
    }

    static void register() {
        if (registered) {
            return;
        }
        synchronized (Tink.class) {
            if (!registered) {
                try {
                    AeadConfig.register();
                    HybridConfig.register();
                    SignatureConfig.register();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("Tink could not register its primitives", e);
                }
                registered = true;
            }
        }
    }
}
