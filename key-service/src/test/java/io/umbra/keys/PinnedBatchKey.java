package io.umbra.keys;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.umbra.crypto.BatchSigningKey;
import io.umbra.crypto.KeyEncryptionKey;
import io.umbra.events.envelope.BatchHeader;
import io.umbra.events.envelope.BatchSignature;
import io.umbra.events.manifest.SealedManifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Plays the provisioning step for the test: makes a fresh batch-signing key where an encrypt-service
 * would keep it and pins its public half at the key-service under test
 * ({@code umbra.batch-verification-key-file}). The test signs its batches with {@link #signer()}.
 */
public class PinnedBatchKey implements QuarkusTestResourceLifecycleManager {
    static final Path DIR = Path.of("target/test-batch-signing/acme");

    @Override
    public Map<String, String> start() {
        try {
            if (Files.exists(DIR)) {
                try (Stream<Path> walk = Files.walk(DIR)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            signer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("umbra.batch-verification-key-file", DIR.resolve(BatchSigningKey.VERIFICATION_FILE).toString());
    }

    /** The encrypt-service's key, as the test plays it. */
    static BatchSigningKey signer() {
        try {
            return BatchSigningKey.openOrCreate(DIR, "acme", KeyEncryptionKey.localKeyset(DIR.resolve("kek.keyset")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signature the encrypt-service would put on a batch of these parts. */
    static byte[] sign(BatchSigningKey key, BatchHeader header, Instant createdAt, byte[] ciphertextDigest, SealedManifest manifest) {
        return key.sign(BatchSignature.contentToSign(header, createdAt, ciphertextDigest, manifest));
    }

    @Override
    public void stop() {
    }
}
