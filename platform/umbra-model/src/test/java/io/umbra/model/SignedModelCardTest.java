package io.umbra.model;

import io.umbra.crypto.BundleSigningKey;
import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bank learns a model's threshold from a card the model owner signed, and nothing of its weights. */
class SignedModelCardTest {
    static final BundleSigningKey OWNER = SignedModelTest.OWNER;

    static BundleVerifier pinned() throws Exception {
        return BundleVerifier.fromKeyset(OWNER.verificationKeyset());
    }

    @Test
    void aCardCarriesTheModelsIdentitySchemaAndThresholdAndNoWeights() {
        ModelArtifact model = SignedModelTest.logistic();
        ModelCard card = ModelCard.of(model);
        assertEquals(model.modelId(), card.modelId());
        assertEquals(model.version(), card.version());
        assertEquals(model.featureSchemaVersion(), card.featureSchemaVersion());
        assertEquals(model.threshold().logit(), card.thresholdLogit(), 0.0);
        assertEquals(model.threshold().probability(), card.thresholdProbability(), 1e-15);
        String json = new String(SignedModelCard.sign(card, OWNER::sign, OWNER.fingerprint()), StandardCharsets.UTF_8);
        for (String secret : new String[] {"weights", "bias", "scaler", "mean", "std", "training"}) {
            assertFalse(json.contains("\"" + secret + "\""), secret + " in " + json);
        }
    }

    @Test
    void aSignedCardRoundTripsAndAChangedThresholdIsRefused() throws Exception {
        ModelCard card = ModelCard.of(SignedModelTest.logistic());
        String signed = new String(SignedModelCard.sign(card, OWNER::sign, OWNER.fingerprint()), StandardCharsets.UTF_8);
        assertEquals(card, SignedModelCard.read(signed.getBytes(StandardCharsets.UTF_8), pinned()));
        assertTrue(signed.contains("\"thresholdLogit\" : 1.5"), signed);
        byte[] tampered = signed.replace("\"thresholdLogit\" : 1.5", "\"thresholdLogit\" : 25.0").getBytes(StandardCharsets.UTF_8);
        ModelRefusedException e = assertThrows(ModelRefusedException.class, () -> SignedModelCard.read(tampered, pinned()));
        assertTrue(e.getMessage().contains("altered after it was signed"), e.getMessage());
    }

    @Test
    void aCardOfAnotherKeyOrAModelsSignatureDoesNotPass() throws Exception {
        ModelCard card = ModelCard.of(SignedModelTest.logistic());
        BundleSigningKey stranger = BundleSigningKey.generate();
        ModelRefusedException e = assertThrows(ModelRefusedException.class,
                () -> SignedModelCard.read(SignedModelCard.sign(card, stranger::sign, stranger.fingerprint()), pinned()));
        assertTrue(e.getMessage().contains(stranger.fingerprint()), e.getMessage());
        // a signed model is not a card, and a card is not a model
        byte[] model = SignedModel.sign(SignedModelTest.logistic(), OWNER::sign, OWNER.fingerprint());
        assertThrows(ModelRefusedException.class, () -> SignedModelCard.read(model, pinned()));
        byte[] signedCard = SignedModelCard.sign(card, OWNER::sign, OWNER.fingerprint());
        assertThrows(ModelRefusedException.class, () -> SignedModel.read(signedCard, pinned()));
    }
}
