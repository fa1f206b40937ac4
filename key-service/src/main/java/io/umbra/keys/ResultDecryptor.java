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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The key-service's one step, without Kafka: a {@code ScoreResult} envelope in, the plaintext scores of
 * its transactions out. The envelope comes from the shared scoring zone and is treated as hostile: it
 * must be ours, under a key version we hold, carry a ciphertext that loads against that version's
 * parameters and a manifest that opens for exactly this tenant, batch, key version and slot count.
 * Any failed check is a {@link ScoreDecryption.Refused} with the reason the dead-letter topic carries.
 *
 * <p>CKKS gives no integrity: a ciphertext altered in range still decrypts, to wrong numbers. What this
 * can catch is a ciphertext that is not well formed for the key version; the manifest is authenticated
 * (HPKE), the scores are only as honest as the scoring pool.
 */
public final class ResultDecryptor {
    public static final String BAD_ENVELOPE = "BAD_ENVELOPE";
    public static final String TENANT_MISMATCH = "TENANT_MISMATCH";
    public static final String UNKNOWN_KEY_VERSION = "UNKNOWN_KEY_VERSION";
    public static final String BAD_CIPHERTEXT = "BAD_CIPHERTEXT";
    public static final String BATCH_REPLAYED = "BATCH_REPLAYED";
    /** How many decrypted batch ids are remembered to recognise a replay (about 16 MB at most). */
    static final int REMEMBERED_BATCHES = 200_000;

    private final TenantKeyStore keys;
    private final Clock clock;
    private final Consumer<Duration> decryptTime;
    /**
     * Batch id → the input position that first decrypted it. A record re-read after an aborted
     * transaction has the same position and is decrypted again (nothing was committed); the same batch
     * at another position is a replay. Bounded, oldest forgotten first; empty after a restart.
     */
    private final Map<UUID, String> decrypted = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
            return size() > REMEMBERED_BATCHES;
        }
    };

    /**
     * @param decryptTime told how long each decryption (decrypt + decode of the score ciphertext) took
     */
    public ResultDecryptor(TenantKeyStore keys, Clock clock, Consumer<Duration> decryptTime) {
        this.keys = keys;
        this.clock = clock;
        this.decryptTime = decryptTime;
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
        BatchManifest manifest;
        try {
            manifest = key.manifestOpener().open(result.manifest(), tenant, result.batchId(), result.keyVersion(), result.slotCount());
        } catch (ManifestRefusedException e) {
            return new ScoreDecryption.Refused(e.reason(), e.getMessage()); // names tenant, batch and key version
        }
        // Authentic, and for this tenant, batch and key version: a second copy at another position is a replay.
        if (position != null) {
            String first = decrypted.get(result.batchId());
            if (first != null && !first.equals(position)) {
                return new ScoreDecryption.Refused(BATCH_REPLAYED, "batch " + result.batchId() + " was already decrypted from " + first
                        + "; this copy is a replay");
            }
        }

        double[] logits;
        long started = System.nanoTime();
        try {
            logits = key.decryptSlots(scores);
        } catch (RuntimeException e) {
            return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "the score ciphertext of batch " + result.batchId()
                    + " does not decrypt under key version " + key.version() + ": " + e.getMessage());
        } finally {
            decryptTime.accept(Duration.ofNanos(System.nanoTime() - started));
        }
        if (logits.length < manifest.slotCount()) {
            return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "the score ciphertext has " + logits.length + " slots, the batch "
                    + manifest.slotCount() + " transactions");
        }
        Instant decryptedAt = clock.instant();
        List<Score> out = new ArrayList<>(manifest.slotCount());
        for (int i = 0; i < manifest.slotCount(); i++) {
            double logit = logits[i];
            if (!Double.isFinite(logit)) {
                return new ScoreDecryption.Refused(BAD_CIPHERTEXT, "slot " + i + " of batch " + result.batchId() + " decrypts to no finite number");
            }
            ManifestEntry tx = manifest.slots().get(i);
            out.add(new Score(tenant, tx.transactionId(), tx.cardId(), tx.amountMinor(), tx.currency(), tx.merchantId(),
                    Score.probabilityOf(logit), logit, result.modelId(), result.modelVersion(), tx.eventTime(),
                    result.requestCreatedAt(), result.scoredAt(), decryptedAt));
        }
        if (position != null) {
            decrypted.putIfAbsent(result.batchId(), position);
        }
        return new ScoreDecryption.Scores(key.version(), out);
    }
}
