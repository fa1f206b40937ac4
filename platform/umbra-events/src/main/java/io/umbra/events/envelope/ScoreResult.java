package io.umbra.events.envelope;

import io.umbra.events.Identifiers;
import io.umbra.events.TenantId;
import io.umbra.events.manifest.SealedManifest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The encrypted scores of one batch on {@code <t>.score.results}: the request's header and sealed
 * manifest passed through untouched, which model scored it, the score ciphertext(s) (slot {@code i} is
 * the logit of manifest slot {@code i}), and the times for latency. Written by the scoring pool, read
 * by the tenant's key-service. Immutable; byte arrays are copied in and out.
 *
 * <p>Byte layout: as {@link ScoreRequest} with kind = 2, and after "created at":
 * <pre>
 *  1 + M  model id: length M (1..128), then M visible-ASCII bytes
 *  4      model version (u32, 1..2^31-1)
 *  8      scoring started at (i64 µs)
 *  8      scored at (i64 µs)
 * </pre>
 * then the score ciphertexts and the sealed manifest exactly as a request's ciphertexts and manifest, then
 * <pre>
 *  32     the request's ciphertext digest ({@link BatchSignature#digestOf}), passed through by the pool
 *  4 + s  the request's batch signature, passed through untouched (0..1024 bytes; 0 = unsigned)
 * </pre>
 * Format version 2; a version 1 (unsigned) result is refused with that reason.
 */
public final class ScoreResult {
    private final BatchHeader header;
    private final Instant requestCreatedAt;
    private final String modelId;
    private final int modelVersion;
    private final Instant scoringStartedAt;
    private final Instant scoredAt;
    private final byte[][] scoreCiphertexts;
    private final SealedManifest manifest;
    private final byte[] requestCiphertextDigest;
    private final byte[] batchSignature;

    /** A result without the request's signature (tests, tools): the key-service refuses it as {@code BATCH_FORGED}. */
    public ScoreResult(BatchHeader header, Instant requestCreatedAt, String modelId, int modelVersion, Instant scoringStartedAt,
                       Instant scoredAt, List<byte[]> scoreCiphertexts, SealedManifest manifest) {
        this(header, requestCreatedAt, modelId, modelVersion, scoringStartedAt, scoredAt, scoreCiphertexts, manifest,
                new byte[BatchSignature.DIGEST_BYTES], new byte[0]);
    }

    /**
     * @param header           the request's header
     * @param requestCreatedAt the request's {@code createdAt}
     * @param modelId          which model scored the batch (visible ASCII, 1 to 128)
     * @param modelVersion     its version, ≥ 1
     * @param scoringStartedAt when the scoring pool took the batch
     * @param scoredAt         when it finished
     * @param scoreCiphertexts the scores, SEAL bytes each (one for a logistic model; more for multi-output models)
     * @param manifest         the request's sealed manifest, untouched
     * @param requestCiphertextDigest the request's {@link ScoreRequest#ciphertextDigest()}
     * @param batchSignature   the request's {@link ScoreRequest#batchSignature()}, untouched
     */
    public ScoreResult(BatchHeader header, Instant requestCreatedAt, String modelId, int modelVersion, Instant scoringStartedAt,
                       Instant scoredAt, List<byte[]> scoreCiphertexts, SealedManifest manifest, byte[] requestCiphertextDigest,
                       byte[] batchSignature) {
        this(header, requestCreatedAt, modelId, modelVersion, scoringStartedAt, scoredAt, ScoreRequest.copy(scoreCiphertexts),
                manifest, requestCiphertextDigest, batchSignature);
    }

    private ScoreResult(BatchHeader header, Instant requestCreatedAt, String modelId, int modelVersion, Instant scoringStartedAt,
                        Instant scoredAt, byte[][] scoreCiphertexts, SealedManifest manifest, byte[] requestCiphertextDigest,
                        byte[] batchSignature) {
        this.header = Objects.requireNonNull(header, "header");
        this.requestCreatedAt = EnvelopeFormat.checkTime("requestCreatedAt", requestCreatedAt);
        this.modelId = Identifiers.require("modelId", modelId);
        if (modelVersion < 1) {
            throw new IllegalArgumentException("model version must be ≥ 1");
        }
        this.modelVersion = modelVersion;
        this.scoringStartedAt = EnvelopeFormat.checkTime("scoringStartedAt", scoringStartedAt);
        this.scoredAt = EnvelopeFormat.checkTime("scoredAt", scoredAt);
        this.scoreCiphertexts = scoreCiphertexts;
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        if (requestCiphertextDigest == null || requestCiphertextDigest.length != BatchSignature.DIGEST_BYTES) {
            throw new IllegalArgumentException("the request's ciphertext digest must be " + BatchSignature.DIGEST_BYTES + " bytes");
        }
        this.requestCiphertextDigest = requestCiphertextDigest.clone();
        this.batchSignature = BatchSignature.checkSignature(batchSignature);
        if (encodedSizeLong() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("envelope would exceed 2 GiB");
        }
    }

