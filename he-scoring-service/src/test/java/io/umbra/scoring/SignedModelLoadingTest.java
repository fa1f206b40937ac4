package io.umbra.scoring;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import io.umbra.events.features.FeatureSchema;
import io.umbra.model.LogisticModel;
import io.umbra.model.ModelArtifact;
import io.umbra.model.SignedModel;
import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the pool scores with: the bundled model, or a model file whose owner's signature verifies under the pinned key. */
class SignedModelLoadingTest {

    private static KeysetHandle owner() throws GeneralSecurityException {
        SignatureConfig.register();
        return KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
    }

    private static Path pin(Path dir, KeysetHandle owner) throws Exception {
        return Files.writeString(dir.resolve("model-verification.json"),
                TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(owner.getPublicKeysetHandle()));
    }

    private static byte[] signedModel(KeysetHandle owner, double[] weights, double bias) throws Exception {
        int d = FeatureSchema.V1.dimension();
        ModelArtifact artifact = ModelArtifact.logistic("trained-lr", 3, FeatureSchema.V1, ModelArtifact.Scaler.identity(d),
                new ModelArtifact.Linear(weights, bias), new ModelArtifact.Threshold(2.0, "test"), Map.of());
        PublicKeySign sign = owner.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
        return SignedModel.sign(artifact, bytes -> {
            try {
                return sign.sign(bytes);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }, BundleVerifier.fingerprintOf(owner.getPublicKeysetHandle()));
    }

    private static double[] weights() {
        double[] w = new double[FeatureSchema.V1.dimension()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 3 - 1) * 0.25;
        }
        return w;
    }

    @Test
    void withoutAModelFileTheBundledModelScores() {
        assertEquals(LogisticModel.bundled().modelId(), ScoringPipeline.loadModel(Optional.empty(), Optional.empty()).modelId());
    }

    @Test
    void aSignedModelLoadsOnlyUnderItsOwnersPinnedKey(@TempDir Path dir) throws Exception {
        KeysetHandle owner = owner();
        Path model = Files.write(dir.resolve("logistic.json"), signedModel(owner, weights(), -4.5));
        Path key = pin(dir, owner);
        LogisticModel loaded = ScoringPipeline.loadModel(Optional.of(model), Optional.of(key));
        assertEquals("trained-lr", loaded.modelId());
        assertArrayEquals(weights(), loaded.weights(), 0.0);
        assertEquals(-4.5, loaded.bias(), 0.0);

        IllegalStateException noKey = assertThrows(IllegalStateException.class,
                () -> ScoringPipeline.loadModel(Optional.of(model), Optional.empty()));
        assertTrue(noKey.getMessage().contains("UMBRA_MODEL_VERIFICATION_KEY_FILE"), noKey.getMessage());

        Path otherKey = pin(Files.createDirectories(dir.resolve("other")), owner());
        assertThrows(IllegalArgumentException.class, () -> ScoringPipeline.loadModel(Optional.of(model), Optional.of(otherKey)),
                "signed by another owner");

        String text = Files.readString(model, StandardCharsets.UTF_8);
        Path altered = Files.writeString(dir.resolve("altered.json"), text.replace("-4.5", "-0.5"));
        assertTrue(!Files.readString(altered).equals(text), "the bias was changed in the file");
        assertThrows(IllegalArgumentException.class, () -> ScoringPipeline.loadModel(Optional.of(altered), Optional.of(key)),
                "a weight changed after signing");
    }
}
