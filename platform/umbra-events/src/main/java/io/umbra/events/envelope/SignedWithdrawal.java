package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key-service's signed statement, on {@link Topics#PUBLIC_KEYS} under {@code <tenant>/v<version>},
 * that a key version is withdrawn (its secret key destroyed). It replaces the bare tombstone of earlier
 * releases: any principal that may write the shared topic can write a tombstone under any key, so
 * readers ignore tombstones and act only on a withdrawal that verifies under the tenant's pinned
 * bundle-verification key. Compaction keeps it (a few dozen bytes per destroyed version).
 *
 * <p>Byte layout (the envelope preamble of docs/EVENTS.md with format version 1, kind 5, then): tenant id
 * (u8 length + ASCII), key version (u32), withdrawn at (i64 µs), signature (u32 length + bytes). The
 * signature covers every byte before its length prefix.
 */
public record SignedWithdrawal(TenantId tenant, int keyVersion, Instant withdrawnAt, byte[] signature) {
    private static final int MAX_SIGNATURE_BYTES = 1024;

    public SignedWithdrawal {
        Objects.requireNonNull(tenant, "tenant is missing");
        if (keyVersion < 1) {
            throw new IllegalArgumentException("key version must be ≥ 1, not " + keyVersion);
        }
        withdrawnAt = EnvelopeFormat.checkTime("withdrawnAt", withdrawnAt);
        if (signature == null || signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
            throw new IllegalArgumentException("signature is missing or longer than " + MAX_SIGNATURE_BYTES + " bytes");
        }
        signature = signature.clone();
    }

    /** The bytes a signer signs to withdraw {@code tenant}'s {@code keyVersion} at {@code withdrawnAt}. */
    public static byte[] contentToSign(TenantId tenant, int keyVersion, Instant withdrawnAt) {
        return write(tenant, keyVersion, EnvelopeFormat.checkTime("withdrawnAt", withdrawnAt), 0).finish();
    }

    private static EnvelopeWriter write(TenantId tenant, int keyVersion, Instant withdrawnAt, int room) {
        int size = EnvelopeWriter.PREAMBLE + 1 + tenant.value().length() + 4 + 8 + room;
        return new EnvelopeWriter(size, EnvelopeFormat.KIND_SIGNED_WITHDRAWAL)
                .shortString(tenant.value())
                .u32(keyVersion)
                .time(withdrawnAt);
    }

    /** The bytes the signature covers. */
    public byte[] signedContent() {
        return write(tenant, keyVersion, withdrawnAt, 0).finish();
    }

    public byte[] encode() {
        return write(tenant, keyVersion, withdrawnAt, 4 + signature.length).lengthPrefixed(signature).finish();
    }

    /** The record in {@code bytes}, or an {@link EnvelopeFormatException}. Verify {@link #signature()} before acting on it. */
    public static SignedWithdrawal decode(byte[] bytes) {
        EnvelopeReader r = EnvelopeReader.open(bytes, EnvelopeLimits.DEFAULT, EnvelopeFormat.KIND_SIGNED_WITHDRAWAL);
        TenantId tenant = r.tenant();
        int keyVersion = r.positiveInt("key version");
        Instant at = r.time("withdrawn at");
        byte[] signature = r.lengthPrefixed("signature", MAX_SIGNATURE_BYTES);
        r.end();
        try {
            return new SignedWithdrawal(tenant, keyVersion, at, signature);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeFormatException("SignedWithdrawal: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedWithdrawal w && tenant.equals(w.tenant) && keyVersion == w.keyVersion && withdrawnAt.equals(w.withdrawnAt)
                && Arrays.equals(signature, w.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, keyVersion, withdrawnAt, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "SignedWithdrawal[" + tenant + " v" + keyVersion + ", at " + withdrawnAt + "]";
    }
}
