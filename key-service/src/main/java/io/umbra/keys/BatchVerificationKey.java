package io.umbra.keys;

import io.umbra.verify.BundleVerifier;
import io.umbra.verify.PinnedKeyFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The encrypt-service's batch-verification key as pinned at the key-service ({@code UMBRA_BATCH_VERIFICATION_KEY}
 * or {@code _FILE}): the public half of the tenant's batch-signing key (umbra-crypto's
 * {@code BatchSigningKey}). Required: a key-service without it would open batches the scoring pool made up.
 * A keyset with private key material is refused (umbra-verify), so the signing key is never pinned by mistake.
 * A pinned file is read again whenever it changes (umbra-verify's {@code PinnedKeyFile}): re-pinning the public
 * keyset during a batch-signing key rotation takes effect without a restart.
 *
 * <p>A configured file that does not exist yet is the first onboarding of a tenant: the encrypt-service makes
 * its batch-signing key only once it runs, and it runs only once the key-service's bundle key is pinned. The
 * key-service then starts without decrypting and waits for the file ({@link #loadIfPinned}).
 */
final class BatchVerificationKey {
    private static final Logger LOG = LoggerFactory.getLogger(BatchVerificationKey.class);
    private BatchVerificationKey() {
    }

    /**
     * The pinned key; empty if only {@code UMBRA_BATCH_VERIFICATION_KEY_FILE} is configured and the file does
     * not exist yet. Throws if neither is configured, or if what is pinned cannot be read or is not a public keyset.
     */
    static Optional<Supplier<BundleVerifier>> loadIfPinned(KeyServiceConfig config) {
        String json;
        if (config.batchVerificationKey().isPresent()) {
            json = config.batchVerificationKey().get();
        } else if (config.batchVerificationKeyFile().isPresent()) {
            Path file = Path.of(config.batchVerificationKeyFile().get());
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try {
                // read again whenever the file changes: a re-pin during a batch-signing key rotation needs no restart
                PinnedKeyFile pinned = PinnedKeyFile.open(file, notice -> LOG.warn("tenant {}: batch-verification key {}", config.tenant(),
                        notice));
                return Optional.of(pinned::current);
            } catch (IOException e) {
                throw new IllegalStateException("UMBRA_BATCH_VERIFICATION_KEY_FILE " + file + " cannot be read: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the pinned batch-verification key of tenant " + config.tenant() + " is unusable: "
                        + e.getMessage(), e);
            }
        } else {
            throw new IllegalStateException("no batch-verification key is pinned for tenant " + config.tenant() + ": set"
                    + " UMBRA_BATCH_VERIFICATION_KEY_FILE (or UMBRA_BATCH_VERIFICATION_KEY) to the encrypt-service's batch-verification.json"
                    + " (docs/SECURITY.md); without it the key-service could not tell the bank's batches from the scoring pool's");
        }
        try {
            BundleVerifier fixed = BundleVerifier.fromKeyset(json);
            return Optional.of(() -> fixed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the pinned batch-verification key of tenant " + config.tenant() + " is unusable: "
                    + e.getMessage(), e);
        }
    }
}
