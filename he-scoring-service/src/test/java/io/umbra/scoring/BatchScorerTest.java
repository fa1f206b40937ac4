package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.serial.Compression;
import io.umbra.he.serial.SaveOptions;
import io.umbra.he.serial.Seal;
import io.umbra.model.LogisticModel;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scoring step on its own: the checks a hostile or mistaken batch meets before and after loading. */
class BatchScorerTest {
    private static final LogisticModel MODEL = LogisticModel.bundled();
    private static final int D = MODEL.schema().dimension();
    private static final TestBank BANK = new TestBank("acme", 1);
    private static final TenantKeys KEYS = new TenantKeys(BANK.tenant, 1, Instant.now(), Seal.save(BANK.context.params()),
            BANK.context, new Evaluator(BANK.context), Optional.empty());
    private static final double[][] FEATURES = TestBank.features(D, 16, 9);

    private final BatchScorer scorer = new BatchScorer(MODEL,
            (tenant, version, wait) -> tenant.equals(KEYS.tenant()) && version == 1 ? Optional.of(KEYS) : Optional.empty(),
            Clock.systemUTC(), EnvelopeLimits.DEFAULT, Duration.ZERO);

    @Test
    void aValidBatchScoresToThePlaintextLogits() throws Exception {
        ScoreRequest request = BANK.request(FEATURES, 16, 1, 1, new byte[] {1, 2, 3});
        BatchScorer.Scored scored = assertInstanceOf(BatchScorer.Scored.class, scorer.score(BANK.tenant, request.encode()));
        double[] logits = BANK.decrypt(BANK.load(scored.result().scoreCiphertext(0)));
        for (int s = 0; s < 16; s++) {
            double[] x = new double[D];
            for (int f = 0; f < D; f++) {
                x[f] = FEATURES[f][s];
            }
            assertEquals(MODEL.logit(x), logits[s], 1e-4);
        }
        assertTrue(scored.evalTime().compareTo(Duration.ZERO) > 0);
    }

    @Test
    void refusesWhatCannotBeScoredWithAReasonAndWithoutQuotingData() throws Exception {
        ScoreRequest valid = BANK.request(FEATURES, 16, 1, 1, new byte[] {1});
        List<byte[]> columns = valid.ciphertexts();

        assertRefused(BatchScorer.BAD_ENVELOPE, null);
        assertRefused(BatchScorer.BAD_ENVELOPE, new byte[] {'U', 'M', 'B', 'E', 1, 1});
        assertRefused(BatchScorer.TENANT_MISMATCH, BANK.request(FEATURES, 16, 1, 1, new byte[] {1}).encode(), TenantId.of("bravo"));
        assertRefused(BatchScorer.UNKNOWN_KEY_VERSION, BANK.request(FEATURES, 16, 2, 1, new byte[] {1}).encode());
        assertRefused(BatchScorer.SCHEMA_MISMATCH, BANK.request(FEATURES, 16, 1, 9, new byte[] {1}).encode());
        assertRefused(BatchScorer.SCHEMA_MISMATCH, new ScoreRequest(valid.header(), valid.createdAt(), columns.subList(0, D - 1),
                valid.manifest()).encode());

        // one column a level down (mod-switched): the weighted sum needs every column at one level
        List<byte[]> mixed = valid.ciphertexts();
        mixed.set(5, Seal.save(KEYS.evaluator().modSwitchToNext(BANK.load(columns.get(5))), SaveOptions.of(Compression.ZSTD)));
        assertRefused(BatchScorer.BAD_CIPHERTEXT, new ScoreRequest(valid.header(), valid.createdAt(), mixed, valid.manifest()).encode());

        // every column at the last level: no prime left for the rescale
        List<byte[]> last = valid.ciphertexts();
        for (int i = 0; i < D; i++) {
            last.set(i, Seal.save(KEYS.evaluator().modSwitchTo(BANK.load(columns.get(i)), BANK.context.lastData().parmsId()),
                    SaveOptions.of(Compression.ZSTD)));
        }
        assertRefused(BatchScorer.BAD_CIPHERTEXT, new ScoreRequest(valid.header(), valid.createdAt(), last, valid.manifest()).encode());

        // a ciphertext under other parameters (another parms_id): the loader refuses it
        TestBank elsewhere = new TestBank("acme", 1, 30, 30, 30);
        List<byte[]> foreign = valid.ciphertexts();
        foreign.set(0, elsewhere.uncompressedCiphertext(FEATURES[0]));
        assertRefused(BatchScorer.BAD_CIPHERTEXT, new ScoreRequest(valid.header(), valid.createdAt(), foreign, valid.manifest()).encode());
    }

    private void assertRefused(String reason, byte[] envelope) throws InterruptedException {
        assertRefused(reason, envelope, BANK.tenant);
    }

    private void assertRefused(String reason, byte[] envelope, TenantId topicTenant) throws InterruptedException {
        BatchScorer.Refused refused = assertInstanceOf(BatchScorer.Refused.class, scorer.score(topicTenant, envelope));
        assertEquals(reason, refused.reason(), refused.message());
        assertTrue(!refused.message().isBlank() && refused.message().length() < 1024, refused.message());
    }
}
