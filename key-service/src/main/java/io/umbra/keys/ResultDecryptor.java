package io.umbra.keys;

import io.umbra.crypto.ManifestRefusedException;
import io.umbra.events.TenantId;
import io.umbra.events.envelope.EnvelopeFormatException;
import io.umbra.events.envelope.ScoreResult;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestEntry;
import io.umbra.events.score.Score;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.serial.Seal;
import io.umbra.verify.BundleVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The key-service's one step, without Kafka: a {@code ScoreResult} envelope in, the plaintext scores of
 * its transactions out. The envelope comes from the shared scoring zone and is treated as hostile. In
 * order, before anything secret is touched: it decodes, names this tenant, carries the encrypt-service's
 * batch signature over its header, time, ciphertext digest and manifest ({@link #BATCH_FORGED}: the
 * pool cannot invent a batch, HPKE base mode alone authenticates nobody), names a key version we hold,
 * and carries one score ciphertext of exactly the shape the tenant's model produces (size 2, the last
 * level, the model's exact scale: {@link #BAD_CIPHERTEXT}). Then the manifest must open for exactly
 * this tenant, batch, key version and slot count, and the batch must not have been decrypted before
 * at another input position ({@link #BATCH_REPLAYED}, remembered across restarts through
 * {@code <t>.decrypted}). After decryption every logit of the batch must lie within
 * {@link #MAX_ABS_LOGIT} ({@link #SCORE_OUT_OF_RANGE}), and what is published is rounded to
 * {@link #PUBLISHED_LOGIT_STEP}: full-precision CKKS decryptions leak the secret key (Li and
 * Micciancio, EUROCRYPT 2021), a fraud decision needs three decimals.
 *
 * <p>CKKS gives no integrity: a genuine batch's ciphertext replaced by the pool with an encryption of
 * a value of its choosing, in range and of the right shape, still decrypts, to that value. The
 * scores are only as honest as the pool (docs/SECURITY.md).
 */
public final class ResultDecryptor {
    public static final String BAD_ENVELOPE = "BAD_ENVELOPE";
    public static final String TENANT_MISMATCH = "TENANT_MISMATCH";
    public static final String BATCH_FORGED = "BATCH_FORGED";
    public static final String UNKNOWN_KEY_VERSION = "UNKNOWN_KEY_VERSION";
    public static final String BAD_CIPHERTEXT = "BAD_CIPHERTEXT";
    public static final String BATCH_REPLAYED = "BATCH_REPLAYED";
    public static final String SCORE_OUT_OF_RANGE = "SCORE_OUT_OF_RANGE";
    /**
     * The largest |logit| a genuine logistic score has: umbra-model refuses weights that could exceed 30
     * on valid features (LogisticModel.MAX_ABS_LOGIT), plus decryption noise. A larger value is made up.
     */
    public static final double MAX_ABS_LOGIT = 30.0 + 1.0 / 64;
    /**
     * The same for the square network, whose bound is per model (checked against the parameters' capacity
     * when the pool loads it): a probability is 1 - 10^-27 there, so this only stops absurd values.
     */
    public static final double MAX_ABS_NETWORK_LOGIT = 64.0;
    /**
     * Published logits are multiples of 2^-8 (about 0.004, a fraud probability within 0.001): far above the
     * CKKS decryption noise (about 2^-20 of the value at scale 2^30), so the low bits that carry the noise,
     * hence information about the secret key, never leave the key-service.
     */
    public static final double PUBLISHED_LOGIT_STEP = 1.0 / 256;

    private final TenantKeyStore keys;
    private final java.util.function.Supplier<BundleVerifier> batchVerifier;
    private final Clock clock;
    private final Consumer<Duration> decryptTime;
    private double maxAbsNetworkLogit = MAX_ABS_NETWORK_LOGIT;
    /**
     * Batch id → the key version and input position that first decrypted it. A record re-read after an
     * aborted transaction has the same position and is decrypted again (nothing was committed); the same
     * batch at another position is a replay. Only authentic batches (signature verified, manifest opened)
     * enter, so an attacker cannot flood it; entries leave with their key version ({@link #forget}).
     * Filled at start from {@code <t>.decrypted} by {@link DecryptedBatchLog}.
     */
    private final Map<UUID, Decrypted> decrypted = new ConcurrentHashMap<>();

    /** Where a batch was first decrypted. */
    public record Decrypted(int keyVersion, String position) {
    }

    /**
     * @param batchVerifier the encrypt-service's pinned batch-verification key
     * @param decryptTime   told how long each decryption (decrypt + decode of the score ciphertext) took
     */
    public ResultDecryptor(TenantKeyStore keys, BundleVerifier batchVerifier, Clock clock, Consumer<Duration> decryptTime) {
        this(keys, constant(Objects.requireNonNull(batchVerifier, "batchVerifier")), clock, decryptTime);
    }

    private static java.util.function.Supplier<BundleVerifier> constant(BundleVerifier verifier) {
        return () -> verifier;
    }

    /** As above, with the pinned key read again when it is re-pinned (a batch-signing key rotation): {@code batchVerifier} is asked per result. */
    public ResultDecryptor(TenantKeyStore keys, java.util.function.Supplier<BundleVerifier> batchVerifier, Clock clock,
                           Consumer<Duration> decryptTime) {
        this.keys = keys;
        this.batchVerifier = Objects.requireNonNull(batchVerifier, "batchVerifier");
        this.clock = clock;
        this.decryptTime = decryptTime;
    }

    /**
     * The |logit| bound of the tenant's network scores ({@code UMBRA_NETWORK_MAX_ABS_LOGIT}; default
     * {@value #MAX_ABS_NETWORK_LOGIT}): a trained network's worst case over valid transactions is per model, often in the
     * thousands ({@code EncryptedNetwork.worstCaseAbsLogit}), and a batch with one score beyond the bound is refused whole.
     * Set it to the served model's bound; it must stay below what the parameters hold.
     */
    public ResultDecryptor maxAbsNetworkLogit(double bound) {
        if (!(bound >= 1 && bound <= 1e5)) {
            throw new IllegalArgumentException("UMBRA_NETWORK_MAX_ABS_LOGIT must be within [1, 100000], not " + bound);
        }
        this.maxAbsNetworkLogit = bound;
        return this;
    }

    /** Records that {@code batchId} was decrypted under {@code keyVersion} at {@code position} (from the replay log). */
    public void remember(UUID batchId, int keyVersion, String position) {
        decrypted.putIfAbsent(batchId, new Decrypted(keyVersion, position));
    }

    /** Forgets one batch (its entry in the replay log was removed). */
    void forgetBatch(UUID batchId) {
        decrypted.remove(batchId);
    }

    /** Forgets the batches of a destroyed key version: results under it are refused as unknown anyway. */
    public List<UUID> forget(int keyVersion) {
        List<UUID> gone = new ArrayList<>();
        decrypted.entrySet().removeIf(e -> {
            boolean match = e.getValue().keyVersion() == keyVersion;
            if (match) {
                gone.add(e.getKey());
            }
            return match;
        });
        return gone;
    }

    /** How many batch ids are remembered. */
    public int rememberedBatches() {
        return decrypted.size();
    }

    /** {@link #decrypt(byte[], String)} for an envelope that was not read from a topic (tests, tools). */
    public ScoreDecryption decrypt(byte[] envelope) {
        return decrypt(envelope, null);
    }

    /**
     * @param position where the envelope was read ({@code topic-partition@offset}), to tell a replayed
     *                 batch from a re-read after an aborted transaction; null to skip the replay check
     */
    public ScoreDecryption decrypt(byte[] envelope, String position) {
        TenantId tenant = keys.tenant();
        ScoreResult result;
        try {
            result = ScoreResult.decode(envelope);
        } catch (EnvelopeFormatException | IllegalArgumentException e) {
            return new ScoreDecryption.Refused(BAD_ENVELOPE, "not a ScoreResult envelope: " + e.getMessage());
        }
        if (!result.tenant().equals(tenant)) {
            return new ScoreDecryption.Refused(TENANT_MISMATCH, "result of batch " + result.batchId() + " belongs to tenant " + result.tenant()
                    + ", this key-service serves " + tenant);
        }
        byte[] signature = result.batchSignature();
        if (signature.length == 0) {
            return new ScoreDecryption.Refused(BATCH_FORGED, "batch " + result.batchId() + " carries no batch signature; only batches signed"
                    + " by the tenant's encrypt-service are opened");
        }
        BundleVerifier pinnedBatchKey = batchVerifier.get();
        if (!pinnedBatchKey.verifies(signature, result.signedContent())) {
            return new ScoreDecryption.Refused(BATCH_FORGED, "the batch signature of batch " + result.batchId() + " does not verify under the"
                    + " pinned batch-verification key " + pinnedBatchKey.fingerprint() + ": not a batch of this tenant's encrypt-service, or altered");
        }
        Optional<KeyVersion> held = keys.version(result.keyVersion());
        if (held.isEmpty() && result.keyVersion() > keys.current().version()) {
            keys.refresh(); // another replica may have rotated
            held = keys.version(result.keyVersion());
        }
        if (held.isEmpty()) {
            return new ScoreDecryption.Refused(UNKNOWN_KEY_VERSION, "batch " + result.batchId() + " names key version " + result.keyVersion()
                    + "; this key-service holds " + keys.versions().stream().map(v -> "v" + v.version()).toList());
        }
        KeyVersion key = held.get();
        if (result.scoreCiphertextCount() != 1) {
            return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "batch " + result.batchId() + " carries " + result.scoreCiphertextCount()
                    + " score ciphertexts; a fraud score is one (one logit per slot)");
        }
        Ciphertext scores;
        try {
            scores = Seal.loadCiphertext(key.context(), result.scoreCiphertext(0));
        } catch (RuntimeException e) {
            return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "the score ciphertext of batch " + result.batchId()
                    + " does not load under key version " + key.version() + ": " + e.getMessage());
        }
        String shape = ScoreShape.problem(key, scores);
        if (shape != null) {
            return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "the score ciphertext of batch " + result.batchId() + " " + shape);
        }
        BatchManifest manifest;
        try {
            manifest = key.manifestOpener().open(result.manifest(), tenant, result.batchId(), result.keyVersion(), result.slotCount());
        } catch (ManifestRefusedException e) {
            return new ScoreDecryption.Refused(e.reason(), e.getMessage()); // names tenant, batch and key version
        }
        // Authentic, and for this tenant, batch and key version: a second copy at another position is a replay.
        if (position != null) {
            Decrypted first = decrypted.get(result.batchId());
            if (first != null && !first.position().equals(position)) {
                return new ScoreDecryption.Refused(BATCH_REPLAYED, "batch " + result.batchId() + " was already decrypted from "
                        + first.position() + "; this copy is a replay");
            }
        }

        double[] logits;
        long started = System.nanoTime();
        try {
            logits = key.decryptSlots(scores);
        } catch (RuntimeException e) {
            if (key.destroyed()) { // destroyed while this result waited for it: as if it had arrived a moment later
                return new ScoreDecryption.Refused(UNKNOWN_KEY_VERSION, "key version " + key.version() + " of batch " + result.batchId()
                        + " was destroyed before the result could be decrypted");
            }
            return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "the score ciphertext of batch " + result.batchId()
                    + " does not decrypt under key version " + key.version() + ": " + e.getMessage());
        } finally {
            decryptTime.accept(Duration.ofNanos(System.nanoTime() - started));
        }
        if (logits.length < manifest.slotCount()) {
            return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "the score ciphertext has " + logits.length + " slots, the batch "
                    + manifest.slotCount() + " transactions");
        }
        double bound = ScoreShape.networkScale(key, scores) ? maxAbsNetworkLogit : MAX_ABS_LOGIT;
        Instant decryptedAt = clock.instant();
        List<Score> out = new ArrayList<>(manifest.slotCount());
        for (int i = 0; i < manifest.slotCount(); i++) {
            double logit = logits[i];
            if (!Double.isFinite(logit) || Math.abs(logit) > bound) {
                // the value itself is not named: it is a decryption, and the whole batch is refused
                return new ScoreDecryption.Refused(SCORE_OUT_OF_RANGE, "slot " + i + " of batch " + result.batchId()
                        + " decrypts outside the logit range ±" + bound + " a genuine score keeps; the batch is refused whole");
            }
            double published = Math.rint(logit / PUBLISHED_LOGIT_STEP) * PUBLISHED_LOGIT_STEP;
            ManifestEntry tx = manifest.slots().get(i);
            out.add(new Score(tenant, tx.transactionId(), tx.cardId(), tx.amountMinor(), tx.currency(), tx.merchantId(),
                    Score.probabilityOf(published), published, result.modelId(), result.modelVersion(), tx.eventTime(),
                    result.requestCreatedAt(), result.scoredAt(), decryptedAt));
        }
        Arrays.fill(logits, 0.0);
        if (position != null) {
            decrypted.putIfAbsent(result.batchId(), new Decrypted(key.version(), position));
        }
        return new ScoreDecryption.Scores(key.version(), out, result.batchId(), position);
    }
}
