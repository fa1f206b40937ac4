package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.manifest.SealedManifest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One encrypted batch on {@code <t>.score.requests}: the feature columns as SEAL ciphertexts (column
 * packing: ciphertext {@code f} holds feature {@code f} of every transaction, one per slot) and the
 * sealed manifest. Written by the encrypt-service, read by the scoring pool. Immutable; byte arrays
 * are copied in and out.
 *
 * <p>Byte layout (big-endian; see docs/EVENTS.md):
 * <pre>
 *  size   field
 *  4      magic "UMBE" (0x55 0x4D 0x42 0x45)
 *  1      format version = 2 (version 1, unsigned, is refused with that reason)
 *  1      kind = 1 (ScoreRequest)
 *  1 + L  tenant id: length L (2..40), then L ASCII bytes
 *  16     batch id (UUID: most significant 64 bits, then least significant)
 *  4      key version (u32, 1..2^31-1)
 *  4      slot count (u32, 1..16384)
 *  2      feature schema version (u16, 1..65535)
 *  8      created at (i64 µs since the epoch): when the encrypt-service sealed the batch
 *  2      ciphertext count C (u16, 1..limit)
 *  C × (4 + n)  each ciphertext: length n (u32, 1..limit), then n bytes of SEAL 4.1 serialization
 *  4 + m  sealed manifest: length m (u32, 1..limit), then m bytes
 *  4 + s  batch signature: length s (u32, 0..1024; 0 = unsigned, which the key-service refuses), then s bytes
 *         ({@link BatchSignature}: the encrypt-service's signature over header, time, ciphertext digest, manifest)
 *  nothing after
 * </pre>
 */
public final class ScoreRequest {
    private final BatchHeader header;
    private final Instant createdAt;
    private final byte[][] ciphertexts;
    private final SealedManifest manifest;
    private final byte[] batchSignature;
    private volatile byte[] ciphertextDigest;

    /** An unsigned request (tests, tools): the key-service refuses its result as {@code BATCH_FORGED}. */
    public ScoreRequest(BatchHeader header, Instant createdAt, List<byte[]> ciphertexts, SealedManifest manifest) {
        this(header, createdAt, copy(ciphertexts), manifest, new byte[0]);
    }

    /**
     * @param header      the batch header
     * @param createdAt   when the batch was sealed (kept to the microsecond)
     * @param ciphertexts the feature columns in the feature schema's order, SEAL bytes each, 1 to 65535 of them
     * @param manifest    the sealed manifest
     * @param batchSignature the encrypt-service's signature over {@link #signedContent()}
     */
    public ScoreRequest(BatchHeader header, Instant createdAt, List<byte[]> ciphertexts, SealedManifest manifest, byte[] batchSignature) {
        this(header, createdAt, copy(ciphertexts), manifest, batchSignature);
    }

    private ScoreRequest(BatchHeader header, Instant createdAt, byte[][] ciphertexts, SealedManifest manifest, byte[] batchSignature) {
        this.header = Objects.requireNonNull(header, "header");
        this.createdAt = EnvelopeFormat.checkTime("createdAt", createdAt);
        this.ciphertexts = ciphertexts;
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.batchSignature = BatchSignature.checkSignature(batchSignature);
        if (encodedSizeLong() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("envelope would exceed 2 GiB");
        }
    }

    public BatchHeader header() {
        return header;
    }

    public TenantId tenant() {
        return header.tenant();
    }

    public UUID batchId() {
        return header.batchId();
    }

    public int keyVersion() {
        return header.keyVersion();
    }

    public int slotCount() {
        return header.slotCount();
    }

    public int featureSchemaVersion() {
        return header.featureSchemaVersion();
    }

    public Instant createdAt() {
        return createdAt;
    }

    public int ciphertextCount() {
        return ciphertexts.length;
    }

    /** A copy of ciphertext {@code i} (feature column {@code i}). */
    public byte[] ciphertext(int i) {
        return ciphertexts[i].clone();
    }

    /** Copies of all ciphertexts, in column order. */
    public List<byte[]> ciphertexts() {
        List<byte[]> out = new ArrayList<>(ciphertexts.length);
        for (byte[] c : ciphertexts) {
            out.add(c.clone());
        }
        return out;
    }

    public SealedManifest manifest() {
        return manifest;
    }

    /** The encrypt-service's signature (empty if unsigned). */
    public byte[] batchSignature() {
        return batchSignature.clone();
    }

    /** SHA-256 of the ciphertexts as they travel ({@link BatchSignature#digestOf}); computed once. */
    public byte[] ciphertextDigest() {
        byte[] d = ciphertextDigest;
        if (d == null) {
            d = BatchSignature.digestOf(ciphertexts);
            ciphertextDigest = d;
        }
        return d.clone();
    }

    /** The bytes the batch signature covers. */
    public byte[] signedContent() {
        return BatchSignature.contentToSign(header, createdAt, ciphertextDigest(), manifest);
    }

    /** The content a signer signs for a request of these parts (the encrypt-service, before it has the signature). */
    public static byte[] contentToSign(BatchHeader header, Instant createdAt, List<byte[]> ciphertexts, SealedManifest manifest) {
        return BatchSignature.contentToSign(header, EnvelopeFormat.checkTime("createdAt", createdAt), BatchSignature.digestOf(copy(ciphertexts)),
                manifest);
    }

    /** The exact size of {@link #encode()}: check it against the topic's limit before encoding. */
    public int encodedSize() {
        return (int) encodedSizeLong();
    }

    private long encodedSizeLong() {
        return EnvelopeWriter.PREAMBLE + EnvelopeWriter.size(header) + 8 + EnvelopeWriter.size(ciphertexts) + 4L + manifest.length()
                + 4L + batchSignature.length;
    }

    /** The envelope's bytes. */
    public byte[] encode() {
        return new EnvelopeWriter(encodedSize(), EnvelopeFormat.KIND_SCORE_REQUEST)
                .header(header)
                .time(createdAt)
                .ciphertexts(ciphertexts)
                .lengthPrefixed(manifest.bytes())
                .u32(batchSignature.length).raw(batchSignature)
                .finish();
    }

    /** {@link #decode(byte[], EnvelopeLimits)} with {@link EnvelopeLimits#DEFAULT}. */
    public static ScoreRequest decode(byte[] bytes) {
        return decode(bytes, EnvelopeLimits.DEFAULT);
    }

    /** The request in {@code bytes}, or an {@link EnvelopeFormatException}; never anything else for bad bytes. */
    public static ScoreRequest decode(byte[] bytes, EnvelopeLimits limits) {
        EnvelopeReader r = EnvelopeReader.open(bytes, limits, EnvelopeFormat.KIND_SCORE_REQUEST);
        BatchHeader header = r.header();
        Instant createdAt = r.time("created at");
        byte[][] ciphertexts = r.ciphertexts("ciphertext");
        SealedManifest manifest = new SealedManifest(r.lengthPrefixed("sealed manifest", limits.maxSealedManifestBytes()));
        byte[] signature = r.optionalLengthPrefixed("batch signature", BatchSignature.MAX_SIGNATURE_BYTES);
        r.end();
        try {
            return new ScoreRequest(header, createdAt, ciphertexts, manifest, signature);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeFormatException("ScoreRequest: " + e.getMessage(), e);
        }
    }

    static byte[][] copy(List<byte[]> ciphertexts) {
        Objects.requireNonNull(ciphertexts, "ciphertexts");
        if (ciphertexts.isEmpty() || ciphertexts.size() > 0xFFFF) {
            throw new IllegalArgumentException("an envelope carries 1 to 65535 ciphertexts, not " + ciphertexts.size());
        }
        byte[][] out = new byte[ciphertexts.size()][];
        for (int i = 0; i < out.length; i++) {
            byte[] c = Objects.requireNonNull(ciphertexts.get(i), "ciphertext " + i);
            if (c.length == 0) {
                throw new IllegalArgumentException("ciphertext " + i + " is empty");
            }
            out[i] = c.clone();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreRequest r && header.equals(r.header) && createdAt.equals(r.createdAt)
                && Arrays.deepEquals(ciphertexts, r.ciphertexts) && manifest.equals(r.manifest)
                && Arrays.equals(batchSignature, r.batchSignature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, createdAt, Arrays.deepHashCode(ciphertexts), manifest);
    }

    @Override
    public String toString() {
        return "ScoreRequest[" + header.tenant() + ", batch " + header.batchId() + ", key v" + header.keyVersion() + ", "
                + header.slotCount() + " slots, " + ciphertexts.length + " ciphertexts, " + (batchSignature.length == 0 ? "unsigned, " : "signed, ")
                + encodedSizeLong() + " bytes]";
    }
}
