package io.umbra.training;

import io.umbra.events.TenantId;
import io.umbra.events.features.FeatureSchema;
import io.umbra.model.LogisticModel;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelArtifact.Linear;
import io.umbra.model.ModelArtifact.Network;
import io.umbra.model.ModelArtifact.Scaler;
import io.umbra.model.ModelArtifact.Threshold;
import io.umbra.traffic.FraudPattern;
import io.umbra.traffic.TrafficProfile;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains both model kinds on generated traffic and measures them on held-out traffic.
 *
 * <p>The split is by time of arrival: the first {@code trainShare} of the stream trains, the rest is
 * held out. That is how a model is used (fit on the past, score the future), and it keeps each fraud
 * episode — a run of consecutive transactions on one card — on one side of the cut, except the one
 * episode that straddles it. A split by card would also keep episodes apart, but would let the model
 * see the same days' traffic on both sides.
 */
public final class ModelTraining {

    /**
     * @param transactions how many transactions to generate (train + held out)
     * @param fraudRate    share of planted frauds, about 0.001 to 0.01 in the wild
     * @param seed         the one seed of the traffic, the network's initialization and its shuffles
     * @param homeCountry  the tenant's country (the generator's and the features' home)
     * @param trainShare   the share of the stream, in arrival order, that trains
     * @param hiddenUnits  the network's hidden units
     * @param epochs       the network's passes over the training set
     * @param featureSchema the feature schema version, 1 (per transaction, the default) or 2 (plus per-card behaviour)
     * @param targetPrecision the precision the operating threshold is chosen for, on the calibration half of the held-out
     *                     traffic (the lowest threshold that still reaches it)
     * @param step         the tenant's time between two generated transactions ({@link LabelledFeatures#STEP}: 15 s)
     * @param traffic      the traffic's shape (cards, merchants, breaches), or null: {@link #profile()}'s default shape; its
     *                     fraud rate and home country are replaced by this config's
     * @param runLength    the traffic as consecutive cold-started runs of this many transactions each (fresh generator,
     *                     empty card histories; {@link LabelledFeatures#generate(TrafficProfile, long, int, FeatureSchema, Duration, int)}),
     *                     or 0: one stream
     */
    public record Config(int transactions, double fraudRate, long seed, String homeCountry, double trainShare, int hiddenUnits,
                         int epochs, int featureSchema, double targetPrecision, Duration step, TrafficProfile traffic, int runLength) {
        /** The default stated precision of the operating threshold. */
        public static final double DEFAULT_TARGET_PRECISION = 0.95;

        public Config {
            if (transactions < 100) {
                throw new IllegalArgumentException("train on at least 100 transactions, not " + transactions);
            }
            if (!(trainShare > 0 && trainShare < 1)) {
                throw new IllegalArgumentException("trainShare must be in (0, 1)");
            }
            if (!FeatureSchema.isKnownTx(featureSchema)) {
                throw new IllegalArgumentException("feature schema must be " + FeatureSchema.knownTxVersions() + ", not " + featureSchema);
            }
            if (!(targetPrecision > 0 && targetPrecision < 1)) {
                throw new IllegalArgumentException("the target precision must be in (0, 1), not " + targetPrecision);
            }
            java.util.Objects.requireNonNull(step, "step");
            if (runLength < 0) {
                throw new IllegalArgumentException("runLength must be ≥ 0 (0: one stream), not " + runLength);
            }
            if (step.isNegative() || step.isZero()) {
                throw new IllegalArgumentException("the step between transactions must be positive, not " + step);
            }
        }

        /** The default precision, step and traffic shape. */
        public Config(int transactions, double fraudRate, long seed, String homeCountry, double trainShare, int hiddenUnits, int epochs,
                      int featureSchema) {
            this(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, featureSchema, DEFAULT_TARGET_PRECISION,
                    LabelledFeatures.STEP, null, 0);
        }

        /** Feature schema 1. */
        public Config(int transactions, double fraudRate, long seed, String homeCountry, double trainShare, int hiddenUnits, int epochs) {
            this(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, 1);
        }

        public static Config defaults() {
            return new Config(200_000, 0.01, 42, "DE", 0.7, 8, 12, 1);
        }

        public Config withTransactions(int n) {
            return new Config(n, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, featureSchema, targetPrecision, step, traffic, runLength);
        }

        public Config withFraudRate(double f) {
            return new Config(transactions, f, seed, homeCountry, trainShare, hiddenUnits, epochs, featureSchema, targetPrecision, step, traffic, runLength);
        }

        public Config withSeed(long s) {
            return new Config(transactions, fraudRate, s, homeCountry, trainShare, hiddenUnits, epochs, featureSchema, targetPrecision, step, traffic, runLength);
        }

        public Config withEpochs(int e) {
            return new Config(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, e, featureSchema, targetPrecision, step, traffic, runLength);
        }

        public Config withHomeCountry(String c) {
            return new Config(transactions, fraudRate, seed, c, trainShare, hiddenUnits, epochs, featureSchema, targetPrecision, step, traffic, runLength);
        }

        public Config withFeatureSchema(int version) {
            return new Config(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, version, targetPrecision, step, traffic, runLength);
        }

        public Config withTargetPrecision(double p) {
            return new Config(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, featureSchema, p, step, traffic, runLength);
        }

        /**
         * Traffic of {@code shape} (cards, merchants, breaches) at one transaction every {@code everyStep}, as a run at that rate
         * sends it, in cold-started runs of {@code runLength} transactions (0: one stream).
         */
        public Config withTraffic(TrafficProfile shape, Duration everyStep, int runLength) {
            return new Config(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, featureSchema, targetPrecision,
                    everyStep, shape, runLength);
        }

        /** The {@link FeatureSchema} of {@link #featureSchema()}. */
        public FeatureSchema schema() {
            return FeatureSchema.of(FeatureSchema.TX, featureSchema);
        }

        /**
         * The given traffic shape with this config's home country and fraud rate, or by default one card per ten transactions
         * (at least 200), 300 home merchants: a card recurs, merchants are shared.
         */
        TrafficProfile profile() {
            if (traffic != null) {
                return traffic.withHomeCountry(homeCountry).withFraudRate(fraudRate);
            }
            return new TrafficProfile(new TenantId("model-training"), homeCountry, Math.max(200, transactions / 10), 300, fraudRate);
        }
    }

