package io.umbra.keys;

import io.umbra.crypto.ManifestKeys;
import io.umbra.crypto.ManifestOpener;
import io.umbra.events.TenantId;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.SecretKey;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One version of a tenant's keys, unwrapped in memory: the CKKS secret key (behind a {@link Decryptor}),
 * the HPKE key pair (behind a {@link ManifestOpener}) and the public material of its {@link PublicBundle}.
 * The secret parts have no accessor: what leaves this class is plaintext scores and public bytes.
 * Decryption is meant for one thread (the decrypt loop); the public facts may be read from any.
 */
public final class KeyVersion {
    private final TenantId tenant;
    private final int version;
    private final Instant createdAt;
    private final HeParameterSet parameterSet;
    private final CkksContext context;
    private final byte[] sealParameters;
    private final byte[] sealPublicKey;
    private final byte[] sealRelinKeys;
    private final SecretKey secretKey;
    private final Decryptor decryptor;
    private final CkksEncoder encoder;
    private final ManifestOpener manifestOpener;
    private final PublicBundle bundle;
    private final int bundleBytes;
    private final String publicKeyFingerprint;

    KeyVersion(TenantId tenant, int version, Instant createdAt, HeParameterSet parameterSet, CkksContext context, byte[] sealParameters,
               byte[] sealPublicKey, byte[] sealRelinKeys, SecretKey secretKey, ManifestKeys manifestKeys) {
        this.tenant = tenant;
        this.version = version;
        this.createdAt = createdAt;
        this.parameterSet = parameterSet;
        this.context = context;
        this.sealParameters = sealParameters.clone();
        this.sealPublicKey = sealPublicKey.clone();
        this.sealRelinKeys = sealRelinKeys.clone();
        this.secretKey = secretKey;
        this.decryptor = new Decryptor(context, secretKey);
        this.encoder = new CkksEncoder(context);
        this.manifestOpener = manifestKeys.opener();
        this.bundle = new PublicBundle(tenant, version, createdAt, sealParameters, sealPublicKey, sealRelinKeys, manifestKeys.publicKeyset());
        this.bundleBytes = bundle.encodedSize();
        this.publicKeyFingerprint = sha256(sealPublicKey);
    }

    public TenantId tenant() {
        return tenant;
    }

    /** ≥ 1; batches and results name it, so the matching secret key is picked. */
    public int version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public HeParameterSet parameterSet() {
        return parameterSet;
    }

    /** The CKKS context of this version's parameters: ciphertexts are loaded against it. */
    public CkksContext context() {
        return context;
    }

    /** What this version publishes: nothing secret. */
    public PublicBundle publicBundle() {
        return bundle;
    }

    /** Size of the encoded public bundle, bytes. */
    public int bundleBytes() {
        return bundleBytes;
    }

    /** Whether this version has relinearization keys in its bundle. */
    public boolean hasRelinKeys() {
        return sealRelinKeys.length > 0;
    }

    /** SHA-256 of the SEAL public key bytes, lower-case hex: what an operator compares across services. */
    public String publicKeyFingerprint() {
        return publicKeyFingerprint;
    }

    /** Bit sizes of the coefficient-modulus primes, in chain order (the special prime last). */
    public List<Integer> primeBits() {
        EncryptionParameters p = context.params();
        return Arrays.stream(p.primes()).mapToObj(q -> 64 - Long.numberOfLeadingZeros(q)).toList();
    }

    /**
     * Decryptions in progress hold the read side; destruction takes the write side, so it waits for them
     * to finish and no decryption ever runs on a half-overwritten secret key.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock inUse = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile boolean destroyed;

    /**
     * The slot values of {@code ciphertext}, decrypted and decoded; an {@link IllegalStateException} if
     * the version was destroyed (the caller refuses the result as for an unknown version).
     */
    public double[] decryptSlots(Ciphertext ciphertext) {
        inUse.readLock().lock();
        try {
            if (destroyed) {
                throw new IllegalStateException("key version " + version + " was destroyed");
            }
            return encoder.decode(decryptor.decrypt(ciphertext));
        } finally {
            inUse.readLock().unlock();
        }
    }

    /** Opens manifests sealed to this version's HPKE public key. */
    public ManifestOpener manifestOpener() {
        return manifestOpener;
    }

    /** Overwrites the CKKS secret key in memory once no decryption is in progress (the version is unusable afterwards). */
    void destroy() {
        inUse.writeLock().lock();
        try {
            destroyed = true;
            secretKey.destroy();
        } finally {
            inUse.writeLock().unlock();
        }
    }

    /** Whether {@link #destroy()} ran. */
    boolean destroyed() {
        return destroyed;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "KeyVersion[" + tenant + " v" + version + ", set " + parameterSet.label() + ", created " + createdAt
                + ", public key sha256 " + publicKeyFingerprint.substring(0, 16) + "…, secret parts not shown]";
    }
}
