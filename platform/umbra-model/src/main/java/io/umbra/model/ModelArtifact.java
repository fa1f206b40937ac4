package io.umbra.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.features.FeatureSchema;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trained (or imported) fraud model as the model owner signs it: which features it reads (schema id
 * and version), how it standardizes them (the {@link Scaler}: per-feature mean and spread, part of the
 * model because a different scaler is a different model), its weights, the alert {@link Threshold} and
 * how it was trained. Two kinds:
 *
 * <ul>
 *   <li>{@code logistic}: logit = b + Σ wᵢ·zᵢ with zᵢ = (xᵢ − meanᵢ)/stdᵢ. Folds into a {@link LogisticModel}
 *       over the raw features ({@link #toLogisticModel()}), so its encrypted evaluation is the existing
 *       one: one plaintext multiplication, depth 1.</li>
 *   <li>{@code network}: one hidden layer with the square activation, logit = c + Σⱼ vⱼ·(hⱼ·z + aⱼ)².
 *       Square because it is the cheapest non-linearity under CKKS (one ciphertext product) and, with a
 *       trained hidden bias, as expressive as any degree-2 polynomial (p·t² + q·t + r = p·(t + q/2p)² + const).
 *       Encrypted depth: 3 as written (plaintext product, square, plaintext product), 2 once
 *       √|vⱼ| is folded into row j of the hidden layer so the output is a ±1 sum of squares (no rescale).</li>
 * </ul>
 *
 * The artifact is JSON (format {@value #FORMAT}); {@link SignedModel} signs and verifies it.
 */
@JsonPropertyOrder({"format", "kind", "modelId", "version", "featureSchema", "featureSchemaVersion", "scaler", "logistic",
        "network", "threshold", "training"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelArtifact(String format, String kind, String modelId, int version, String featureSchema,
                            int featureSchemaVersion, Scaler scaler, Linear logistic, Network network, Threshold threshold,
                            Map<String, Object> training) {
    public static final String FORMAT = "umbra.model/1";
    public static final String LOGISTIC = "logistic";
    public static final String NETWORK = "network";
    public static final String SQUARE = "square";
    /** More hidden units than this cost more ciphertext products than a scoring batch can afford. */
    public static final int MAX_HIDDEN = 64;

    /** Per-feature standardization: z = (x − mean)/std. */
    public record Scaler(double[] mean, double[] std) {
        public static Scaler identity(int d) {
            double[] ones = new double[d];
            Arrays.fill(ones, 1.0);
            return new Scaler(new double[d], ones);
        }
    }

    /** The logistic model's weights over standardized features. */
    public record Linear(double[] weights, double bias) {
    }

    /**
     * One hidden layer: {@code hiddenWeights[j]} and {@code hiddenBias[j]} give hidden unit j's input over
     * the standardized features, {@code activation} is applied to it, {@code outputWeights} and
     * {@code outputBias} combine the units into the logit.
     */
    public record Network(String activation, double[][] hiddenWeights, double[] hiddenBias, double[] outputWeights,
                          double outputBias) {
        @JsonIgnore
        public int hiddenUnits() {
            return hiddenBias.length;
        }
    }

    /** Alert when logit ≥ {@code logit} (probability ≥ σ(logit)); {@code rule} says how it was chosen. */
    public record Threshold(double logit, String rule) {
        public double probability() {
            return 1 / (1 + Math.exp(-logit));
        }
    }

    public ModelArtifact {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("model artifact format " + format + " is not " + FORMAT);
        }
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId is missing");
        }
        if (version < 1) {
            throw new IllegalArgumentException("model version must be ≥ 1");
        }
        FeatureSchema schema = FeatureSchema.of(Objects.requireNonNull(featureSchema, "featureSchema is missing"), featureSchemaVersion);
        int d = schema.dimension();
        Objects.requireNonNull(scaler, "scaler is missing");
        requireLength("scaler.mean", scaler.mean(), d);
        requireLength("scaler.std", scaler.std(), d);
        for (int i = 0; i < d; i++) {
            if (!(scaler.std()[i] > 0) || !Double.isFinite(scaler.std()[i])) {
                throw new IllegalArgumentException("scaler.std of " + schema.names().get(i) + " must be finite and positive");
            }
        }
        if (LOGISTIC.equals(kind)) {
            if (logistic == null || network != null) {
                throw new IllegalArgumentException("a logistic model has a \"logistic\" part and no \"network\" part");
            }
            requireLength("logistic.weights", logistic.weights(), d);
            requireFinite("logistic.bias", logistic.bias());
        } else if (NETWORK.equals(kind)) {
            if (network == null || logistic != null) {
                throw new IllegalArgumentException("a network model has a \"network\" part and no \"logistic\" part");
            }
            if (!SQUARE.equals(network.activation())) {
                throw new IllegalArgumentException("network activation " + network.activation() + " is not supported; only "
                        + SQUARE + " (a CKKS ciphertext product)");
            }
            Objects.requireNonNull(network.hiddenBias(), "network.hiddenBias is missing");
            int h = network.hiddenBias().length;
            if (h < 1 || h > MAX_HIDDEN) {
                throw new IllegalArgumentException("a network has 1 to " + MAX_HIDDEN + " hidden units, not " + h);
            }
            Objects.requireNonNull(network.hiddenWeights(), "network.hiddenWeights is missing");
            if (network.hiddenWeights().length != h) {
                throw new IllegalArgumentException("network.hiddenWeights has " + network.hiddenWeights().length + " rows for " + h
                        + " hidden units");
            }
            for (int j = 0; j < h; j++) {
                requireLength("network.hiddenWeights[" + j + "]", network.hiddenWeights()[j], d);
            }
            requireLength("network.hiddenBias", network.hiddenBias(), h);
            requireLength("network.outputWeights", network.outputWeights(), h);
            requireFinite("network.outputBias", network.outputBias());
        } else {
            throw new IllegalArgumentException("model kind " + kind + " is not " + LOGISTIC + " or " + NETWORK);
        }
        Objects.requireNonNull(threshold, "threshold is missing");
        requireFinite("threshold.logit", threshold.logit());
        training = training == null ? Map.of() : new LinkedHashMap<>(training);
    }

    private static void requireLength(String what, double[] values, int n) {
        if (values == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (values.length != n) {
            throw new IllegalArgumentException(what + " has " + values.length + " values, expected " + n);
        }
        for (int i = 0; i < values.length; i++) {
            requireFinite(what + "[" + i + "]", values[i]);
        }
    }

    private static void requireFinite(String what, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " is not finite");
        }
    }

    /** A logistic artifact. */
    public static ModelArtifact logistic(String modelId, int version, FeatureSchema schema, Scaler scaler, Linear weights,
                                         Threshold threshold, Map<String, Object> training) {
        return new ModelArtifact(FORMAT, LOGISTIC, modelId, version, schema.id(), schema.version(), scaler, weights, null, threshold,
                training);
    }

    /** A square-activation network artifact. */
    public static ModelArtifact network(String modelId, int version, FeatureSchema schema, Scaler scaler, Network network,
                                        Threshold threshold, Map<String, Object> training) {
        return new ModelArtifact(FORMAT, NETWORK, modelId, version, schema.id(), schema.version(), scaler, null, network, threshold,
                training);
    }

    @JsonIgnore
    public FeatureSchema schema() {
        return FeatureSchema.of(featureSchema, featureSchemaVersion);
    }

    @JsonIgnore
    public boolean isNetwork() {
        return NETWORK.equals(kind);
    }

    /** The multiplicative depth its CKKS evaluation needs (see the class comment). */
    @JsonIgnore
    public int encryptedDepth() {
        return isNetwork() ? 2 : 1;
    }

    /** The standardized features. */
    public double[] standardize(double[] x) {
        double[] mean = scaler.mean();
        double[] std = scaler.std();
        if (x.length != mean.length) {
            throw new IllegalArgumentException("expected " + mean.length + " features, got " + x.length);
        }
        double[] z = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            z[i] = (x[i] - mean[i]) / std[i];
        }
        return z;
    }

    /** The plaintext reference score of raw features {@code x} (in the schema's order). */
    public double logit(double[] x) {
        double[] z = standardize(x);
        if (!isNetwork()) {
            return dot(logistic.weights(), z, logistic.bias());
        }
        double s = network.outputBias();
        for (int j = 0; j < network.hiddenUnits(); j++) {
            double t = dot(network.hiddenWeights()[j], z, network.hiddenBias()[j]);
            s += network.outputWeights()[j] * t * t;
        }
        return s;
    }

    public double probability(double[] x) {
        return 1 / (1 + Math.exp(-logit(x)));
    }

    /** Whether the model alerts on {@code x}. */
    public boolean alerts(double[] x) {
        return logit(x) >= threshold.logit();
    }

    private static double dot(double[] w, double[] z, double b) {
        double s = b;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * z[i];
        }
        return s;
    }

    /**
     * The logistic model over raw features that scores exactly like this one: the scaler folded into the
     * weights (wᵢ/stdᵢ) and bias (b − Σ wᵢ·meanᵢ/stdᵢ), so the scoring service and its encrypted
     * evaluation are unchanged. {@link LogisticModel}'s |logit| bound applies and may refuse it.
     */
    public LogisticModel toLogisticModel() {
        if (isNetwork()) {
            throw new IllegalStateException("model " + modelId + " is a network; only a logistic model folds into a LogisticModel");
        }
        double[] w = logistic.weights();
        double[] folded = new double[w.length];
        double bias = logistic.bias();
        for (int i = 0; i < w.length; i++) {
            folded[i] = w[i] / scaler.std()[i];
            bias -= w[i] * scaler.mean()[i] / scaler.std()[i];
        }
        return new LogisticModel(modelId, version, featureSchema, featureSchemaVersion, folded, bias);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelArtifact a && Arrays.equals(CanonicalJson.bytes(SignedModel.JSON.valueToTree(this)),
                CanonicalJson.bytes(SignedModel.JSON.valueToTree(a)));
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, modelId, version);
    }

    @Override
    public String toString() {
        return "ModelArtifact[" + kind + " " + modelId + " v" + version + ", " + featureSchema + " v" + featureSchemaVersion + "]";
    }
}