    /** A model's figures on held-out traffic at its alert threshold. */
    public record Evaluation(double rocAuc, double averagePrecision, double thresholdLogit, Metrics.Confusion confusion,
                             Map<FraudPattern, long[]> caughtByPattern) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rocAuc", rocAuc);
            m.put("averagePrecision", averagePrecision);
            m.put("precision", confusion.precision());
            m.put("recall", confusion.recall());
            m.put("truePositives", confusion.truePositives());
            m.put("falsePositives", confusion.falsePositives());
            m.put("falseNegatives", confusion.falseNegatives());
            m.put("trueNegatives", confusion.trueNegatives());
            Map<String, Object> patterns = new LinkedHashMap<>();
            caughtByPattern.forEach((p, c) -> patterns.put(p.name(), c[0] + "/" + c[1]));
            m.put("caughtByPattern", patterns);
            return m;
        }
    }

    /** The trained artifacts (unsigned) and their held-out figures. */
    /**
     * The trained artifacts (signed later) and their figures. The held-out traffic (the last {@code 1 − trainShare} of the
     * stream) is cut in two by arrival time: its first half, the <em>calibration</em> set, chooses each model's operating
     * threshold ({@link Metrics#thresholdForPrecision}), its second half, the <em>test</em> set, gives the evaluations.
     */
    public record Result(Config config, int trainSize, int trainFrauds, int heldOutSize, int heldOutFrauds, ModelArtifact logistic,
                         Evaluation logisticEvaluation, ModelArtifact network, Evaluation networkEvaluation, double logisticTempering,
                         int calibrationSize, int calibrationFrauds, int testSize, int testFrauds) {
    }

    private static final double L2 = 1e-3;

    private ModelTraining() {
    }

    public static Result train(Config config) {
        LabelledFeatures all = LabelledFeatures.generate(config.profile(), config.seed(), config.transactions(), config.schema(),
                config.step(), config.runLength() == 0 ? config.transactions() : config.runLength());
        int cut = (int) Math.round(all.size() * config.trainShare());
        int calibrationEnd = cut + (all.size() - cut) / 2;
        LabelledFeatures train = all.slice(0, cut);
        LabelledFeatures heldOut = all.slice(cut, all.size());
        LabelledFeatures calibration = all.slice(cut, calibrationEnd);
        LabelledFeatures test = all.slice(calibrationEnd, all.size());
        if (train.frauds() == 0 || calibration.frauds() == 0 || test.frauds() == 0) {
            throw new IllegalArgumentException("no frauds in one part of the split (" + train.frauds() + " in training, " + calibration.frauds()
                    + " in calibration, " + test.frauds() + " in test): generate more transactions or raise the fraud rate");
        }
        FeatureSchema schema = all.schema();
        Scaler scaler = Scalers.fit(train.x());
        double[][] z = Scalers.apply(scaler, train.x());

        // (a) logistic regression
        Linear linear = new LogisticTrainer(L2, 300, 0.05).fit(z, train.fraud());
        double tempering = tempering(schema, scaler, linear);
        if (tempering < 1) {
            double[] w = linear.weights();
            for (int i = 0; i < w.length; i++) {
                w[i] *= tempering;
            }
            linear = new Linear(w, linear.bias() * tempering);
        }
        ModelArtifact lrDraft = ModelArtifact.logistic("umbra-tx-logistic", 1, schema, scaler, linear, new Threshold(0, "draft"), Map.of());
        Threshold lrThreshold = operatingThreshold(config, lrDraft, train, calibration);
        Evaluation lrEval = evaluate(lrDraft, test, lrThreshold.logit());
        Map<String, Object> lrMeta = metadata(config, train, heldOut, calibration, test, lrEval);
        lrMeta.put("trainer", "full-batch gradient descent (Adam), 300 iterations, learning rate 0.05, L2 " + L2
                + ", balanced class weights");
        lrMeta.put("temperedBy", tempering);
        lrMeta.put("encryptedDepth", 1);
        ModelArtifact logistic = ModelArtifact.logistic("umbra-tx-logistic", 1, schema, scaler, linear,
                lrThreshold, lrMeta);

        // (b) one hidden layer, square activation
        Network net = new NetworkTrainer(config.hiddenUnits(), config.epochs(), 256, 0.01, 1e-4).fit(z, train.fraud(), config.seed());
        ModelArtifact nnDraft = ModelArtifact.network("umbra-tx-network", 1, schema, scaler, net, new Threshold(0, "draft"), Map.of());
        double[] nnTrainScores = scores(nnDraft, train);
        Threshold nnThreshold = operatingThreshold(config, nnDraft, train, calibration);
        Evaluation nnEval = evaluate(nnDraft, test, nnThreshold.logit());
        Map<String, Object> nnMeta = metadata(config, train, heldOut, calibration, test, nnEval);
        nnMeta.put("trainer", "mini-batch Adam, " + config.epochs() + " epochs of batches of 256, learning rate 0.01 decaying to 0.001,"
                + " L2 1e-4, gradient norm clipped to 1, balanced class weights");
        nnMeta.put("encryptedDepth", 2);
        nnMeta.put("trainingMaxAbsHidden", maxAbsHidden(net, z));
        nnMeta.put("trainingMaxAbsLogit", maxAbs(nnTrainScores));
        ModelArtifact network = ModelArtifact.network("umbra-tx-network", 1, schema, scaler, net,
                nnThreshold, nnMeta);

        return new Result(config, train.size(), train.frauds(), heldOut.size(), heldOut.frauds(), logistic, lrEval, network, nnEval,
                tempering, calibration.size(), calibration.frauds(), test.size(), test.frauds());
    }

    /**
     * The operating threshold of {@code model}: the lowest logit whose alerts reach {@code config.targetPrecision()} on the
     * calibration set; where no threshold does, the highest F1 on the training set, and the rule says so.
     */
    static Threshold operatingThreshold(Config config, ModelArtifact model, LabelledFeatures train, LabelledFeatures calibration) {
        String target = java.math.BigDecimal.valueOf(config.targetPrecision()).stripTrailingZeros().toPlainString();
        return Metrics.thresholdForPrecision(scores(model, calibration), calibration.fraud(), config.targetPrecision())
                .map(p -> new Threshold(p.threshold(), "lowest logit with precision ≥ " + target + " on the calibration set (the first half"
                        + " of the held-out traffic: " + calibration.size() + " transactions, " + calibration.frauds() + " frauds; there"
                        + String.format(java.util.Locale.ROOT, " precision %.4f, recall %.4f)", p.precision(), p.recall())))
                .orElseGet(() -> new Threshold(Metrics.bestF1Threshold(scores(model, train), train.fraud()),
                        "highest F1 on the training set (no threshold reached precision " + target + " on the calibration set)"));
    }

    /**
     * 1, or the factor that brings the folded model's worst-case |logit| under {@link LogisticModel#MAX_ABS_LOGIT}
     * (with 1 % room). Scaling weights and bias together scales every logit alike: the ranking, hence ROC-AUC,
     * PR-AUC and the alerts at the correspondingly scaled threshold, are unchanged; only the probabilities are
     * less sharp.
     */
    static double tempering(FeatureSchema schema, Scaler scaler, Linear linear) {
        double[] w = linear.weights();
        double[] folded = new double[w.length];
        double bias = linear.bias();
        for (int i = 0; i < w.length; i++) {
            folded[i] = w[i] / scaler.std()[i];
            bias -= w[i] * scaler.mean()[i] / scaler.std()[i];
        }
        double bound = LogisticModel.worstCaseAbsLogit(schema, folded, bias);
        double limit = 0.99 * LogisticModel.MAX_ABS_LOGIT;
        return bound <= limit ? 1 : limit / bound;
    }

    static double[] scores(ModelArtifact model, LabelledFeatures data) {
        double[] s = new double[data.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = model.logit(data.x()[i]);
        }
        return s;
    }

    static Evaluation evaluate(ModelArtifact model, LabelledFeatures heldOut, double threshold) {
        double[] s = scores(model, heldOut);
        Map<FraudPattern, long[]> caught = new EnumMap<>(FraudPattern.class);
        for (FraudPattern p : FraudPattern.values()) {
            caught.put(p, new long[2]);
        }
        for (int i = 0; i < s.length; i++) {
            if (heldOut.pattern()[i] != null) {
                long[] c = caught.get(heldOut.pattern()[i]);
                c[1]++;
                if (s[i] >= threshold) {
                    c[0]++;
                }
            }
        }
        return new Evaluation(Metrics.rocAuc(s, heldOut.fraud()), Metrics.averagePrecision(s, heldOut.fraud()), threshold,
                Metrics.at(s, heldOut.fraud(), threshold), caught);
    }

    private static Map<String, Object> metadata(Config config, LabelledFeatures train, LabelledFeatures heldOut,
                                                LabelledFeatures calibration, LabelledFeatures test, Evaluation eval) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", "umbra-traffic generator, home country " + config.homeCountry() + ", " + config.profile().cardholders()
                + " cards, " + config.profile().merchants() + " home merchants, one transaction every " + config.step()
                + (config.traffic() == null ? "" : ", breaches " + config.profile().compromise())
                + (config.runLength() == 0 ? "" : ", in cold-started runs of " + config.runLength() + " transactions"));
        m.put("seed", config.seed());
        m.put("featureSchemaVersion", config.featureSchema());
        m.put("transactions", config.transactions());
        m.put("fraudRate", config.fraudRate());
        m.put("split", "by arrival time: first " + Math.round(config.trainShare() * 100) + " % train, the rest held out: its first half"
                + " calibrates the threshold, its second half is the test set");
        m.put("trainTransactions", train.size());
        m.put("trainFrauds", train.frauds());
        m.put("heldOutTransactions", heldOut.size());
        m.put("heldOutFrauds", heldOut.frauds());
        m.put("targetPrecision", config.targetPrecision());
        m.put("calibrationTransactions", calibration.size());
        m.put("calibrationFrauds", calibration.frauds());
        m.put("testTransactions", test.size());
        m.put("testFrauds", test.frauds());
        m.put("heldOut", eval.asMap());
        return m;
    }

    private static double maxAbsHidden(Network net, double[][] z) {
        double max = 0;
        for (double[] row : z) {
            for (int j = 0; j < net.hiddenUnits(); j++) {
                double u = net.hiddenBias()[j];
                for (int i = 0; i < row.length; i++) {
                    u += net.hiddenWeights()[j][i] * row[i];
                }
                max = Math.max(max, Math.abs(u));
            }
        }
        return max;
    }

    private static double maxAbs(double[] s) {
        double max = 0;
        for (double v : s) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
