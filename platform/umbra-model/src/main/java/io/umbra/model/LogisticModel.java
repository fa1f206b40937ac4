package io.umbra.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.umbra.events.features.FeatureSchema;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.Evaluator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A logistic-regression fraud model over a feature schema: logit = Σ wᵢ·xᵢ + b, probability σ(logit).
 * The same object gives the plaintext reference ({@link #logit}) and runs on ciphertexts
 * ({@link #evaluate}), so the two cannot drift apart.
 *
 * <p>CKKS has no room above the top of its modulus: a logit beyond ±{@link #MAX_ABS_LOGIT} would wrap
 * around at the smallest parameter set Umbra uses (set (b): one 36-bit prime at scale 2^30 after the
 * rescale). The constructor refuses weights whose worst-case logit over the schema's feature ranges
 * could get there.
 */
@JsonPropertyOrder({"modelId", "version", "featureSchema", "featureSchemaVersion", "weights", "bias"})
public final class LogisticModel {
    /** The largest |logit| the encrypted evaluation keeps exact at every supported parameter set. */
    public static final double MAX_ABS_LOGIT = 30.0;
    /** The bundled model of this release: hand-set weights over {@link FeatureSchema#V1} until training lands. */
    public static final String BUNDLED = "tx-logistic-v1.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String modelId;
    private final int version;
    private final FeatureSchema schema;
    private final double[] weights;
    private final double bias;

    @JsonCreator
    public LogisticModel(@JsonProperty("modelId") String modelId, @JsonProperty("version") int version,
                         @JsonProperty("featureSchema") String featureSchema, @JsonProperty("featureSchemaVersion") int featureSchemaVersion,
                         @JsonProperty("weights") double[] weights, @JsonProperty("bias") double bias) {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId is missing");
        }
        if (version < 1) {
            throw new IllegalArgumentException("model version must be ≥ 1");
        }
        this.modelId = modelId;
        this.version = version;
        this.schema = FeatureSchema.of(Objects.requireNonNull(featureSchema, "featureSchema is missing"), featureSchemaVersion);
        Objects.requireNonNull(weights, "weights are missing");
        if (weights.length != schema.dimension()) {
            throw new IllegalArgumentException("model " + modelId + " has " + weights.length + " weights; schema " + schema.id() + " v"
                    + schema.version() + " has " + schema.dimension() + " features");
        }
        for (int i = 0; i < weights.length; i++) {
            if (!Double.isFinite(weights[i])) {
                throw new IllegalArgumentException("weight " + i + " (" + schema.names().get(i) + ") is not finite");
            }
        }
        double bound = worstCaseAbsLogit(schema, weights, bias);
        if (!Double.isFinite(bias) || bound > MAX_ABS_LOGIT) {
            throw new IllegalArgumentException("model " + modelId + " could reach |logit| = " + bound + " on valid features; the encrypted"
                    + " evaluation keeps |logit| ≤ " + MAX_ABS_LOGIT + ": scale the weights down or clip features");
        }
        this.weights = weights.clone();
        this.bias = bias;
    }

    /**
     * The largest |Σ wᵢ·xᵢ + b| over valid features of {@code schema}: what the constructor compares with
     * {@link #MAX_ABS_LOGIT}. Training uses it to keep a model inside the encrypted range.
     */
    public static double worstCaseAbsLogit(FeatureSchema schema, double[] weights, double bias) {
        double bound = Math.abs(bias);
        for (int i = 0; i < weights.length; i++) {
            bound += Math.abs(weights[i]) * FeatureRanges.maxAbs(schema, i);
        }
        return bound;
    }

    /** The model bundled with this release. */
    public static LogisticModel bundled() {
        try (InputStream in = LogisticModel.class.getResourceAsStream(BUNDLED)) {
            return JSON.readValue(Objects.requireNonNull(in, "bundled model missing"), LogisticModel.class);
        } catch (IOException e) {
            throw new IllegalStateException("the bundled model does not load", e);
        }
    }

    /** The model in a JSON file, or an {@link IllegalArgumentException} saying what is wrong with it. */
    public static LogisticModel load(Path file) throws IOException {
        if (Files.size(file) > 1 << 20) {
            throw new IllegalArgumentException("model file " + file + " is larger than 1 MiB");
        }
        try {
            return JSON.readValue(file.toFile(), LogisticModel.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw new IllegalArgumentException("model file " + file + ": " + e.getCause().getMessage(), e);
        }
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plaintext reference: Σ wᵢ·xᵢ + b, summed in feature order. */
    public double logit(double[] features) {
        if (features.length != weights.length) {
            throw new IllegalArgumentException("expected " + weights.length + " features, got " + features.length);
        }
        double s = bias;
        for (int i = 0; i < weights.length; i++) {
            s += weights[i] * features[i];
        }
        return s;
    }

    /**
     * The model on encrypted feature columns (one ciphertext per feature, all at one level and scale):
     * the engine's fused weighted sum with one rescale, then mod-switched down to the last level of the
     * chain, which keeps all the precision the score has and makes the returned ciphertext the smallest.
     */
    public Ciphertext evaluate(CkksContext context, Evaluator evaluator, Ciphertext[] columns) {
        if (columns.length != weights.length) {
            throw new IllegalArgumentException("model " + modelId + " needs " + weights.length + " feature ciphertexts, got " + columns.length);
        }
        Ciphertext score = evaluator.linearScore(columns, weights, bias);
        ContextData last = context.lastData();
        return score.parmsId().equals(last.parmsId()) ? score : evaluator.modSwitchTo(score, last.parmsId());
    }

    @JsonProperty("modelId")
    public String modelId() {
        return modelId;
    }

    @JsonProperty("version")
    public int version() {
        return version;
    }

    @JsonProperty("featureSchema")
    public String featureSchemaId() {
        return schema.id();
    }

    @JsonProperty("featureSchemaVersion")
    public int featureSchemaVersion() {
        return schema.version();
    }

    public FeatureSchema schema() {
        return schema;
    }

    @JsonProperty("weights")
    public double[] weights() {
        return weights.clone();
    }

    @JsonProperty("bias")
    public double bias() {
        return bias;
    }

    /** Weight of the feature {@code name}. */
    public double weight(String name) {
        return weights[schema.indexOf(name)];
    }

    public List<String> featureNames() {
        return schema.names();
    }

    @Override
    public String toString() {
        return "LogisticModel[" + modelId + " v" + version + ", " + schema.id() + " v" + schema.version() + ", " + weights.length
                + " weights]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogisticModel m && modelId.equals(m.modelId) && version == m.version && schema.equals(m.schema)
                && Arrays.equals(weights, m.weights) && bias == m.bias;
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelId, version);
    }
}
