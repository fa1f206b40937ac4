package io.umbra.training;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.perf.ParameterSet;
import io.umbra.model.EncryptedNetwork;
import io.umbra.model.ModelArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trained square network, encrypted at parameter set (a) exactly as the scoring pool evaluates it,
 * against its plaintext artifact on held-out generated traffic. The test holds the keys and decrypts.
 */
class EncryptedNetworkScoringTest {

    /** Worst |Δ logit| and alert disagreements over {@code heldOut}'s first {@code count} transactions, in batches of N/2. */
    record Comparison(int transactions, int alerts, int frauds, int disagreements, double worstDelta, double maxAbsLogit,
                      double millisPerBatch) {
    }

    /** How one model kind is evaluated on encrypted columns and how a decrypted logit becomes an alert decision. */
    interface EncryptedScorer {
        Ciphertext evaluate(CkksContext context, Evaluator evaluator, Ciphertext[] columns);

        boolean alerts(double decryptedLogit);
    }

    static Comparison compare(ModelArtifact artifact, LabelledFeatures heldOut, int count) {
        ParameterSet set = EncryptedNetwork.PARAMETERS;
        EncryptedNetwork network = EncryptedNetwork.of(artifact);
        return compare(artifact, heldOut, count, set, (ctx, keys) -> {
            network.requireFits(ctx, ctx.firstData(), set.scale());
            RelinKeys relinKeys = keys.createRelinKeys(true);
            return new EncryptedScorer() {
                public Ciphertext evaluate(CkksContext context, Evaluator evaluator, Ciphertext[] columns) {
                    return network.evaluate(context, evaluator, relinKeys, columns);
                }

                public boolean alerts(double decryptedLogit) {
                    return network.alerts(decryptedLogit);
                }
            };
        });
    }

    /**
     * Encrypts {@code heldOut}'s first {@code count} transactions at {@code set} in batches of N/2, scores each batch
     * with the scorer {@code scorerFor} makes from the keys, decrypts, and compares with the artifact's plaintext
     * logit and alert decision.
     */
    static Comparison compare(ModelArtifact artifact, LabelledFeatures heldOut, int count, ParameterSet set,
                              java.util.function.BiFunction<CkksContext, KeyGenerator, EncryptedScorer> scorerFor) {
        CkksContext context = CkksContext.create(set.parameters());
        KeyGenerator keys = new KeyGenerator(context);
        CkksEncoder encoder = new CkksEncoder(context);
        Encryptor encryptor = new Encryptor(context, keys.createPublicKey());
        Decryptor decryptor = new Decryptor(context, keys.secretKey());
        Evaluator evaluator = new Evaluator(context);
        EncryptedScorer scorer = scorerFor.apply(context, keys);

        int slots = context.slotCount();
        int d = artifact.schema().dimension();
        int alerts = 0;
        int frauds = 0;
        int disagreements = 0;
        double worst = 0;
        double maxAbs = 0;
        long evalNanos = 0;
        int batches = 0;
        for (int from = 0; from < count; from += slots) {
            int n = Math.min(slots, count - from);
            Ciphertext[] columns = new Ciphertext[d];
            for (int f = 0; f < d; f++) {
                double[] column = new double[n];
                for (int s = 0; s < n; s++) {
                    column[s] = heldOut.x()[from + s][f];
                }
                columns[f] = encryptor.encrypt(encoder.encode(column, set.scale()));
            }
            long t0 = System.nanoTime();
            Ciphertext score = scorer.evaluate(context, evaluator, columns);
            if (from > 0 || count <= slots) { // the first of several batches warms the JIT up
                evalNanos += System.nanoTime() - t0;
                batches++;
            }
            double[] decrypted = encoder.decode(decryptor.decrypt(score));
            for (int s = 0; s < n; s++) {
                double[] x = heldOut.x()[from + s];
                double plain = artifact.logit(x);
                worst = Math.max(worst, Math.abs(decrypted[s] - plain));
                maxAbs = Math.max(maxAbs, Math.abs(plain));
                boolean alert = artifact.alerts(x);
                alerts += alert ? 1 : 0;
                frauds += heldOut.fraud()[from + s] ? 1 : 0;
                disagreements += alert != scorer.alerts(decrypted[s]) ? 1 : 0;
            }
        }
        return new Comparison(count, alerts, frauds, disagreements, worst, maxAbs, evalNanos / 1e6 / Math.max(1, batches));
    }

