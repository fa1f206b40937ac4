package io.umbra.crypto;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import io.umbra.files.SecretFiles;
import io.umbra.verify.BundleVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * A tenant's batch-signing key (Tink Ed25519), held by its encrypt-service: every encrypted batch is
 * signed with it ({@code io.umbra.events.envelope.BatchSignature}), and the key-service verifies the
 * signature against the public half pinned at provisioning before it opens anything. Without it, the
 * scoring pool could seal a manifest of its own making (HPKE base mode authenticates nobody) and have
 * the bank decrypt and alert on transactions that never happened.
 *
 * <p>A bank-zone secret: on disk only wrapped by the encrypt-service's {@link KeyEncryptionKey}, bound
 * to the tenant id, beside its public half (what the key-service pins):
 *
 * <pre>
 * batch-signing.wrapped       the Ed25519 private keyset, encrypted by the key-encryption key
 * batch-verification.json     the public keyset: pin it at the key-service (UMBRA_BATCH_VERIFICATION_KEY_FILE)
 * </pre>
 *
 * Created once (by the provisioning step or the encrypt-service's first start), never overwritten.
 */
public final class BatchSigningKey {
    private static final Logger LOG = LoggerFactory.getLogger(BatchSigningKey.class);
    public static final String WRAPPED_FILE = "batch-signing.wrapped";
    public static final String VERIFICATION_FILE = "batch-verification.json";

    private final KeysetHandle privateKeyset;
    private final PublicKeySign sign;
    private final String verificationKeyset;
    private final String fingerprint;

    private BatchSigningKey(KeysetHandle privateKeyset) throws GeneralSecurityException {
        this.privateKeyset = privateKeyset;
        this.sign = privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        KeysetHandle publicKeyset = privateKeyset.getPublicKeysetHandle();
        this.verificationKeyset = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(publicKeyset);
        this.fingerprint = BundleVerifier.fingerprintOf(publicKeyset);
    }

    /** A fresh Ed25519 key from Tink's CSPRNG (tests; services use {@link #openOrCreate}). */
    public static BatchSigningKey generate() {
        Tink.register();
        try {
            return new BatchSigningKey(KeysetHandle.generateNew(KeyTemplates.get("ED25519")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate an Ed25519 key", e);
        }
    }

    /**
     * The tenant's batch-signing key in {@code dir}: unwrapped if {@link #WRAPPED_FILE} exists, else
     * generated, wrapped with {@code kek} and written with its public half, never replacing a file.
     */
    public static BatchSigningKey openOrCreate(Path dir, String tenant, KeyEncryptionKey kek) throws IOException, GeneralSecurityException {
        Tink.register();
        Path wrappedFile = dir.resolve(WRAPPED_FILE);
        if (!Files.exists(wrappedFile)) {
            BatchSigningKey fresh = generate();
            Files.createDirectories(dir);
            if (writeOnce(wrappedFile, fresh.wrap(kek, tenant))) {
                LOG.info("tenant {}: created the batch-signing key (Ed25519, wrapped by {}); verification key {} written to {}: pin it"
                        + " at the key-service", tenant, kek, fresh.fingerprint, dir.resolve(VERIFICATION_FILE));
            }
        }
        BatchSigningKey key = unwrap(Files.readAllBytes(wrappedFile), kek, tenant);
        Path verification = dir.resolve(VERIFICATION_FILE);
        if (!Files.exists(verification)) {
            writeOnce(verification, key.verificationKeyset.getBytes(StandardCharsets.UTF_8));
        } else if (!Files.readString(verification, StandardCharsets.UTF_8).equals(key.verificationKeyset)) {
            throw new GeneralSecurityException(verification + " does not hold the public half of " + wrappedFile
                    + ": the files of two batch-signing keys are mixed; restore both from the same backup");
        }
        return key;
    }

    /** The key in {@code wrapped}, unwrapped with {@code kek} for {@code tenant}; an exception if altered or another tenant's. */
    public static BatchSigningKey unwrap(byte[] wrapped, KeyEncryptionKey kek, String tenant) throws GeneralSecurityException {
        Tink.register();
        return new BatchSigningKey(TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek.aead(), context(tenant)));
    }

    /** The private keyset encrypted by {@code kek}, bound to {@code tenant}. */
    public byte[] wrap(KeyEncryptionKey kek, String tenant) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(privateKeyset, kek.aead(), context(tenant));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not wrap the batch-signing keyset", e);
        }
    }

    /** The signature of {@code data} (thread-safe). */
    public byte[] sign(byte[] data) {
        try {
            return sign.sign(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not sign", e);
        }
    }

    /** The public keyset in Tink's JSON format: what the key-service pins. */
    public String verificationKeyset() {
        return verificationKeyset;
    }

    public String fingerprint() {
        return fingerprint;
    }

    /** A verifier of this key's signatures. */
    public BundleVerifier verifier() {
        try {
            return BundleVerifier.fromKeyset(verificationKeyset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the public half of a fresh signing key does not parse", e);
        }
    }

    private static byte[] context(String tenant) {
        return ("umbra batch-signing keyset\0" + tenant).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean writeOnce(Path file, byte[] bytes) throws IOException {
        if (!SecretFiles.hasPosixPermissions(file)) {
            LOG.warn("the file system of {} has no POSIX permissions: protect the batch-signing key by other means", file);
        }
        return SecretFiles.writeOnce(file, bytes); // the first writer wins, a later one reads the winner's
    }

    @Override
    public String toString() {
        return "BatchSigningKey[Ed25519, " + fingerprint + ", private part not shown]";
    }
}
