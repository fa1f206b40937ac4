package io.umbra.model;

import io.umbra.crypto.BundleSigningKey;
import io.umbra.events.features.FeatureSchema;
import io.umbra.model.ModelArtifact.Linear;
import io.umbra.model.ModelArtifact.Network;
import io.umbra.model.ModelArtifact.Scaler;
import io.umbra.model.ModelArtifact.Threshold;
import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scorer loads only what the model owner signed, exactly as signed. */
class SignedModelTest {
    static final FeatureSchema V1 = FeatureSchema.V1;
    static final BundleSigningKey OWNER = BundleSigningKey.generate();

    static ModelArtifact logistic() {
        int d = V1.dimension();
        SplittableRandom r = new SplittableRandom(3);
        double[] mean = new double[d];
        double[] std = new double[d];
        double[] w = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = r.nextDouble();
            std[i] = 0.5 + r.nextDouble();
            w[i] = r.nextDouble(-0.4, 0.4);
        }
        mean[V1.indexOf("log_amount")] = 3.4;
        std[V1.indexOf("log_amount")] = 1.1;
        w[V1.indexOf("log_amount")] = 0.2;
        return ModelArtifact.logistic("m-lr", 1, V1, new Scaler(mean, std), new Linear(w, -4.25), new Threshold(1.5, "test"),
                Map.of("seed", 3L, "note", "hand-made"));
    }

    static ModelArtifact network() {
        int d = V1.dimension();
        SplittableRandom r = new SplittableRandom(4);
        double[][] hw = new double[3][d];
        for (double[] row : hw) {
            for (int i = 0; i < d; i++) {
                row[i] = r.nextGaussian() * 0.3;
            }
        }
        return ModelArtifact.network("m-nn", 2, V1, Scaler.identity(d), new Network("square", hw, new double[] {0.1, -0.2, 1.0},
                new double[] {0.5, -0.25, 1.0}, -3), new Threshold(0.0, "test"), Map.of());
    }

    static BundleVerifier pinned() throws Exception {
        return BundleVerifier.fromKeyset(OWNER.verificationKeyset());
    }

    @Test
    void aSignedArtifactRoundTripsAndScoresAsBefore(@TempDir Path dir) throws Exception {
        for (ModelArtifact a : new ModelArtifact[] {logistic(), network()}) {
            Path file = dir.resolve(a.modelId() + ".json");
            Files.write(file, SignedModel.sign(a, OWNER::sign, OWNER.fingerprint()));
            ModelArtifact back = SignedModel.load(file, pinned());
            assertEquals(a, back);
            double[] x = new double[V1.dimension()];
            x[0] = 4.2;
            x[6] = 1;
            assertEquals(a.logit(x), back.logit(x), 0.0);
        }
    }

    @Test
    void reindentingTheFileKeepsTheSignatureValid() throws Exception {
        byte[] signed = SignedModel.sign(logistic(), OWNER::sign, OWNER.fingerprint());
        String compact = new String(signed, StandardCharsets.UTF_8).replaceAll("\\s*\\n\\s*", "");
        assertEquals(logistic(), SignedModel.read(compact.getBytes(StandardCharsets.UTF_8), pinned()));
    }

    @Test
    void aChangedWeightThresholdOrScalerIsRefused() throws Exception {
        String signed = new String(SignedModel.sign(logistic(), OWNER::sign, OWNER.fingerprint()), StandardCharsets.UTF_8);
        for (String[] edit : new String[][] {{"\"bias\" : -4.25", "\"bias\" : -1.25"}, {"\"logit\" : 1.5", "\"logit\" : 9.5"},
                {"\"std\" : [ ", "\"std\" : [ 9"}, {"\"note\" : \"hand-made\"", "\"note\" : \"hand-made!\""}}) {
            assertTrue(signed.contains(edit[0]), edit[0] + " in " + signed);
            byte[] tampered = signed.replace(edit[0], edit[1]).getBytes(StandardCharsets.UTF_8);
            ModelRefusedException e = assertThrows(ModelRefusedException.class, () -> SignedModel.read(tampered, pinned()));
            assertTrue(e.getMessage().contains("altered after it was signed"), e.getMessage());
        }
    }

    @Test
    void aModelSignedByAnotherKeyIsRefusedNamingBothKeys() throws Exception {
        BundleSigningKey stranger = BundleSigningKey.generate();
        byte[] signed = SignedModel.sign(logistic(), stranger::sign, stranger.fingerprint());
        ModelRefusedException e = assertThrows(ModelRefusedException.class, () -> SignedModel.read(signed, pinned()));
        assertTrue(e.getMessage().contains(stranger.fingerprint()) && e.getMessage().contains(OWNER.fingerprint()), e.getMessage());
    }

    @Test
    void aSignatureMadeForOtherDataDoesNotPassAsAModelSignature() throws Exception {
        // the owner's key signing the artifact's canonical bytes without the model domain prefix (as for a bundle)
        byte[] bare = SignedModel.canonical(logistic());
        byte[] wrong = SignedModel.sign(logistic(), m -> OWNER.sign(bare), OWNER.fingerprint());
        assertThrows(ModelRefusedException.class, () -> SignedModel.read(wrong, pinned()));
    }

    @Test
    void anUnsignedModelIsNeverLoaded() throws Exception {
        byte[] plain = SignedModel.unsignedJson(logistic());
        ModelRefusedException e = assertThrows(ModelRefusedException.class, () -> SignedModel.read(plain, pinned()));
        assertTrue(e.getMessage().contains("not a signed model"), e.getMessage());
        assertThrows(ModelRefusedException.class, () -> SignedModel.read(LogisticModel.bundled().toJson(), pinned()));
    }

    @Test
    void aSignedLogisticModelLoadsFoldedForTheScorerWithTheSameLogits(@TempDir Path dir) throws Exception {
        ModelArtifact a = logistic();
        Path file = dir.resolve("lr.json");
        Files.write(file, SignedModel.sign(a, OWNER::sign, OWNER.fingerprint()));
        LogisticModel folded = SignedModel.loadLogistic(file, pinned());
        SplittableRandom r = new SplittableRandom(5);
        for (int k = 0; k < 1000; k++) {
            double[] x = new double[V1.dimension()];
            for (int i = 0; i < x.length; i++) {
                x[i] = i == 0 ? r.nextDouble(0, 12) : r.nextInt(2);
            }
            assertEquals(a.logit(x), folded.logit(x), 1e-12 * Math.max(1, Math.abs(a.logit(x))));
        }
        Path nn = dir.resolve("nn.json");
        Files.write(nn, SignedModel.sign(network(), OWNER::sign, OWNER.fingerprint()));
        ModelRefusedException e = assertThrows(ModelRefusedException.class, () -> SignedModel.loadLogistic(nn, pinned()));
        assertTrue(e.getMessage().contains("network with square activation"), e.getMessage());
    }

    @Test
    void aSignedLogisticModelBeyondTheEncryptedLogitRangeIsRefusedAtLoading(@TempDir Path dir) throws Exception {
        ModelArtifact a = logistic();
        double[] w = a.logistic().weights();
        w[V1.indexOf("log_amount")] = 5; // 5/1.1 per unit of log_amount, up to 36.7: far beyond |logit| 30
        ModelArtifact big = ModelArtifact.logistic("big", 1, V1, a.scaler(), new Linear(w, 0), a.threshold(), Map.of());
        Path file = dir.resolve("big.json");
        Files.write(file, SignedModel.sign(big, OWNER::sign, OWNER.fingerprint()));
        ModelRefusedException e = assertThrows(ModelRefusedException.class, () -> SignedModel.loadLogistic(file, pinned()));
        assertTrue(e.getMessage().contains("|logit|"), e.getMessage());
    }

    @Test
    void malformedArtifactsAreRefusedWithWhatIsWrong() {
        int d = V1.dimension();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelArtifact.network("x", 1, V1,
                Scaler.identity(d), new Network("relu", new double[1][d], new double[1], new double[1], 0), new Threshold(0, "t"), null));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelArtifact.logistic("x", 1, V1, Scaler.identity(d),
                new Linear(new double[d - 1], 0), new Threshold(0, "t"), null));
        assertTrue(e.getMessage().contains("logistic.weights"), e.getMessage());
    }
}
