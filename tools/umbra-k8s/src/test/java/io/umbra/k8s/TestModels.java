package io.umbra.k8s;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.TenantId;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelCard;
import io.umbra.model.SignedModel;
import io.umbra.model.SignedModelCard;
import io.umbra.verify.BundleVerifier;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Models signed as {@code umbra model train} signs them: a real Ed25519 owner key (Tink), umbra-model's signed-model and
 * signed-card formats, a small square-activation network on feature schema 2 and a logistic model on schema 1.
 */
final class TestModels {
    private TestModels() {
    }

    /** A model owner: signs models and cards; {@link #verificationKey} is what the bank and the pool pin. */
    record Owner(PublicKeySign signer, String verificationKey, String fingerprint) {
        byte[] sign(byte[] data) {
            try {
                return signer.sign(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The three files of one model: model, card, key. */
        Files files(ModelArtifact model) {
            return new Files(new String(SignedModel.sign(model, this::sign, fingerprint), StandardCharsets.UTF_8),
                    new String(SignedModelCard.sign(ModelCard.of(model), this::sign, fingerprint), StandardCharsets.UTF_8), verificationKey);
        }
    }

    record Files(String model, String card, String key) {
        ServedModel served(TenantId tenant) {
            return ServedModel.parse(tenant, model, card, key);
        }
    }

    static Owner owner() {
        try {
            SignatureConfig.register();
            KeysetHandle signing = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
            String pub = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(signing.getPublicKeysetHandle());
            return new Owner(signing.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class), pub, BundleVerifier.fromKeyset(pub).fingerprint());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A square-activation network on feature schema 2 (27 inputs, 3 hidden units), threshold logit {@code threshold}. */
    static ModelArtifact network(String id, int version, double threshold) {
        FeatureSchema v2 = FeatureSchema.V2;
        int d = v2.dimension();
        SplittableRandom r = new SplittableRandom(version);
        double[][] hw = new double[3][d];
        for (double[] row : hw) {
            for (int i = 0; i < d; i++) {
                row[i] = r.nextGaussian() * 0.3;
            }
        }
        return ModelArtifact.network(id, version, v2, ModelArtifact.Scaler.identity(d),
                new ModelArtifact.Network(ModelArtifact.SQUARE, hw, new double[] {0.1, -0.2, 1.0}, new double[] {0.5, -0.25, 1.0}, -3),
                new ModelArtifact.Threshold(threshold, "precision >= 0.95 on calibration (test)"), Map.of());
    }

    /** A logistic model on feature schema 1. */
    static ModelArtifact logistic(String id, int version) {
        FeatureSchema v1 = FeatureSchema.V1;
        int d = v1.dimension();
        double[] w = new double[d];
        w[0] = 0.5;
        return ModelArtifact.logistic(id, version, v1, ModelArtifact.Scaler.identity(d), new ModelArtifact.Linear(w, -2),
                new ModelArtifact.Threshold(1.5, "test"), Map.of());
    }
}
