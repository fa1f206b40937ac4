package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tenant's public material, as its key-service publishes it on {@link Topics#PUBLIC_KEYS} (keyed by
 * tenant id, compacted): what the encrypt-service needs to encrypt feature columns and seal manifests,
 * and what the scoring pool needs to evaluate. Nothing in it is secret.
 *
 * <p>Byte layout (the envelope preamble of docs/EVENTS.md with kind 3, then): tenant id (u8 length +
 * ASCII), key version (u32), created at (i64 µs), then five u32-length-prefixed blobs: SEAL
 * EncryptionParameters, SEAL PublicKey, SEAL RelinKeys (length 0 when the tenant's models need none),
 * the Tink HPKE public keyset (binary), and nothing after. The SEAL blobs are validated only when a
 * reader loads them against the parameters; this class bounds their sizes.
 *
 * @param tenant          whose keys these are
 * @param keyVersion      ≥ 1; batches carry it so the key-service picks the matching secret key
 * @param createdAt       when the key-service generated this version (µs precision)
 * @param sealParameters  SEAL 4.1 EncryptionParameters (CKKS)
 * @param sealPublicKey   SEAL 4.1 PublicKey under those parameters
 * @param sealRelinKeys   SEAL 4.1 RelinKeys, or empty
 * @param hpkePublicKeyset the Tink keyset (binary, public keys only) that seals batch manifests to the key-service
 */
public record PublicBundle(TenantId tenant, int keyVersion, Instant createdAt, byte[] sealParameters, byte[] sealPublicKey,
                           byte[] sealRelinKeys, byte[] hpkePublicKeyset) {
    /** The largest bundle a reader accepts, and the {@code max.message.bytes} its topic needs (plus overhead). */
    public static final int MAX_BYTES = Topics.MAX_ENVELOPE_BYTES;
    private static final int MAX_PARAMETERS_BYTES = 64 << 10;
    private static final int MAX_KEYSET_BYTES = 64 << 10;

    public PublicBundle {
        Objects.requireNonNull(tenant, "tenant is missing");
        if (keyVersion < 1) {
            throw new IllegalArgumentException("key version must be ≥ 1, not " + keyVersion);
        }
        createdAt = EnvelopeFormat.checkTime("createdAt", createdAt);
        sealParameters = nonEmpty("SEAL parameters", sealParameters).clone();
        sealPublicKey = nonEmpty("SEAL public key", sealPublicKey).clone();
        sealRelinKeys = Objects.requireNonNull(sealRelinKeys, "SEAL relin keys (empty when absent)").clone();
        hpkePublicKeyset = nonEmpty("HPKE public keyset", hpkePublicKeyset).clone();
    }

    private static byte[] nonEmpty(String what, byte[] b) {
        if (b == null || b.length == 0) {
            throw new IllegalArgumentException(what + " is missing");
        }
        return b;
    }

    @Override
    public byte[] sealParameters() {
        return sealParameters.clone();
    }

    @Override
    public byte[] sealPublicKey() {
        return sealPublicKey.clone();
    }

    @Override
    public byte[] sealRelinKeys() {
        return sealRelinKeys.clone();
    }

    @Override
    public byte[] hpkePublicKeyset() {
        return hpkePublicKeyset.clone();
    }

    /** Whether the bundle carries relinearization keys (needed by models with ciphertext multiplications). */
    public boolean hasRelinKeys() {
        return sealRelinKeys.length > 0;
    }

    public int encodedSize() {
        long n = EnvelopeWriter.PREAMBLE + 1 + tenant.value().length() + 4 + 8
                + 4L * 4 + sealParameters.length + sealPublicKey.length + sealRelinKeys.length + hpkePublicKeyset.length;
        if (n > MAX_BYTES) {
            throw new EnvelopeFormatException("PublicBundle: " + n + " bytes, more than the " + MAX_BYTES + " its topic takes");
        }
        return (int) n;
    }

    public byte[] encode() {
        return new EnvelopeWriter(encodedSize(), EnvelopeFormat.KIND_PUBLIC_BUNDLE)
                .shortString(tenant.value())
                .u32(keyVersion)
                .time(createdAt)
                .lengthPrefixed(sealParameters)
                .lengthPrefixed(sealPublicKey)
                .lengthPrefixed(sealRelinKeys)
                .lengthPrefixed(hpkePublicKeyset)
                .finish();
    }

    /** The bundle in {@code bytes}, or an {@link EnvelopeFormatException}; never anything else for bad bytes. */
    public static PublicBundle decode(byte[] bytes) {
        EnvelopeReader r = EnvelopeReader.open(bytes, EnvelopeLimits.DEFAULT.withMaxEnvelopeBytes(MAX_BYTES),
                EnvelopeFormat.KIND_PUBLIC_BUNDLE);
        TenantId tenant = r.tenant();
        int keyVersion = r.positiveInt("key version");
        Instant createdAt = r.time("created at");
        byte[] parameters = r.lengthPrefixed("SEAL parameters", MAX_PARAMETERS_BYTES);
        byte[] publicKey = r.lengthPrefixed("SEAL public key", MAX_BYTES);
        byte[] relinKeys = r.optionalLengthPrefixed("SEAL relin keys", MAX_BYTES);
        byte[] keyset = r.lengthPrefixed("HPKE public keyset", MAX_KEYSET_BYTES);
        r.end();
        try {
            return new PublicBundle(tenant, keyVersion, createdAt, parameters, publicKey, relinKeys, keyset);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeFormatException("PublicBundle: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicBundle b && tenant.equals(b.tenant) && keyVersion == b.keyVersion && createdAt.equals(b.createdAt)
                && Arrays.equals(sealParameters, b.sealParameters) && Arrays.equals(sealPublicKey, b.sealPublicKey)
                && Arrays.equals(sealRelinKeys, b.sealRelinKeys) && Arrays.equals(hpkePublicKeyset, b.hpkePublicKeyset);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, keyVersion, createdAt, Arrays.hashCode(sealPublicKey));
    }

    @Override
    public String toString() {
        return "PublicBundle[" + tenant + " v" + keyVersion + ", created " + createdAt + ", public key " + sealPublicKey.length
                + " B, relin keys " + sealRelinKeys.length + " B]";
    }
}
