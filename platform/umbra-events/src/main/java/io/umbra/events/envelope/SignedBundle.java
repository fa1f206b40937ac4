package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a key-service publishes on {@link Topics#PUBLIC_KEYS}: the encoded {@link PublicBundle}, the
 * period it vouches for, and its signature over both, made with the tenant's bundle-signing key. Readers
 * (the encrypt-service, the scoring pool) verify the signature against the tenant's verification key
 * pinned at provisioning <em>before</em> they decode the inner bundle, so a bundle substituted on the
 * shared topic (by another tenant's key-service, or anyone who can write it) is never acted on.
 *
 * <p>Byte layout (the envelope preamble of docs/EVENTS.md with kind 4, then): tenant id (u8 length +
 * ASCII), key version (u32), signed at (i64 µs), not after (i64 µs), the encoded PublicBundle
 * (u32 length + bytes), then the signature (u32 length + bytes). The signature covers every byte before
 * its length prefix: preamble, tenant, version, both times and the bundle. The tenant and version are
 * repeated outside the bundle so a reader can skip other tenants' records and route before verifying;
 * {@link #bundle()} refuses a bundle whose own tenant or version differ from them.
 *
 * @param tenant      whose bundle it is (must equal the inner bundle's)
 * @param keyVersion  the inner bundle's key version
 * @param signedAt    when the key-service signed (it re-signs each live version before {@code notAfter})
 * @param notAfter    after this instant the bundle is stale and refused
 * @param bundleBytes the {@link PublicBundle#encode() encoded} bundle, exactly as signed
 * @param signature   the Tink signature over {@link #signedContent()}
 */
public record SignedBundle(TenantId tenant, int keyVersion, Instant signedAt, Instant notAfter, byte[] bundleBytes, byte[] signature) {
    /** The largest signature accepted (Ed25519's is 64 bytes, Tink's prefix adds 5). */
    private static final int MAX_SIGNATURE_BYTES = 1024;
    private static final int MAX_BYTES = Topics.MAX_ENVELOPE_BYTES;

    public SignedBundle {
        Objects.requireNonNull(tenant, "tenant is missing");
        if (keyVersion < 1) {
            throw new IllegalArgumentException("key version must be ≥ 1, not " + keyVersion);
        }
        signedAt = EnvelopeFormat.checkTime("signedAt", signedAt);
        notAfter = EnvelopeFormat.checkTime("notAfter", notAfter);
        if (!notAfter.isAfter(signedAt)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " must be after signedAt " + signedAt);
        }
        if (bundleBytes == null || bundleBytes.length == 0) {
            throw new IllegalArgumentException("bundle bytes are missing");
        }
        if (signature == null || signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
            throw new IllegalArgumentException("signature is missing or longer than " + MAX_SIGNATURE_BYTES + " bytes");
        }
        bundleBytes = bundleBytes.clone();
        signature = signature.clone();
    }

    /**
     * The bytes a signer signs for {@code bundle} valid in [{@code signedAt}, {@code notAfter}]: exactly
     * the prefix of the {@link #encode() encoding} that the signature covers.
     */
    public static byte[] contentToSign(PublicBundle bundle, Instant signedAt, Instant notAfter) {
        byte[] encoded = bundle.encode();
        return writeContent(bundle.tenant(), bundle.keyVersion(), EnvelopeFormat.checkTime("signedAt", signedAt),
                EnvelopeFormat.checkTime("notAfter", notAfter), encoded, 0).finish();
    }

    /** The signed bundle made of {@code bundle}, its period, and the signature over {@link #contentToSign}. */
    public static SignedBundle of(PublicBundle bundle, Instant signedAt, Instant notAfter, byte[] signature) {
        return new SignedBundle(bundle.tenant(), bundle.keyVersion(), signedAt, notAfter, bundle.encode(), signature);
    }

    private static EnvelopeWriter writeContent(TenantId tenant, int keyVersion, Instant signedAt, Instant notAfter, byte[] bundleBytes,
                                               int room) {
        long size = EnvelopeWriter.PREAMBLE + 1L + tenant.value().length() + 4 + 8 + 8 + 4 + bundleBytes.length + room;
        if (size > MAX_BYTES) {
            throw new EnvelopeFormatException("SignedBundle: " + size + " bytes, more than the " + MAX_BYTES + " its topic takes");
        }
        return new EnvelopeWriter((int) size, EnvelopeFormat.KIND_SIGNED_BUNDLE)
                .shortString(tenant.value())
                .u32(keyVersion)
                .time(signedAt)
                .time(notAfter)
                .lengthPrefixed(bundleBytes);
    }

    /** The bytes the signature covers. */
    public byte[] signedContent() {
        return writeContent(tenant, keyVersion, signedAt, notAfter, bundleBytes, 0).finish();
    }

    public byte[] encode() {
        return writeContent(tenant, keyVersion, signedAt, notAfter, bundleBytes, 4 + signature.length)
                .lengthPrefixed(signature)
                .finish();
    }

    /**
     * The record in {@code bytes}, or an {@link EnvelopeFormatException}. Only the outer fields are
     * parsed: the inner bundle stays bytes until {@link #bundle()}, to be called after the signature verified.
     */
    public static SignedBundle decode(byte[] bytes) {
        EnvelopeReader r = EnvelopeReader.open(bytes, EnvelopeLimits.DEFAULT.withMaxEnvelopeBytes(MAX_BYTES),
                EnvelopeFormat.KIND_SIGNED_BUNDLE);
        TenantId tenant = r.tenant();
        int keyVersion = r.positiveInt("key version");
        Instant signedAt = r.time("signed at");
        Instant notAfter = r.time("not after");
        byte[] bundle = r.lengthPrefixed("public bundle", MAX_BYTES);
        byte[] signature = r.lengthPrefixed("signature", MAX_SIGNATURE_BYTES);
        r.end();
        try {
            return new SignedBundle(tenant, keyVersion, signedAt, notAfter, bundle, signature);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeFormatException("SignedBundle: " + e.getMessage(), e);
        }
    }

    /**
     * The inner bundle, decoded; an {@link EnvelopeFormatException} if it does not decode or names another
     * tenant or version than the signed envelope. Call it only after the signature verified.
     */
    public PublicBundle bundle() {
        PublicBundle b = PublicBundle.decode(bundleBytes);
        if (!b.tenant().equals(tenant) || b.keyVersion() != keyVersion) {
            throw new EnvelopeFormatException("SignedBundle: the envelope names " + tenant + " v" + keyVersion + " but the bundle inside is "
                    + b.tenant() + " v" + b.keyVersion());
        }
        return b;
    }

    /** Whether the signed period has ended at {@code now}. */
    public boolean expiredAt(Instant now) {
        return now.isAfter(notAfter);
    }

    @Override
    public byte[] bundleBytes() {
        return bundleBytes.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedBundle s && tenant.equals(s.tenant) && keyVersion == s.keyVersion && signedAt.equals(s.signedAt)
                && notAfter.equals(s.notAfter) && Arrays.equals(bundleBytes, s.bundleBytes) && Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, keyVersion, signedAt, notAfter, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "SignedBundle[" + tenant + " v" + keyVersion + ", signed " + signedAt + ", not after " + notAfter + ", bundle "
                + bundleBytes.length + " B]";
    }
}
