package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.events.envelope.EnvelopeFormatException;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.envelope.ScoreResult;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.serial.Compression;
import io.umbra.he.serial.Seal;
import io.umbra.he.serial.SaveOptions;
import io.umbra.he.serial.SealFormatException;
import io.umbra.model.LogisticModel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The scoring step, without Kafka: one {@code ScoreRequest} envelope in, a {@code ScoreResult} or a
 * reason to refuse it out. Everything it touches is public: the tenant's parameters, the model's
 * weights and ciphertexts. The sealed manifest goes from request to result untouched.
 *
 * <p>Checks, in order (each failure is a dead-letter reason): the envelope decodes
 * ({@link #BAD_ENVELOPE}); its tenant is the topic's ({@link #TENANT_MISMATCH}); the tenant's public
 * bundle at the batch's key version is known ({@link #UNKNOWN_KEY_VERSION}); the columns follow the
 * model's feature schema ({@link #SCHEMA_MISMATCH}); every ciphertext loads under the tenant's
 * parameters, all at one level and scale with room for the rescale ({@link #BAD_CIPHERTEXT}).
 */
public final class BatchScorer {
    public static final String BAD_ENVELOPE = "BAD_ENVELOPE";
    public static final String TENANT_MISMATCH = "TENANT_MISMATCH";
    public static final String UNKNOWN_KEY_VERSION = "UNKNOWN_KEY_VERSION";
    public static final String SCHEMA_MISMATCH = "SCHEMA_MISMATCH";
    public static final String BAD_CIPHERTEXT = "BAD_CIPHERTEXT";
    /** The tenant's model needs what its keys lack (relinearization keys for a network). */
    public static final String UNSUITABLE_KEYS = "UNSUITABLE_KEYS";

    /** SEAL's own zstd mode: the score goes back as small as it gets, and SEAL/node-seal read it. */
    private static final SaveOptions SCORE_FORMAT = SaveOptions.of(Compression.ZSTD);

    private final TenantModels models;
    private final KeyLookup keys;
    private final Clock clock;
    private final EnvelopeLimits limits;
    private final Duration keyWait;

    public BatchScorer(LogisticModel model, KeyLookup keys, Clock clock, EnvelopeLimits limits, Duration keyWait) {
        this(TenantModels.single(ScoringModel.of(model)), keys, clock, limits, keyWait);
    }

    /** With a model per tenant ({@link TenantModels}). */
    BatchScorer(TenantModels models, KeyLookup keys, Clock clock, EnvelopeLimits limits, Duration keyWait) {
        this.models = Objects.requireNonNull(models, "models");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.keyWait = Objects.requireNonNull(keyWait, "keyWait");
    }

    /** What became of one request. */
    public sealed interface Verdict {
    }

    /**
     * Scored.
     *
     * @param loadTime time to load (decompress, validate) the ciphertexts
     * @param evalTime time of the homomorphic evaluation and the score's serialization
     */
    public record Scored(ScoreResult result, Duration loadTime, Duration evalTime) implements Verdict {
    }

    /** Refused: a reason code for the dead-letter topic and a message that names fields, never data. */
    public record Refused(String reason, String message) implements Verdict {
    }

    /**
     * Scores the envelope {@code bytes} read from {@code topicTenant}'s request topic.
     *
     * @throws InterruptedException while waiting for a bundle; the batch is replayed, nothing is lost
     */
    public Verdict score(TenantId topicTenant, byte[] bytes) throws InterruptedException {
        Instant startedAt = clock.instant();
        if (bytes == null) {
            return new Refused(BAD_ENVELOPE, "the record has no value (a tombstone)");
        }
        ScoreRequest request;
        try {
            request = ScoreRequest.decode(bytes, limits);
        } catch (EnvelopeFormatException e) {
            return new Refused(BAD_ENVELOPE, e.getMessage());
        }
        if (!request.tenant().equals(topicTenant)) {
            return new Refused(TENANT_MISMATCH, "the envelope belongs to tenant " + request.tenant() + " but came on the topic of "
                    + topicTenant);
        }
        TenantKeys tenantKeys = keys.await(request.tenant(), request.keyVersion(), keyWait).orElse(null);
        if (tenantKeys == null) {
            return new Refused(UNKNOWN_KEY_VERSION, "no public bundle of " + request.tenant() + " at key version " + request.keyVersion()
                    + " is known to the scoring pool");
        }
        ScoringModel model = models.forTenant(request.tenant());
        String unsuitable = model.unsuitable(tenantKeys);
        if (unsuitable != null) {
            return new Refused(UNSUITABLE_KEYS, unsuitable);
        }
        if (request.featureSchemaVersion() != model.featureSchemaVersion()) {
            return new Refused(SCHEMA_MISMATCH, "the batch follows feature schema version " + request.featureSchemaVersion()
                    + "; model " + model.modelId() + " v" + model.version() + " reads " + model.featureSchemaId() + " v"
                    + model.featureSchemaVersion());
        }
        int dimension = model.featureNames().size();
        if (request.ciphertextCount() != dimension) {
            return new Refused(SCHEMA_MISMATCH, "the batch has " + request.ciphertextCount() + " feature ciphertexts; "
                    + model.featureSchemaId() + " v" + model.featureSchemaVersion() + " has " + dimension + " features");
        }
        if (request.slotCount() > tenantKeys.context().slotCount()) {
            return new Refused(BAD_ENVELOPE, "slot count " + request.slotCount() + " exceeds the " + tenantKeys.context().slotCount()
                    + " slots of key version " + request.keyVersion() + "'s parameters");
        }

        long loadStart = System.nanoTime();
        Ciphertext[] columns = new Ciphertext[dimension];
        for (int i = 0; i < dimension; i++) {
            try {
                columns[i] = Seal.loadCiphertext(tenantKeys.context(), request.ciphertext(i));
            } catch (SealFormatException e) {
                return new Refused(BAD_CIPHERTEXT, "ciphertext " + i + " (" + model.featureNames().get(i) + "): " + e.getMessage());
            } catch (RuntimeException e) {
                // the loader's contract is SealFormatException for bad bytes; anything else is still these bytes' fault
                return new Refused(BAD_CIPHERTEXT, "ciphertext " + i + " (" + model.featureNames().get(i) + ") does not load: " + e);
            }
            String shape = shapeProblem(columns[0], columns[i], i, tenantKeys);
            if (shape != null) {
                return new Refused(BAD_CIPHERTEXT, shape);
            }
        }
        Duration loadTime = Duration.ofNanos(System.nanoTime() - loadStart);

        long evalStart = System.nanoTime();
        byte[] score;
        try {
            score = Seal.save(model.evaluate(tenantKeys, columns), SCORE_FORMAT);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // e.g. a scale so large the weighted sum would overflow the level's modulus
            return new Refused(BAD_CIPHERTEXT, "the model cannot be evaluated on these ciphertexts: " + e.getMessage());
        }
        Duration evalTime = Duration.ofNanos(System.nanoTime() - evalStart);
        ScoreResult result = ScoreResult.of(request, model.modelId(), model.version(), startedAt, clock.instant(), List.of(score));
        return new Scored(result, loadTime, evalTime);
    }

    /** Why column {@code i} cannot join column 0 in the weighted sum, or null. */
    private static String shapeProblem(Ciphertext first, Ciphertext c, int i, TenantKeys keys) {
        if (c.size() != 2) {
            return "ciphertext " + i + " has " + c.size() + " polynomials; a fresh feature column has 2";
        }
        if (i == 0) {
            ContextData level = keys.context().require(c.parmsId());
            return level.next() == null ? "ciphertext 0 is at the last level: no prime is left to rescale the weighted sum" : null;
        }
        if (!c.parmsId().equals(first.parmsId())) {
            return "ciphertext " + i + " is at another level than ciphertext 0";
        }
        if (c.scale() != first.scale()) {
            return "ciphertext " + i + " has scale " + c.scale() + ", ciphertext 0 has " + first.scale();
        }
        return null;
    }
}
