package io.umbra.model;

import io.umbra.events.features.FeatureSchema;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.ckks.Scalars;
import io.umbra.he.perf.ParameterSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A square-activation network ({@link ModelArtifact} of kind {@code network}) rewritten for CKKS, on
 * column-packed ciphertexts (one ciphertext per feature, one slot per transaction), as the scoring pool
 * runs it. Plaintext reference and encrypted evaluation come from the same folded weights, so they
 * cannot drift apart.
 *
 * <p>The artifact's logit is c + Σⱼ vⱼ·(aⱼ + Σᵢ hⱼᵢ·(xᵢ − μᵢ)/σᵢ)². Two folds make it cheap under CKKS:
 * <ul>
 *   <li>the scaler goes into the hidden layer: row j over the raw features is hⱼᵢ/σᵢ, its bias
 *       aⱼ − Σᵢ hⱼᵢ·μᵢ/σᵢ, so the encrypted columns are the features exactly as ingest computes them;</li>
 *   <li>√|vⱼ| goes into row j, so the output layer is a sum of squares with signs: logit =
 *       c + Σⱼ sign(vⱼ)·uⱼ² with uⱼ = √|vⱼ|·(hidden pre-activation j). Additions need no rescale, and a
 *       unit with vⱼ = 0 is dropped.</li>
 * </ul>
 *
 * <p>Depth 2, rescales 2: each uⱼ is the engine's fused weighted sum with one rescale
 * ({@link Evaluator#linearScore}); each square is a ciphertext product (size 3, scale Δ²) and, because
 * relinearization is linear, the size-3 squares are added and subtracted first, the constant c added
 * at scale Δ², and the sum relinearized once and rescaled once. All uⱼ come out of the same
 * computation at the same scale, so every square has the same scale and the additions line up exactly
 * (the evaluator refuses a mismatch of more than one ulp).
 *
 * <p>CKKS arithmetic is exact modulo the ciphertext modulus, so only the value that is finally
 * decrypted must fit: |logit|·(final scale) below half the last level's modulus. Intermediate sums that
 * wrap around come back when the signs cancel. {@link #worstCaseAbsLogit()} bounds |logit| over every
 * valid transaction (interval arithmetic over the schema's feature ranges), and {@link #requireFits}
 * refuses parameters that cannot hold it. At {@link ParameterSet#A} with the features encrypted at
 * 2^40 the score ends on the 60-bit prime alone at a scale of about 2^40: 2^19 of room, of which
 * {@link #MARGIN_BITS} bit is kept for noise, so |logit| up to about 2.6·10^5 is held.
 *
 * <p>Holds no secret key and never decrypts: it is scoring-pool code. Its tests decrypt to check it.
 */
public final class EncryptedNetwork {
    /** The parameter set the network is meant for: N = 8192, {60, 40, 40 | 60}, scale 2^40. */
    public static final ParameterSet PARAMETERS = ParameterSet.A;
    /** Rescales the evaluation needs below the level of the feature columns: the linear layer, the square. */
    public static final int RESCALES = 2;
    /** Bits of the final level's room kept free for noise and rounding. */
    public static final int MARGIN_BITS = 1;

    private final String modelId;
    private final int version;
    private final FeatureSchema schema;
    /** Row j: √|vⱼ|·hⱼᵢ/σᵢ over the raw features. Only units with vⱼ ≠ 0. */
    private final double[][] rows;
    private final double[] biases;
    /** +1 or −1: sign(vⱼ). */
    private final int[] signs;
    private final double constant;
    private final double thresholdLogit;
    private final double worstCaseAbsLogit;

    private EncryptedNetwork(String modelId, int version, FeatureSchema schema, double[][] rows, double[] biases, int[] signs,
                             double constant, double thresholdLogit) {
        this.modelId = modelId;
        this.version = version;
        this.schema = schema;
        this.rows = rows;
        this.biases = biases;
        this.signs = signs;
        this.constant = constant;
        this.thresholdLogit = thresholdLogit;
        this.worstCaseAbsLogit = worstCase();
        if (!Double.isFinite(worstCaseAbsLogit)) {
            throw new IllegalArgumentException("network " + modelId + " has no finite bound on its logit over valid features");
        }
    }

    /**
     * The network of {@code artifact}, folded for encrypted evaluation; an {@link IllegalArgumentException}
     * if it is not a network or every output weight is zero (it would score a constant).
     */
    public static EncryptedNetwork of(ModelArtifact artifact) {
        if (!artifact.isNetwork()) {
            throw new IllegalArgumentException("model " + artifact.modelId() + " is " + artifact.kind()
                    + ", not a network: evaluate it with LogisticModel");
        }
        ModelArtifact.Network net = artifact.network();
        double[] mean = artifact.scaler().mean();
        double[] std = artifact.scaler().std();
        int d = mean.length;
        List<double[]> rows = new ArrayList<>();
        List<Double> biases = new ArrayList<>();
        List<Integer> signs = new ArrayList<>();
        for (int j = 0; j < net.hiddenUnits(); j++) {
            double v = net.outputWeights()[j];
            if (v == 0) {
                continue; // contributes nothing: no product to pay for
            }
            double root = Math.sqrt(Math.abs(v));
            double[] h = net.hiddenWeights()[j];
            double[] row = new double[d];
            double bias = net.hiddenBias()[j];
            for (int i = 0; i < d; i++) {
                row[i] = root * (h[i] / std[i]);
                bias -= h[i] * mean[i] / std[i];
            }
            rows.add(row);
            biases.add(root * bias);
            signs.add(v > 0 ? 1 : -1);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("network " + artifact.modelId() + " has only zero output weights: it scores the constant "
                    + net.outputBias() + " and needs no encrypted evaluation");
        }
        return new EncryptedNetwork(artifact.modelId(), artifact.version(), artifact.schema(), rows.toArray(double[][]::new),
                biases.stream().mapToDouble(Double::doubleValue).toArray(), signs.stream().mapToInt(Integer::intValue).toArray(),
                net.outputBias(), artifact.threshold().logit());
    }

    /** The plaintext reference of the folded form: c + Σⱼ sign(vⱼ)·uⱼ², equal to the artifact's logit up to rounding. */
    public double logit(double[] features) {
        if (features.length != schema.dimension()) {
            throw new IllegalArgumentException("expected " + schema.dimension() + " features, got " + features.length);
        }
        double s = constant;
        for (int j = 0; j < rows.length; j++) {
            double u = biases[j];
            for (int i = 0; i < features.length; i++) {
                u += rows[j][i] * features[i];
            }
            s += signs[j] * u * u;
        }
        return s;
    }

    /** Whether the model alerts at its threshold on a score (plaintext or decrypted). */
    public boolean alerts(double logit) {
        return logit >= thresholdLogit;
    }

    /**
     * The largest |logit| the network can produce on any valid transaction: each unit's pre-activation
     * bounded over the box of feature ranges, squared, and combined with its sign. Safe, not tight (the
     * units are bounded one at a time).
     */
    public double worstCaseAbsLogit() {
        return worstCaseAbsLogit;
    }

    private double worstCase() {
        double upper = constant;
        double lower = constant;
        for (int j = 0; j < rows.length; j++) {
            double lo = biases[j];
            double hi = biases[j];
            for (int i = 0; i < rows[j].length; i++) {
                double a = rows[j][i] * FeatureRanges.min(schema, i);
                double b = rows[j][i] * FeatureRanges.max(schema, i);
                lo += Math.min(a, b);
                hi += Math.max(a, b);
            }
            double squareMax = Math.max(lo * lo, hi * hi);
            double squareMin = lo <= 0 && hi >= 0 ? 0 : Math.min(lo * lo, hi * hi);
            if (signs[j] > 0) {
                upper += squareMax;
                lower += squareMin;
            } else {
                upper -= squareMin;
                lower -= squareMax;
            }
        }
        return Math.max(Math.abs(upper), Math.abs(lower));
    }

    /**
     * The largest |logit| a result can hold at {@code context} for feature columns at {@code level} and
     * scale {@code inputScale}, keeping {@link #MARGIN_BITS} free: half the last level's modulus over the
     * final scale. An {@link IllegalArgumentException} if the chain below {@code level} has fewer than
     * {@link #RESCALES} primes to rescale by.
     */
    public static double capacity(CkksContext context, ContextData level, double inputScale) {
        ContextData first = Objects.requireNonNull(level, "level");
        ContextData second = first.next();
        if (second == null || second.next() == null || first == context.keyLevel()) {
            int below = 0;
            for (ContextData l = first.next(); l != null; l = l.next()) {
                below++;
            }
            throw new IllegalArgumentException("the square network needs " + RESCALES + " rescales below the feature columns' level"
                    + " (linear layer, square); these parameters leave " + below + ". Use parameter set " + PARAMETERS.id()
                    + " (N=" + PARAMETERS.n() + ", primes " + Arrays.toString(PARAMETERS.bitSizes()) + ", scale 2^40) with"
                    + " relinearization keys: UMBRA_HE_PARAMS=" + PARAMETERS.id() + ", UMBRA_HE_RELIN_KEYS=true");
        }
        // Mirror the evaluator's scale arithmetic: linearScore multiplies by the level's last prime and divides by it.
        long[] p1 = first.primes();
        double q1 = p1[p1.length - 1];
        double s1 = inputScale * q1 / q1;
        long[] p2 = second.primes();
        double finalScale = s1 * s1 / p2[p2.length - 1];
        double modulusBits = 0;
        for (long q : context.lastData().primes()) {
            modulusBits += Math.log(q) / Math.log(2);
        }
        return Math.pow(2, modulusBits - 1 - MARGIN_BITS - Math.log(finalScale) / Math.log(2));
    }

    /**
     * Refuses, with the reason, parameters under which this network's encrypted score could wrap around:
     * too few primes for two rescales, or too little room above the final scale for
     * {@link #worstCaseAbsLogit()}.
     */
    public void requireFits(CkksContext context, ContextData level, double inputScale) {
        double room = capacity(context, level, inputScale);
        if (worstCaseAbsLogit > room) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "network %s v%d could reach |logit| = %.4g on valid features; at N=%d with primes of %s bits and features at scale"
                            + " 2^%.1f the encrypted score holds |logit| ≤ %.4g (the last level's modulus over the final scale, %d bit"
                            + " kept for noise): it would wrap around. Scale the output layer down or clip features",
                    modelId, version, worstCaseAbsLogit, context.n(), bitsOf(context), Math.log(inputScale) / Math.log(2), room,
                    MARGIN_BITS));
        }
    }

    private static String bitsOf(CkksContext context) {
        return Arrays.toString(Arrays.stream(context.params().coeffModulus()).mapToInt(m -> m.bitCount()).toArray());
    }

    /**
     * The network on encrypted feature columns (one ciphertext per feature of the schema, all at one
     * level and scale, slot s holding transaction s), with the tenant's relinearization keys. The score
     * comes back mod-switched to the last level of the chain, where the ciphertext is smallest; its slot s
     * decrypts to transaction s's logit. Refuses missing relinearization keys, mis-shaped columns and
     * parameters that cannot hold the score ({@link #requireFits}) with an {@link IllegalArgumentException}.
     */
    public Ciphertext evaluate(CkksContext context, Evaluator evaluator, RelinKeys relinKeys, Ciphertext[] columns) {
        if (relinKeys == null || !relinKeys.hasKey()) {
            throw new IllegalArgumentException("network " + modelId + " multiplies ciphertexts and needs the tenant's relinearization"
                    + " keys; the tenant's public bundle carries none (the key-service must run with UMBRA_HE_RELIN_KEYS=true)");
        }
        if (!relinKeys.parmsId().equals(context.keyLevel().parmsId())) {
            throw new IllegalArgumentException("the relinearization keys were made for other parameters than the feature columns'");
        }
        if (columns.length != schema.dimension()) {
            throw new IllegalArgumentException("network " + modelId + " needs " + schema.dimension() + " feature ciphertexts, got "
                    + columns.length);
        }
        ContextData level = context.require(columns[0].parmsId());
        requireFits(context, level, columns[0].scale());

        Ciphertext sum = null;
        for (int j = 0; j < rows.length; j++) {
            Ciphertext u = evaluator.linearScore(columns, rows[j], biases[j]);
            Ciphertext square = evaluator.square(u); // size 3, scale Δ², not yet relinearized
            if (sum == null) {
                sum = signs[j] > 0 ? square : evaluator.negate(square);
            } else {
                sum = signs[j] > 0 ? evaluator.add(sum, square) : evaluator.sub(sum, square);
            }
        }
        if (constant != 0) {
            sum = evaluator.addPlain(sum, constantAt(context.require(sum.parmsId()), sum.scale()));
        }
        Ciphertext score = evaluator.rescaleToNext(evaluator.relinearize(sum, relinKeys));
        ContextData last = context.lastData();
        return score.parmsId().equals(last.parmsId()) ? score : evaluator.modSwitchTo(score, last.parmsId());
    }

    /** c as a plaintext at {@code level} and {@code scale}: round(c·scale) in every coefficient (constant in NTT form too). */
    private Plaintext constantAt(ContextData level, double scale) {
        long[] residues = Scalars.residues(constant, scale, level);
        int n = level.n();
        long[] data = new long[residues.length * n];
        for (int k = 0; k < residues.length; k++) {
            Arrays.fill(data, k * n, (k + 1) * n, residues[k]);
        }
        return new Plaintext(level.parmsId(), scale, data);
    }

    public String modelId() {
        return modelId;
    }

    public int version() {
        return version;
    }

    public FeatureSchema schema() {
        return schema;
    }

    public String featureSchemaId() {
        return schema.id();
    }

    public int featureSchemaVersion() {
        return schema.version();
    }

    public List<String> featureNames() {
        return schema.names();
    }

    /** Hidden units evaluated (those with a non-zero output weight): one ciphertext product each. */
    public int hiddenUnits() {
        return rows.length;
    }

    public double thresholdLogit() {
        return thresholdLogit;
    }

    @Override
    public String toString() {
        return "EncryptedNetwork[" + modelId + " v" + version + ", " + schema.id() + " v" + schema.version() + ", " + rows.length
                + " square units, |logit| ≤ " + worstCaseAbsLogit + "]";
    }
}
