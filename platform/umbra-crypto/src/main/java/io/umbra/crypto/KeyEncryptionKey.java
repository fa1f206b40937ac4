package io.umbra.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.umbra.files.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The AEAD key that wraps a tenant's secret material at rest (Tink AES-256-GCM). By default a local
 * keyset file, created with owner-only permissions on first use and never overwritten; in production
 * a KMS key named by a Tink key URI ({@link #fromKmsUri}: {@code gcp-kms://…}, {@code aws-kms://…},
 * or {@code local-kms://…} for development), whose master key never leaves the KMS; or any Tink
 * {@link Aead} ({@link #of}). {@link #open} picks between the first two from configuration.
 *
 * <p>Wrapping binds associated data (what the blob is and whose), so a wrapped secret key copied over
 * another tenant's file does not unwrap.
 */
public final class KeyEncryptionKey {
    private static final Logger LOG = LoggerFactory.getLogger(KeyEncryptionKey.class);

    private final Aead aead;
    private final String description;

    private KeyEncryptionKey(Aead aead, String description) {
        this.aead = aead;
        this.description = description;
    }

    /** A key-encryption key backed by any Tink AEAD (a KMS key in production). */
    public static KeyEncryptionKey of(Aead aead, String description) {
        Tink.register();
        return new KeyEncryptionKey(Objects.requireNonNull(aead, "aead"), Objects.requireNonNull(description, "description"));
    }

    /**
     * The service's key-encryption key from its configuration: the KMS key {@code kmsKeyUri} when one is
     * given (then {@code localKeysetFile} is neither created nor read), else the local keyset file
     * {@code localKeysetFile} (see {@link #localKeyset}). A blank URI counts as none.
     */
    public static KeyEncryptionKey open(Optional<String> kmsKeyUri, Path localKeysetFile) throws IOException, GeneralSecurityException {
        Optional<String> uri = kmsKeyUri.map(String::strip).filter(u -> !u.isEmpty());
        if (uri.isPresent()) {
            return fromKmsUri(uri.get());
        }
        return localKeyset(localKeysetFile);
    }

    /**
     * The KMS key named by the Tink key URI {@code keyUri}. The registered Tink {@link KmsClient} that
     * supports the URI is used; Umbra registers its {@link LocalKmsClient} ({@code local-kms://}) and,
     * when their jars are on the classpath, Tink's GCP ({@code gcp-kms://}) and AWS ({@code aws-kms://})
     * clients with the platform's default credentials.
     *
     * <p>Secrets are envelope-encrypted: each wrap draws a fresh AES-256-GCM data key, encrypts the
     * secret with it locally (bound to the associated data) and has the KMS encrypt the data key. So a
     * secret of any size takes one KMS call (KMS requests are limited to 64 KiB on GCP, 4 KiB on AWS)
     * and the master key never leaves the KMS. The key is tried once (a wrap and an unwrap) before it is
     * returned, so a missing permission stops the service at start, not at its first key rotation.
     *
     * @throws GeneralSecurityException naming the supported prefixes and the jar to add when no client
     *                                  supports the URI, or the KMS's refusal when the key is unusable
     */
    public static KeyEncryptionKey fromKmsUri(String keyUri) throws GeneralSecurityException {
        Tink.register();
        if (keyUri == null || keyUri.isBlank()) {
            throw new GeneralSecurityException("no KMS key URI given. Supported prefixes: " + KmsClientLookup.supportedPrefixes());
        }
        String uri = keyUri.strip();
        KmsClient client = KmsClientLookup.clientFor(uri);
        Aead envelope;
        try {
            envelope = KmsEnvelopeAead.create(PredefinedAeadParameters.AES256_GCM, client.getAead(uri));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("the KMS key " + uri + " cannot be used: " + e.getMessage(), e);
        }
        probe(envelope, uri);
        if (uri.startsWith(LocalKmsClient.PREFIX)) {
            LOG.warn("key-encryption key: the development KMS key {} (a keyset file on this machine); use a cloud KMS key in production", uri);
        } else {
            LOG.info("key-encryption key: KMS key {} (envelope encryption; the master key stays in the KMS)", uri);
        }
        return new KeyEncryptionKey(envelope, "KMS key " + uri);
    }

    /** One wrap and unwrap of a fixed, non-secret text: proves encrypt and decrypt permission on the key. */
    private static void probe(Aead envelope, String uri) throws GeneralSecurityException {
        byte[] text = "umbra key-encryption key probe".getBytes(StandardCharsets.US_ASCII);
        byte[] context = "umbra/kek-probe".getBytes(StandardCharsets.US_ASCII);
        byte[] back;
        try {
            back = envelope.decrypt(envelope.encrypt(text, context), context);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("the KMS key " + uri + " refused a trial wrap/unwrap (does this service have encrypt and"
                    + " decrypt permission on it? GCP: cloudkms.cryptoKeyVersions.useToEncrypt/useToDecrypt, AWS: kms:Encrypt/kms:Decrypt): "
                    + e.getMessage(), e);
        }
        if (!Arrays.equals(text, back)) {
            throw new GeneralSecurityException("the KMS key " + uri + " did not give back what it wrapped");
        }
    }

    /**
     * The local keyset file at {@code file}: read if it exists, else created (AES-256-GCM, owner-only,
     * written atomically, never overwritten: a second process racing to create it reads the winner's).
     */
    public static KeyEncryptionKey localKeyset(Path file) throws IOException, GeneralSecurityException {
        Tink.register();
        if (!Files.exists(file)) {
            createKeysetFile(file, "local key-encryption keyset");
        }
        OwnerOnlyKeyset.require(file); // a keyset others may read is a key others may have
        KeysetHandle keyset = TinkProtoKeysetFormat.parseKeyset(Files.readAllBytes(file), InsecureSecretKeyAccess.get());
        return new KeyEncryptionKey(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class), "local keyset " + file);
    }

    /** A new AES-256-GCM keyset file (owner-only, atomic, never overwriting); {@code what} names it in the log. */
    static void createKeysetFile(Path file, String what) throws IOException, GeneralSecurityException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        KeysetHandle keyset = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM"));
        byte[] bytes = TinkProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        if (!SecretFiles.hasPosixPermissions(file)) {
            LOG.warn("the file system of {} has no POSIX permissions: protect the keyset file by other means", file);
        }
        // Never overwriting: a second process racing to create it must not replace a key-encryption key in use.
        if (SecretFiles.writeOnce(file, bytes)) {
            LOG.info("created a new {} at {} (owner-only); back it up: the secrets wrapped under it are useless without it",
                    what, file);
        } else {
            LOG.info("another process created the {} at {} first; using it", what, file);
        }
    }

    /** {@code secret} encrypted and authenticated, bound to {@code associatedData}. */
    public byte[] wrap(byte[] secret, byte[] associatedData) {
        try {
            return aead.encrypt(secret, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key-encryption key " + description + " could not wrap", e);
        }
    }

    /** The secret {@link #wrap} wrapped with the same associated data; an exception if altered or bound to other data. */
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(wrapped, associatedData);
    }

    Aead aead() {
        return aead;
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[" + description + "]";
    }
}