    static LabelledFeatures heldOut(ModelTraining.Config config) {
        LabelledFeatures all = LabelledFeatures.generate(config.profile(), config.seed(), config.transactions(), config.schema());
        int cut = (int) Math.round(all.size() * config.trainShare());
        return all.slice(cut, all.size());
    }

    static void print(String what, ModelArtifact network, Comparison c) {
        System.out.printf("%s: %d held-out transactions (%d frauds), %d alerts, %d disagreements, worst |Δ logit| %.3g, max |logit| %.1f"
                        + " (training max %s), worst-case bound %.4g, evaluation %.0f ms per batch of 4,096%n", what, c.transactions(),
                c.frauds(), c.alerts(), c.disagreements(), c.worstDelta(), c.maxAbsLogit(), network.training().get("trainingMaxAbsLogit"),
                EncryptedNetwork.of(network).worstCaseAbsLogit(), c.millisPerBatch());
    }

    @Test
    void theTrainedNetworkScoresAFullBatchOfHeldOutTrafficEncryptedAsInPlaintext() {
        ModelTraining.Config config = ModelTrainingTest.SMALL;
        ModelArtifact network = ModelTraining.train(config).network();
        Comparison c = compare(network, heldOut(config), 4_096);
        print("trained network (30,000 tx, 6 epochs)", network, c);
        assertTrue(c.frauds() > 10 && c.alerts() > 10, "the batch holds frauds and alerts: " + c);
        assertEquals(0, c.disagreements(), "alert decisions differ: " + c);
        assertTrue(c.worstDelta() <= 1e-4, "worst |Δ logit| " + c.worstDelta());
    }

    @Test
    void aNetworkOnFeatureSchema2ScoresEncryptedAsInPlaintextToo() {
        ModelTraining.Config config = ModelTrainingTest.SMALL.withFeatureSchema(2);
        ModelArtifact network = ModelTraining.train(config).network();
        assertEquals(27, network.schema().dimension());
        Comparison c = compare(network, heldOut(config), 4_096);
        print("trained network on feature schema 2 (30,000 tx, 6 epochs, 27 columns)", network, c);
        assertTrue(c.frauds() > 10 && c.alerts() > 10, "the batch holds frauds and alerts: " + c);
        assertEquals(0, c.disagreements(), "alert decisions differ: " + c);
        assertTrue(c.worstDelta() <= 1e-4, "worst |Δ logit| " + c.worstDelta());
    }

    /**
     * The report's full comparison: the default training (seed 42, 1 % fraud, 8 units, 12 epochs) on a
     * stream long enough that its held-out 30 % is 100,000 transactions, scored in batches of 4,096.
     * About a minute of CPU, so only on demand:
     * {@code -Dumbra.full-encrypted-comparison=true -Dtest=EncryptedNetworkScoringTest}.
     */
    @Test
    @EnabledIfSystemProperty(named = "umbra.full-encrypted-comparison", matches = "true")
    void theDefaultNetworkOnAHundredThousandHeldOutTransactions() {
        ModelTraining.Config config = ModelTraining.Config.defaults().withTransactions(333_334);
        ModelArtifact network = ModelTraining.train(config).network();
        LabelledFeatures heldOut = heldOut(config);
        assertEquals(100_000, heldOut.size());
        Comparison c = compare(network, heldOut, heldOut.size());
        print("default network trained on 233,334, 100,000 held out", network, c);
        assertEquals(0, c.disagreements(), "alert decisions differ: " + c);
        assertTrue(c.worstDelta() <= 1e-4, "worst |Δ logit| " + c.worstDelta());
    }
}
