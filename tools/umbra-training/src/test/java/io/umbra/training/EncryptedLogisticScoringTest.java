package io.umbra.training;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.perf.ParameterSet;
import io.umbra.model.LogisticModel;
import io.umbra.model.ModelArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trained logistic model, folded into the {@link LogisticModel} the scoring pool evaluates and
 * encrypted at parameter set (b) as the pipeline runs it, against its plaintext artifact on held-out
 * generated traffic. The test holds the keys and decrypts.
 */
class EncryptedLogisticScoringTest {

    static EncryptedNetworkScoringTest.Comparison compare(ModelArtifact artifact, LabelledFeatures heldOut, int count) {
        LogisticModel model = artifact.toLogisticModel();
        double threshold = artifact.threshold().logit();
        return EncryptedNetworkScoringTest.compare(artifact, heldOut, count, ParameterSet.B, (ctx, keys) -> new EncryptedNetworkScoringTest.EncryptedScorer() {
            public Ciphertext evaluate(CkksContext context, Evaluator evaluator, Ciphertext[] columns) {
                return model.evaluate(context, evaluator, columns);
            }

            public boolean alerts(double decryptedLogit) {
                return decryptedLogit >= threshold;
            }
        });
    }

    static void print(String what, EncryptedNetworkScoringTest.Comparison c) {
        System.out.printf("%s: %d held-out transactions (%d frauds), %d alerts, %d disagreements, worst |Δ logit| %.3g, max |logit| %.1f,"
                + " evaluation %.0f ms per batch of 2,048%n", what, c.transactions(), c.frauds(), c.alerts(), c.disagreements(),
                c.worstDelta(), c.maxAbsLogit(), c.millisPerBatch());
    }

    @Test
    void theTrainedLogisticModelScoresHeldOutTrafficEncryptedAsInPlaintext() {
        ModelTraining.Config config = ModelTrainingTest.SMALL;
        ModelArtifact logistic = ModelTraining.train(config).logistic();
        EncryptedNetworkScoringTest.Comparison c = compare(logistic, EncryptedNetworkScoringTest.heldOut(config), 4_096);
        print("trained logistic model (30,000 tx), set (b)", c);
        assertTrue(c.frauds() > 10 && c.alerts() > 5, "the batches hold frauds and alerts: " + c);
        assertEquals(0, c.disagreements(), "alert decisions differ: " + c);
        assertTrue(c.worstDelta() <= 1e-4, "worst |Δ logit| " + c.worstDelta());
    }

    /**
     * The report's full comparison for the logistic model: default training on a stream whose held-out
     * 30 % is 100,000 transactions. On demand: {@code -Dumbra.full-encrypted-comparison=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "umbra.full-encrypted-comparison", matches = "true")
    void theDefaultLogisticModelOnAHundredThousandHeldOutTransactions() {
        ModelTraining.Config config = ModelTraining.Config.defaults().withTransactions(333_334);
        ModelArtifact logistic = ModelTraining.train(config).logistic();
        LabelledFeatures heldOut = EncryptedNetworkScoringTest.heldOut(config);
        assertEquals(100_000, heldOut.size());
        EncryptedNetworkScoringTest.Comparison c = compare(logistic, heldOut, heldOut.size());
        print("default logistic model trained on 233,334, 100,000 held out, set (b)", c);
        assertEquals(0, c.disagreements(), "alert decisions differ: " + c);
        assertTrue(c.worstDelta() <= 1e-4, "worst |Δ logit| " + c.worstDelta());
    }
}
