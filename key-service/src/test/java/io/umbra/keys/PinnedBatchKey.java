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
 * Plays the onboarding of a new tenant for the test: makes a fresh batch-signing key where an encrypt-service
 * would keep it, and points the key-service under test at a pin file ({@code umbra.batch-verification-key-file})
 * that does not exist yet, as on Kubernetes before {@code tenant apply --batch-verification-key}. The test
 * pins the public half with {@link #pin()} and signs its batches with {@link #signer()}.
 */
public class PinnedBatchKey implements QuarkusTestResourceLifecycleManager {
    static final Path DIR = Path.of("target/test-batch-signing/acme");
    /** Where the key-service reads its pinned key (the ConfigMap's mount on Kubernetes). */
    static final Path PINNED = Path.of("target/test-batch-signing/pinned/batch-verification.json");

    @Override
    public Map<String, String> start() {
        try {
            for (Path dir : new Path[] {DIR, PINNED.getParent()}) {
                if (Files.exists(dir)) {
                    try (Stream<Path> walk = Files.walk(dir)) {
                        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(p);
                        }
                    }
                }
            }
            signer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("umbra.batch-verification-key-file", PINNED.toString());
    }

    /** The operator's pin: the encrypt-service's batch-verification.json, written in one move as kubelet swaps a ConfigMap's files. */
    static void pin() {
        try {
            Files.createDirectories(PINNED.getParent());
            Path tmp = PINNED.resolveSibling(".pin.tmp");
            Files.copy(DIR.resolve(BatchSigningKey.VERIFICATION_FILE), tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, PINNED, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
