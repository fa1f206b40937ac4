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
 * A tenant's bundle-signing key (Tink Ed25519). The key-service signs every public bundle it publishes
 * with it; encrypt-services and the scoring pool verify against the public half pinned at provisioning.
 * On disk the private keyset exists only wrapped by the tenant's {@link KeyEncryptionKey}, bound to the
 * tenant id, beside its public half in JSON (what an operator pins):
 *
 * <pre>
 * bundle-signing.wrapped       the Ed25519 private keyset, encrypted by the key-encryption key
 * bundle-verification.json     the public keyset: pin it in the encrypt-service and the scoring pool
 * </pre>
 *
 * Created once, by the first of the key-service or the provisioning step ({@code ./umbra keys init})
 * to need it, atomically and never overwritten: a new signing key would orphan every pinned copy.
 */
public final class BundleSigningKey {
    private static final Logger LOG = LoggerFactory.getLogger(BundleSigningKey.class);
    public static final String WRAPPED_FILE = "bundle-signing.wrapped";
    public static final String VERIFICATION_FILE = "bundle-verification.json";
    private static final String TEMPLATE = "ED25519";

    private final KeysetHandle privateKeyset;
    private final PublicKeySign sign;
    private final String verificationKeyset;
    private final String fingerprint;

    private BundleSigningKey(KeysetHandle privateKeyset) throws GeneralSecurityException {
        this.privateKeyset = privateKeyset;
        this.sign = privateKeyset.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        KeysetHandle publicKeyset = privateKeyset.getPublicKeysetHandle();
        this.verificationKeyset = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(publicKeyset);
        this.fingerprint = BundleVerifier.fingerprintOf(publicKeyset);
    }

    /** A fresh Ed25519 key from Tink's CSPRNG (tests; the service uses {@link #openOrCreate}). */
    public static BundleSigningKey generate() {
        Tink.register();
        try {
            return new BundleSigningKey(KeysetHandle.generateNew(KeyTemplates.get(TEMPLATE)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate an Ed25519 key", e);
        }
    }

    /**
     * The tenant's signing key in {@code dir}: unwrapped if {@link #WRAPPED_FILE} exists, else generated,
     * wrapped with {@code kek} and written (with its public half) without ever replacing an existing file.
     * Two processes racing on an empty directory end with one key.
     */
    public static BundleSigningKey openOrCreate(Path dir, String tenant, KeyEncryptionKey kek) throws IOException, GeneralSecurityException {
        Tink.register();
        Path wrappedFile = dir.resolve(WRAPPED_FILE);
        if (!Files.exists(wrappedFile)) {
            BundleSigningKey fresh = generate();
            Files.createDirectories(dir);
            if (writeOnce(wrappedFile, fresh.wrap(kek, tenant))) {
                LOG.info("tenant {}: created the bundle-signing key (Ed25519, wrapped by {}); verification key {} written to {}: pin it"
                        + " in the encrypt-service and the scoring pool", tenant, kek, fresh.fingerprint, dir.resolve(VERIFICATION_FILE));
            }
        }
        BundleSigningKey key = unwrap(Files.readAllBytes(wrappedFile), kek, tenant);
        Path verification = dir.resolve(VERIFICATION_FILE);
        if (!Files.exists(verification)) {
            writeOnce(verification, key.verificationKeyset.getBytes(StandardCharsets.UTF_8));
        } else if (!Files.readString(verification, StandardCharsets.UTF_8).equals(key.verificationKeyset)) {
            throw new GeneralSecurityException(verification + " does not hold the public half of " + wrappedFile
                    + ": the files of two signing keys are mixed; restore both from the same backup");
        }
        return key;
    }

    /** The key in {@code wrapped}, unwrapped with {@code kek} for {@code tenant}; an exception if altered or another tenant's. */
    public static BundleSigningKey unwrap(byte[] wrapped, KeyEncryptionKey kek, String tenant) throws GeneralSecurityException {
        Tink.register();
        return new BundleSigningKey(TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek.aead(), context(tenant)));
    }

    /** The private keyset encrypted by {@code kek}, bound to {@code tenant}: what goes to disk. */
    public byte[] wrap(KeyEncryptionKey kek, String tenant) {
        try {
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(privateKeyset, kek.aead(), context(tenant));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not wrap the bundle-signing keyset", e);
        }
    }

    /** The signature of {@code data}. */
    public byte[] sign(byte[] data) {
        try {
            return sign.sign(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not sign", e);
        }
    }

    /** The public keyset in Tink's JSON format: what {@link BundleVerifier#fromKeyset} takes. */
    public String verificationKeyset() {
        return verificationKeyset;
    }

    /** The fingerprint of the public half, as {@link BundleVerifier#fingerprint()} reports it. */
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
        return ("umbra bundle-signing keyset\0" + tenant).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code bytes} to {@code file} (owner-only) unless it exists; true if this call wrote it. */
    private static boolean writeOnce(Path file, byte[] bytes) throws IOException {
        if (!SecretFiles.hasPosixPermissions(file)) {
            LOG.warn("the file system of {} has no POSIX permissions: protect the signing key by other means", file);
        }
        // the first writer wins, a later one reads the winner's
        return SecretFiles.writeOnce(file, bytes);
    }

    @Override
    public String toString() {
        return "BundleSigningKey[Ed25519, " + fingerprint + ", private part not shown]";
    }
}
