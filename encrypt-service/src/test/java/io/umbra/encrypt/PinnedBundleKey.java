package io.umbra.encrypt;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.umbra.crypto.BundleSigningKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Plays the tenant's provisioning for the service under test: makes the key-service's bundle-signing
 * key and pins its public half in a file the service reads at start ({@code UMBRA_BUNDLE_VERIFICATION_KEY_FILE}).
 */
public class PinnedBundleKey implements QuarkusTestResourceLifecycleManager {
    static final BundleSigningKey SIGNER = BundleSigningKey.generate();

    @Override
    public Map<String, String> start() {
        try {
            Path file = Files.createTempFile("acme-bundle-verification", ".json");
            Files.writeString(file, SIGNER.verificationKeyset());
            return Map.of("umbra.bundle-verification-key-file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
