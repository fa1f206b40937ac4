package io.umbra.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A key management service for development and tests, behind Tink's {@link KmsClient} interface like
 * the GCP and AWS clients: the key URI {@code local-kms:///abs/path/master.keyset} names a Tink
 * AES-256-GCM keyset file that plays the KMS's master key. Callers get an {@link Aead} that encrypts
 * and decrypts with it; the master key itself is never handed out (there is no getter, and the
 * {@code Aead}'s {@code toString} names only the URI).
 *
 * <p>Like a real KMS it never invents a key on {@link #getAead}: a URI naming a missing file is an
 * error (a typo must not silently start a new master key). Create the master key once with
 * {@link #createMasterKey}. Not for production: the master key is a plain file on the same machine.
 */
public final class LocalKmsClient implements KmsClient {
    /** The URI scheme this client answers to; an absolute path follows it. */
    public static final String PREFIX = "local-kms://";

    private final String boundKeyUri;

    /** A client for every {@code local-kms://} key. */
    public LocalKmsClient() {
        this.boundKeyUri = null;
    }

    /** A client for the one key {@code keyUri}, as Tink's cloud clients can be bound. */
    public LocalKmsClient(String keyUri) {
        if (keyUri == null || !keyUri.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a local KMS key URI starts with " + PREFIX);
        }
        this.boundKeyUri = keyUri;
    }

    /** The key URI of the master keyset file {@code file}. */
    public static String keyUri(Path file) {
        return PREFIX + file.toAbsolutePath().normalize();
    }

    /**
     * Creates a new master key at {@code file} (owner-only, never overwriting an existing one: a second
     * call keeps the first key) and returns its key URI.
     */
    public static String createMasterKey(Path file) throws IOException, GeneralSecurityException {
        Tink.register();
        if (!Files.exists(file)) {
            KeyEncryptionKey.createKeysetFile(file, "local KMS master key");
        }
        return keyUri(file);
    }

    @Override
    public boolean doesSupport(String keyUri) {
        if (keyUri == null || !keyUri.startsWith(PREFIX)) {
            return false;
        }
        return boundKeyUri == null || boundKeyUri.equals(keyUri);
    }

    /** The local KMS has no credentials: the file system's permissions guard the master key. */
    @Override
    public KmsClient withCredentials(String credentialPath) {
        return this;
    }

    @Override
    public KmsClient withDefaultCredentials() {
        return this;
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
        if (!doesSupport(keyUri)) {
            throw new GeneralSecurityException("this local KMS client does not serve the key URI "
                    + (keyUri == null ? "null" : schemeOf(keyUri) + "://…")
                    + (boundKeyUri == null ? "" : " (it is bound to " + boundKeyUri + ")"));
        }
        Path file = masterKeyFile(keyUri);
        byte[] keyset;
        try {
            keyset = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new GeneralSecurityException("local KMS: no master key at " + file
                    + " (create it once with LocalKmsClient.createMasterKey; a KMS never invents a key on use)");
        } catch (IOException e) {
            throw new GeneralSecurityException("local KMS: cannot read the master key file " + file + ": " + e.getClass().getSimpleName());
        }
        Tink.register();
        Aead master;
        try {
            master = TinkProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get())
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            // the parser's message could quote key bytes: name the file only
            throw new GeneralSecurityException("local KMS: " + file + " is not a Tink AEAD keyset");
        } finally {
            java.util.Arrays.fill(keyset, (byte) 0);
        }
        return new MasterKeyAead(master, keyUri);
    }

    private static Path masterKeyFile(String keyUri) throws GeneralSecurityException {
        String path = keyUri.substring(PREFIX.length());
        Path file;
        try {
            file = Path.of(path);
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("local KMS: the key URI " + keyUri + " does not name a file path");
        }
        if (!file.isAbsolute()) {
            throw new GeneralSecurityException("local KMS: the key URI must name an absolute path, as "
                    + PREFIX + "/var/lib/umbra/master.keyset; got " + keyUri);
        }
        return file.normalize();
    }

    static String schemeOf(String keyUri) {
        int end = keyUri.indexOf("://");
        String scheme = end < 0 ? "(no scheme)" : keyUri.substring(0, end);
        return scheme.length() > 24 ? scheme.substring(0, 24) + "…" : scheme;
    }

    /** The master key's AEAD, holding the key where no caller can read it out. */
    private static final class MasterKeyAead implements Aead {
        private final Aead master;
        private final String keyUri;

        MasterKeyAead(Aead master, String keyUri) {
            this.master = Objects.requireNonNull(master);
            this.keyUri = keyUri;
        }

        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            return master.encrypt(plaintext, associatedData);
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            return master.decrypt(ciphertext, associatedData);
        }

        @Override
        public String toString() {
            return "local KMS key " + keyUri;
        }
    }
}
