package io.umbra.crypto;

import io.umbra.verify.BundleVerifier;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;

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
 * Created once (by the provisioning step or the encrypt-service's first start), never replaced by another
 * key; it changes only by a rotation ({@link #rotate}, {@code ./umbra keys rotate-signing --key batch}), in
 * which the old and the new key both verify until the old one is retired.
 */
public final class BatchSigningKey {
    public static final String WRAPPED_FILE = "batch-signing.wrapped";
    public static final String VERIFICATION_FILE = "batch-verification.json";
    /** Beside the keyset while a rotation is open: the new key's id and when it was added (public facts). */
    public static final String ROTATION_FILE = "batch-signing.rotation";
    static final SigningKeyset.Kind KIND = new SigningKeyset.Kind("batch-signing", WRAPPED_FILE, VERIFICATION_FILE, "batch-signing");

    private final SigningKeyset keyset;

    private BatchSigningKey(SigningKeyset keyset) {
        this.keyset = keyset;
    }

    /** A fresh Ed25519 key from Tink's CSPRNG (tests; services use {@link #openOrCreate}). */
    public static BatchSigningKey generate() {
        return new BatchSigningKey(SigningKeyset.generate(KIND));
    }

    /**
     * The tenant's key in {@code dir}: unwrapped if {@link #WRAPPED_FILE} exists, else generated, wrapped with
     * {@code kek} and written (with its public half) without ever replacing an existing file. Two processes
     * racing on an empty directory end with one key.
     */
    public static BatchSigningKey openOrCreate(Path dir, String tenant, KeyEncryptionKey kek) throws IOException, GeneralSecurityException {
        return new BatchSigningKey(SigningKeyset.openOrCreate(KIND, dir, tenant, kek, "at the key-service"));
    }

    /** The key in {@code wrapped}, unwrapped with {@code kek} for {@code tenant}; an exception if altered or another tenant's. */
    public static BatchSigningKey unwrap(byte[] wrapped, KeyEncryptionKey kek, String tenant) throws GeneralSecurityException {
        return new BatchSigningKey(SigningKeyset.unwrap(KIND, wrapped, kek, tenant));
    }

    /**
     * One phase of a rotation of the key in {@code dir} (see {@link SigningKeyset}): the files are rewritten and the
     * state after it returned; open the key again to sign with the result. {@code window}: the least time from
     * {@code add} to {@code promote} unless {@code force}. A {@link SigningKeyset.RotationRefused} changes nothing.
     */
    public static SigningKeyset.State rotate(Path dir, String tenant, KeyEncryptionKey kek, SigningKeyset.Phase phase, Instant now,
                                             Duration window, boolean force) throws IOException, GeneralSecurityException {
        return SigningKeyset.rotate(KIND, dir, tenant, kek, phase, now, window, force);
    }

    /** Where a rotation of the key in {@code dir} stands (nothing changed). */
    public static SigningKeyset.State rotationState(Path dir, String tenant, KeyEncryptionKey kek) throws IOException, GeneralSecurityException {
        return SigningKeyset.state(KIND, dir, tenant, kek);
    }

    /** The private keyset encrypted by {@code kek}, bound to {@code tenant}: what goes to disk. */
    public byte[] wrap(KeyEncryptionKey kek, String tenant) {
        return keyset.wrap(kek, tenant);
    }

    /** The signature of {@code data} by the keyset's primary key (thread-safe). */
    public byte[] sign(byte[] data) {
        return keyset.sign(data);
    }

    /** The public keyset in Tink's JSON format (every key of the keyset): what verifiers pin. */
    public String verificationKeyset() {
        return keyset.verificationKeyset();
    }

    /** The fingerprint of the public keyset, as {@link BundleVerifier#fingerprint()} reports it. */
    public String fingerprint() {
        return keyset.fingerprint();
    }

    /** The Tink key id that signs (the primary). */
    public int primaryKeyId() {
        return keyset.primaryKeyId();
    }

    /** A verifier of this keyset's signatures (any of its keys). */
    public BundleVerifier verifier() {
        return keyset.verifier();
    }

    @Override
    public String toString() {
        return "BatchSigningKey[Ed25519, " + fingerprint() + ", private part not shown]";
    }
}
