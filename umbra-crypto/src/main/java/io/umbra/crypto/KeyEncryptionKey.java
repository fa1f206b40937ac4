package io.umbra.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Set;

/**
 * The AEAD key that wraps a tenant's secret material at rest (Tink AES-256-GCM). By default a local
 * keyset file, created with owner-only permissions on first use and never overwritten; in production
 * any Tink {@link Aead}, e.g. a cloud KMS key through Tink's KMS clients ({@link #of}).
 *
 * <p>Wrapping binds associated data (what the blob is and whose), so a wrapped secret key copied over
 * another tenant's file does not unwrap.
 */
public final class KeyEncryptionKey {
    private static final Logger LOG = LoggerFactory.getLogger(KeyEncryptionKey.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

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
     * The local keyset file at {@code file}: read if it exists, else created (AES-256-GCM, owner-only,
     * written atomically, never overwritten: a second process racing to create it reads the winner's).
     */
    public static KeyEncryptionKey localKeyset(Path file) throws IOException, GeneralSecurityException {
        Tink.register();
        if (!Files.exists(file)) {
            create(file);
        }
        KeysetHandle keyset = TinkProtoKeysetFormat.parseKeyset(Files.readAllBytes(file), InsecureSecretKeyAccess.get());
        return new KeyEncryptionKey(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class), "local keyset " + file);
    }

    private static void create(Path file) throws IOException, GeneralSecurityException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        KeysetHandle keyset = KeysetHandle.generateNew(KeyTemplates.get("AES256_GCM"));
        byte[] bytes = TinkProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        Path tmp = Files.createTempFile(dir, ".kek-", ".tmp");
        try {
            setOwnerOnly(tmp);
            Files.write(tmp, bytes, StandardOpenOption.TRUNCATE_EXISTING);
            // no REPLACE_EXISTING: an existing key-encryption key is never overwritten
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("created a new local key-encryption keyset at {} (owner-only); back it up: the tenant's wrapped keys are useless without it",
                    file);
        } catch (FileAlreadyExistsException e) {
            LOG.info("another process created the key-encryption keyset at {} first; using it", file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void setOwnerOnly(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, OWNER_ONLY);
        } catch (UnsupportedOperationException e) {
            LOG.warn("the file system of {} has no POSIX permissions: protect the key-encryption keyset by other means", p);
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
