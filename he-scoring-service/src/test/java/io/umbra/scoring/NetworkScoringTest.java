package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.features.FeatureSchema;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.serial.Seal;
import io.umbra.model.EncryptedNetwork;
import io.umbra.model.LogisticModel;
import io.umbra.model.ModelArtifact;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models per tenant: acme is scored by a square-activation network (parameter set (a), relinearization
 * keys in its bundle), bravo by the default logistic model, carol by the network without
 * relinearization keys (refused, with the remedy).
 */
class NetworkScoringTest {
    private static final FeatureSchema V1 = FeatureSchema.V1;
    private static final int D = V1.dimension();
    private static final int SLOTS = 256;

    private static ModelArtifact network() {
        SplittableRandom r = new SplittableRandom(5);
        double[] mean = new double[D];
        double[] std = new double[D];
        for (int i = 0; i < D; i++) {
            mean[i] = r.nextDouble(0, 0.5);
            std[i] = r.nextDouble(0.4, 1.0);
        }
        int h = 4;
        double[][] hw = new double[h][D];
        double[] hb = new double[h];
        double[] v = new double[h];
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < D; i++) {
                hw[j][i] = r.nextGaussian() * 0.3;
            }
            hb[j] = r.nextGaussian() * 0.3;
            v[j] = (j % 2 == 0 ? 1 : -1) * r.nextDouble(0.3, 1.0);
        }
        return ModelArtifact.network("tenant-nn", 2, V1, new ModelArtifact.Scaler(mean, std),
                new ModelArtifact.Network("square", hw, hb, v, -3.0), new ModelArtifact.Threshold(1.0, "test"), Map.of());
    }

    @Test
    void eachTenantIsScoredByItsOwnModelKind() throws Exception {
        TestBank acme = TestBank.setA("acme", 1);
        TestBank bravo = new TestBank("bravo", 1);
        TestBank carol = TestBank.setA("carol", 1);
        Map<TenantId, TenantKeys> keys = Map.of(
                acme.tenant, keysOf(acme, Optional.of(acme.relinKeys())),
                bravo.tenant, keysOf(bravo, Optional.empty()),
                carol.tenant, keysOf(carol, Optional.empty()));
        EncryptedNetwork net = EncryptedNetwork.of(network());
        TenantModels models = new TenantModels(ScoringModel.of(LogisticModel.bundled()),
                Map.of(acme.tenant, ScoringModel.of(net), carol.tenant, ScoringModel.of(net)));
        BatchScorer scorer = new BatchScorer(models, (t, v, w) -> Optional.ofNullable(keys.get(t)), Clock.systemUTC(),
                EnvelopeLimits.DEFAULT, Duration.ZERO);

        double[][] columns = TestBank.features(D, SLOTS, 77);
        double[][] rows = new double[SLOTS][D];
        for (int s = 0; s < SLOTS; s++) {
            for (int f = 0; f < D; f++) {
                rows[s][f] = columns[f][s];
            }
        }

        ScoreRequest forAcme = acme.request(columns, SLOTS, 1, 1, new byte[] {7});
        BatchScorer.Scored scored = assertInstanceOf(BatchScorer.Scored.class, scorer.score(acme.tenant, forAcme.encode()));
        assertEquals("tenant-nn", scored.result().modelId());
        double[] logits = acme.decrypt(acme.load(scored.result().scoreCiphertext(0)));
        double worst = 0;
        for (int s = 0; s < SLOTS; s++) {
            double reference = net.logit(rows[s]);
            worst = Math.max(worst, Math.abs(logits[s] - reference));
            assertEquals(net.alerts(reference), net.alerts(logits[s]), "alert decision of slot " + s);
        }
        assertTrue(worst <= 1e-4, "worst |Δ logit| " + worst);

        ScoreRequest forBravo = bravo.request(columns, SLOTS, 1, 1, new byte[] {8});
        BatchScorer.Scored logistic = assertInstanceOf(BatchScorer.Scored.class, scorer.score(bravo.tenant, forBravo.encode()));
        assertEquals(LogisticModel.bundled().modelId(), logistic.result().modelId());
        double[] bravoLogits = bravo.decrypt(bravo.load(logistic.result().scoreCiphertext(0)));
        assertEquals(LogisticModel.bundled().logit(rows[3]), bravoLogits[3], 1e-4);

        ScoreRequest forCarol = carol.request(columns, SLOTS, 1, 1, new byte[] {9});
        BatchScorer.Refused refused = assertInstanceOf(BatchScorer.Refused.class, scorer.score(carol.tenant, forCarol.encode()));
        assertEquals(BatchScorer.UNSUITABLE_KEYS, refused.reason());
        assertTrue(refused.message().contains("UMBRA_HE_RELIN_KEYS=true"), refused.message());
    }

    private static TenantKeys keysOf(TestBank bank, Optional<io.umbra.he.ckks.RelinKeys> relin) {
        return new TenantKeys(bank.tenant, 1, Instant.now(), Seal.save(bank.context.params()), bank.context, new Evaluator(bank.context), relin);
    }
}