    /** The result of scoring {@code request}: header, creation time and sealed manifest carried over untouched. */
    public static ScoreResult of(ScoreRequest request, String modelId, int modelVersion, Instant scoringStartedAt,
                                 Instant scoredAt, List<byte[]> scoreCiphertexts) {
        return new ScoreResult(request.header(), request.createdAt(), modelId, modelVersion, scoringStartedAt, scoredAt,
                scoreCiphertexts, request.manifest(), request.ciphertextDigest(), request.batchSignature());
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

    public Instant requestCreatedAt() {
        return requestCreatedAt;
    }

    public String modelId() {
        return modelId;
    }

    public int modelVersion() {
        return modelVersion;
    }

    public Instant scoringStartedAt() {
        return scoringStartedAt;
    }

    public Instant scoredAt() {
        return scoredAt;
    }

    public int scoreCiphertextCount() {
        return scoreCiphertexts.length;
    }

    /** A copy of score ciphertext {@code i}. */
    public byte[] scoreCiphertext(int i) {
        return scoreCiphertexts[i].clone();
    }

    /** Copies of all score ciphertexts. */
    public List<byte[]> scoreCiphertexts() {
        List<byte[]> out = new ArrayList<>(scoreCiphertexts.length);
        for (byte[] c : scoreCiphertexts) {
            out.add(c.clone());
        }
        return out;
    }

    public SealedManifest manifest() {
        return manifest;
    }

    /** The request's ciphertext digest, as the pool passed it on. */
    public byte[] requestCiphertextDigest() {
        return requestCiphertextDigest.clone();
    }

    /** The encrypt-service's signature of the request, as the pool passed it on (empty if unsigned). */
    public byte[] batchSignature() {
        return batchSignature.clone();
    }

    /** What {@link #batchSignature()} must verify over: the request's header, time, ciphertext digest and manifest. */
    public byte[] signedContent() {
        return BatchSignature.contentToSign(header, requestCreatedAt, requestCiphertextDigest, manifest);
    }

    /** The exact size of {@link #encode()}. */
    public int encodedSize() {
        return (int) encodedSizeLong();
    }

    private long encodedSizeLong() {
        return EnvelopeWriter.PREAMBLE + EnvelopeWriter.size(header) + 8 + 1 + modelId.length() + 4 + 8 + 8
                + EnvelopeWriter.size(scoreCiphertexts) + 4L + manifest.length() + BatchSignature.DIGEST_BYTES + 4L + batchSignature.length;
    }

    /** The envelope's bytes. */
    public byte[] encode() {
        return new EnvelopeWriter(encodedSize(), EnvelopeFormat.KIND_SCORE_RESULT)
                .header(header)
                .time(requestCreatedAt)
                .shortString(modelId)
                .u32(modelVersion)
                .time(scoringStartedAt)
                .time(scoredAt)
                .ciphertexts(scoreCiphertexts)
                .lengthPrefixed(manifest.bytes())
                .raw(requestCiphertextDigest)
                .u32(batchSignature.length).raw(batchSignature)
                .finish();
    }

    /** {@link #decode(byte[], EnvelopeLimits)} with {@link EnvelopeLimits#DEFAULT}. */
    public static ScoreResult decode(byte[] bytes) {
        return decode(bytes, EnvelopeLimits.DEFAULT);
    }

    /** The result in {@code bytes}, or an {@link EnvelopeFormatException}; never anything else for bad bytes. */
    public static ScoreResult decode(byte[] bytes, EnvelopeLimits limits) {
        EnvelopeReader r = EnvelopeReader.open(bytes, limits, EnvelopeFormat.KIND_SCORE_RESULT);
        BatchHeader header = r.header();
        Instant requestCreatedAt = r.time("request created at");
        String modelId = r.shortAscii("model id", Identifiers.MAX_LENGTH);
        int modelVersion = r.positiveInt("model version");
        Instant started = r.time("scoring started at");
        Instant scored = r.time("scored at");
        byte[][] scores = r.ciphertexts("score ciphertext");
        SealedManifest manifest = new SealedManifest(r.lengthPrefixed("sealed manifest", limits.maxSealedManifestBytes()));
        byte[] digest = r.fixed("request ciphertext digest", BatchSignature.DIGEST_BYTES);
        byte[] signature = r.optionalLengthPrefixed("batch signature", BatchSignature.MAX_SIGNATURE_BYTES);
        r.end();
        try {
            return new ScoreResult(header, requestCreatedAt, modelId, modelVersion, started, scored, scores, manifest, digest, signature);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeFormatException("ScoreResult: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreResult r && header.equals(r.header) && requestCreatedAt.equals(r.requestCreatedAt)
                && modelId.equals(r.modelId) && modelVersion == r.modelVersion && scoringStartedAt.equals(r.scoringStartedAt)
                && scoredAt.equals(r.scoredAt) && Arrays.deepEquals(scoreCiphertexts, r.scoreCiphertexts)
                && manifest.equals(r.manifest) && Arrays.equals(requestCiphertextDigest, r.requestCiphertextDigest)
                && Arrays.equals(batchSignature, r.batchSignature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(header, requestCreatedAt, modelId, modelVersion, scoringStartedAt, scoredAt,
                Arrays.deepHashCode(scoreCiphertexts), manifest);
    }

    @Override
    public String toString() {
        return "ScoreResult[" + header.tenant() + ", batch " + header.batchId() + ", model " + modelId + " v" + modelVersion
                + ", " + scoreCiphertexts.length + " score ciphertexts, " + encodedSizeLong() + " bytes]";
    }
}
