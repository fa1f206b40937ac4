package io.umbra.events.envelope;

import io.umbra.events.manifest.SealedManifest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Objects;

/**
 * What the encrypt-service's batch signature covers, so that the key-service can tell a batch the bank
 * made from one the scoring pool made up. HPKE base mode authenticates nobody: anyone holding the
 * key-service's public key (it is in every public bundle) can seal a manifest. The signature (Tink, with
 * the encrypt-service's batch-signing key, verified against the key pinned at the key-service) covers
 *
 * <pre>
 *  6      magic "UMBE", format version 2, kind 0x81 (never a record: domain separation)
 *  …      the batch header exactly as on the wire (tenant, batch id, key version, slots, schema)
 *  8      created at (µs)
 *  32     SHA-256 of the feature ciphertexts ({@link #digestOf})
 *  4 + m  the sealed manifest
 * </pre>
 *
 * The pool copies the signature and the ciphertext digest from the request into the result untouched:
 * the key-service, which never sees the feature columns, still checks that header, time, manifest and
 * the columns' digest are the ones the bank signed. It cannot check that the pool computed on those
 * columns: homomorphic encryption gives no integrity (docs/SECURITY.md).
 */
public final class BatchSignature {
    /** SHA-256. */
    public static final int DIGEST_BYTES = 32;
    /** The largest signature accepted (Ed25519's is 64 bytes, Tink's prefix adds 5). */
    public static final int MAX_SIGNATURE_BYTES = 1024;

    private BatchSignature() {
    }

    /** SHA-256 over the ciphertext count (u16) and each ciphertext (u32 length + bytes), as they travel. */
    public static byte[] digestOf(byte[][] ciphertexts) {
        MessageDigest sha = sha256();
        sha.update(new byte[] {(byte) (ciphertexts.length >>> 8), (byte) ciphertexts.length});
        for (byte[] c : ciphertexts) {
            sha.update(new byte[] {(byte) (c.length >>> 24), (byte) (c.length >>> 16), (byte) (c.length >>> 8), (byte) c.length});
            sha.update(c);
        }
        return sha.digest();
    }

    /** The bytes the encrypt-service signs and the key-service verifies. */
    public static byte[] contentToSign(BatchHeader header, Instant createdAt, byte[] ciphertextDigest, SealedManifest manifest) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(manifest, "manifest");
        if (ciphertextDigest == null || ciphertextDigest.length != DIGEST_BYTES) {
            throw new IllegalArgumentException("the ciphertext digest must be " + DIGEST_BYTES + " bytes");
        }
        int size = EnvelopeWriter.PREAMBLE + EnvelopeWriter.size(header) + 8 + DIGEST_BYTES + 4 + manifest.length();
        return new EnvelopeWriter(size, EnvelopeFormat.KIND_BATCH_SIGNED_CONTENT)
                .header(header)
                .time(EnvelopeFormat.checkTime("createdAt", createdAt))
                .raw(ciphertextDigest)
                .lengthPrefixed(manifest.bytes())
                .finish();
    }

    static byte[] checkSignature(byte[] signature) {
        Objects.requireNonNull(signature, "signature (empty for an unsigned batch)");
        if (signature.length > MAX_SIGNATURE_BYTES) {
            throw new IllegalArgumentException("a batch signature is at most " + MAX_SIGNATURE_BYTES + " bytes, not " + signature.length);
        }
        return signature.clone();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
