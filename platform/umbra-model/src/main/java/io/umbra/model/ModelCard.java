package io.umbra.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.features.FeatureSchema;

import java.util.Objects;

/**
 * What a bank may know of a model it is served: its identity, the feature schema its ingest must write, and its operating
 * threshold — the public facts of a {@link ModelArtifact} without a single weight, scaler value or training figure.
 *
 * <p>The scoring pool evaluates the model on ciphertexts; the bank decrypts the scores and decides the alerts. The
 * threshold is the bank's decision rule, not a weight, so the model owner publishes it beside the model as a card signed
 * with the same key ({@link SignedModelCard}), and the bank's alert-service pins that key and takes its threshold from the
 * card of the model its tenant is served. The card never travels through the scoring pool: a pool that could move the
 * threshold could silence alerts.
 *
 * @param format              {@value #FORMAT}
 * @param modelId             the model's id, as the scores carry it ({@code Score.modelId})
 * @param version             its version ({@code Score.modelVersion})
 * @param kind                {@code logistic} or {@code network}
 * @param featureSchema       the feature schema's name
 * @param featureSchemaVersion its version: the tenant's ingest must write it
 * @param thresholdLogit      alert when the logit is at least this
 * @param thresholdRule       how the threshold was chosen (e.g. the stated precision on held-out data)
 */
@JsonPropertyOrder({"format", "modelId", "version", "kind", "featureSchema", "featureSchemaVersion", "thresholdLogit", "thresholdRule"})
public record ModelCard(String format, String modelId, int version, String kind, String featureSchema, int featureSchemaVersion,
                        double thresholdLogit, String thresholdRule) {
    public static final String FORMAT = "umbra.model-card/1";

    public ModelCard {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("model card format " + format + " is not " + FORMAT);
        }
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId is missing");
        }
        if (version < 1) {
            throw new IllegalArgumentException("model version must be ≥ 1");
        }
        if (!ModelArtifact.LOGISTIC.equals(kind) && !ModelArtifact.NETWORK.equals(kind)) {
            throw new IllegalArgumentException("model kind must be " + ModelArtifact.LOGISTIC + " or " + ModelArtifact.NETWORK + ", not " + kind);
        }
        FeatureSchema.of(Objects.requireNonNull(featureSchema, "featureSchema is missing"), featureSchemaVersion);
        if (!Double.isFinite(thresholdLogit)) {
            throw new IllegalArgumentException("thresholdLogit must be finite");
        }
        Objects.requireNonNull(thresholdRule, "thresholdRule is missing");
    }

    /** The card of {@code artifact}: its public facts and threshold. */
    public static ModelCard of(ModelArtifact artifact) {
        return new ModelCard(FORMAT, artifact.modelId(), artifact.version(), artifact.kind(), artifact.featureSchema(),
                artifact.featureSchemaVersion(), artifact.threshold().logit(), artifact.threshold().rule());
    }

    /** The threshold as a fraud probability σ(logit): what the alert-service compares {@code Score.fraudProbability} with. */
    @JsonIgnore
    public double thresholdProbability() {
        return 1 / (1 + Math.exp(-thresholdLogit));
    }
}
