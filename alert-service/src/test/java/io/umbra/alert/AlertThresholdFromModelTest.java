package io.umbra.alert;

import io.umbra.crypto.BundleSigningKey;
import io.umbra.model.ModelCard;
import io.umbra.model.SignedModelCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The alert-service takes its score threshold from the signed card of the model its tenant is served; a setting overrides it. */
class AlertThresholdFromModelTest {
    static final BundleSigningKey OWNER = BundleSigningKey.generate();
    static final double LOGIT = -0.375;
    static final ModelCard CARD = new ModelCard(ModelCard.FORMAT, "umbra-tx-network", 3, "network", "umbra.tx", 2, LOGIT,
            "lowest logit with precision ≥ 0.97 on the calibration set");

    record Settings(Optional<Double> threshold, Optional<String> modelCardFile, Optional<String> modelVerificationKeyFile,
                    Optional<String> amountRule) implements AlertServiceConfig.AlertSettings {
        @Override
        public Duration readYourWritesTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public int maxStreamListeners() {
            return 1;
        }
    }

    static Path[] files(Path dir, BundleSigningKey signer) throws Exception {
        Path card = Files.write(dir.resolve("network.card.json"), SignedModelCard.sign(CARD, signer::sign, signer.fingerprint()));
        Path key = Files.writeString(dir.resolve("model-verification.json"), OWNER.verificationKeyset());
        return new Path[] {card, key};
    }

    static Optional<String> rule(AlertPolicy policy, double p) {
        return policy.decide(AlertPolicyTest.score("tx", p, 100)).map(AlertRule::id);
    }

    @Test
    void theScoreRuleIsTheServedModelsThreshold(@TempDir Path dir) throws Exception {
        Path[] f = files(dir, OWNER);
        AlertPolicy policy = AlertPolicy.of(new Settings(Optional.empty(), Optional.of(f[0].toString()), Optional.of(f[1].toString()),
                Optional.of("off")));
        double p = 1 / (1 + Math.exp(-LOGIT));
        assertEquals(1, policy.rules().size());
        assertEquals(p, policy.rules().get(0).minProbability(), 1e-15);
        assertEquals(Optional.of("model-umbra-tx-network-v3"), rule(policy, p));
        assertEquals(Optional.empty(), rule(policy, Math.nextDown(p)));
        assertTrue(policy.source().contains("umbra-tx-network v3"), policy.source());
    }

    @Test
    void aThresholdSetByHandOverridesTheModels(@TempDir Path dir) throws Exception {
        Path[] f = files(dir, OWNER);
        AlertPolicy policy = AlertPolicy.of(new Settings(Optional.of(0.8), Optional.of(f[0].toString()), Optional.of(f[1].toString()),
                Optional.of("off")));
        assertEquals(Optional.of("score-above-0.8"), rule(policy, 0.8));
        assertEquals(Optional.empty(), rule(policy, 0.79));
        assertTrue(policy.source().contains("overriding model umbra-tx-network v3"), policy.source());
    }

    @Test
    void withoutACardOrOverrideTheFallbackApplies() {
        AlertPolicy policy = AlertPolicy.of(new Settings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("off")));
        assertEquals(AlertPolicy.FALLBACK_THRESHOLD, policy.rules().get(0).minProbability());
    }

    @Test
    void aCardThatDoesNotVerifyStopsTheStart(@TempDir Path dir) throws Exception {
        // signed by someone else than the pinned model owner
        Path[] stranger = files(dir, BundleSigningKey.generate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertPolicy.of(new Settings(Optional.empty(),
                Optional.of(stranger[0].toString()), Optional.of(stranger[1].toString()), Optional.empty())));
        assertTrue(e.getMessage().contains("not by the pinned model-verification key"), e.getMessage());
        // altered threshold
        Path[] f = files(dir, OWNER);
        String text = Files.readString(f[0]);
        assertTrue(text.contains("\"thresholdLogit\" : -0.375"), text);
        Files.writeString(f[0], text.replace("\"thresholdLogit\" : -0.375", "\"thresholdLogit\" : 30.0"), StandardCharsets.UTF_8);
        e = assertThrows(IllegalArgumentException.class, () -> AlertPolicy.of(new Settings(Optional.empty(), Optional.of(f[0].toString()),
                Optional.of(f[1].toString()), Optional.empty())));
        assertTrue(e.getMessage().contains("altered"), e.getMessage());
        // no pinned key
        e = assertThrows(IllegalArgumentException.class, () -> AlertPolicy.of(new Settings(Optional.empty(), Optional.of(f[0].toString()),
                Optional.empty(), Optional.empty())));
        assertTrue(e.getMessage().contains("UMBRA_ALERT_MODEL_VERIFICATION_KEY_FILE"), e.getMessage());
    }
}
