package io.umbra.encrypt;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.umbra.crypto.BundleSigningKey;
import io.umbra.crypto.KeyEncryptionKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.Map;

/**
 * Plays the tenant's provisioning for the service under test: makes the key-service's bundle-signing
 * key (in a key directory of its own, so a test can rotate it) and pins its public half in a file the
 * service reads ({@code UMBRA_BUNDLE_VERIFICATION_KEY_FILE}); {@link #repin()} pins the keyset's public
 * half again, replacing the file in one move as kubelet swaps a ConfigMap's files.
 */
public class PinnedBundleKey implements QuarkusTestResourceLifecycleManager {
    static final Path KEY_DIR;
    static final KeyEncryptionKey KEK;
    static final BundleSigningKey SIGNER;
    static final Path PINNED;

    static {
        try {
            KEY_DIR = Files.createTempDirectory("acme-bundle-signing");
            KEK = KeyEncryptionKey.localKeyset(KEY_DIR.resolve("kek.keyset"));
            SIGNER = BundleSigningKey.openOrCreate(KEY_DIR, "acme", KEK);
            PINNED = Files.createTempDirectory("acme-pinned").resolve("acme.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        repin();
        return Map.of("umbra.bundle-verification-key-file", PINNED.toString());
    }

    /** The key as its directory holds it now (after a rotation's phase: the keyset's primary signs). */
    static BundleSigningKey current() {
        try {
            return BundleSigningKey.openOrCreate(KEY_DIR, "acme", KEK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pins the key directory's public keyset as it is now. */
    static void repin() {
        try {
            Path tmp = PINNED.resolveSibling(".acme.json.tmp");
            Files.copy(KEY_DIR.resolve(BundleSigningKey.VERIFICATION_FILE), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, PINNED, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
