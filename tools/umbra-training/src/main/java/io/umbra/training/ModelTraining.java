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
     */
    public record Config(int transactions, double fraudRate, long seed, String homeCountry, double trainShare, int hiddenUnits,
                         int epochs, int featureSchema) {
        public Config {
            if (transactions < 100) {
                throw new IllegalArgumentException("train on at least 100 transactions, not " + transactions);
            }
            if (!(trainShare > 0 && trainShare < 1)) {
                throw new IllegalArgumentException("trainShare must be in (0, 1)");
            }
            if (featureSchema != 1 && featureSchema != 2) {
                throw new IllegalArgumentException("feature schema must be 1 or 2, not " + featureSchema);
            }
        }

        /** Feature schema 1. */
        public Config(int transactions, double fraudRate, long seed, String homeCountry, double trainShare, int hiddenUnits, int epochs) {
            this(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, 1);
        }

        public static Config defaults() {
            return new Config(200_000, 0.01, 42, "DE", 0.7, 8, 12, 1);
        }

        public Config withTransactions(int n) {
            return new Config(n, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, featureSchema);
        }

        public Config withFraudRate(double f) {
            return new Config(transactions, f, seed, homeCountry, trainShare, hiddenUnits, epochs, featureSchema);
        }

        public Config withSeed(long s) {
            return new Config(transactions, fraudRate, s, homeCountry, trainShare, hiddenUnits, epochs, featureSchema);
        }

        public Config withEpochs(int e) {
            return new Config(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, e, featureSchema);
        }

        public Config withFeatureSchema(int version) {
            return new Config(transactions, fraudRate, seed, homeCountry, trainShare, hiddenUnits, epochs, version);
        }

        /** The {@link FeatureSchema} of {@link #featureSchema()}. */
        public FeatureSchema schema() {
            return FeatureSchema.of(FeatureSchema.TX, featureSchema);
        }

        /** One card per ten transactions (at least 200), 300 home merchants: a card recurs, merchants are shared. */
        TrafficProfile profile() {
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
    public record Result(Config config, int trainSize, int trainFrauds, int heldOutSize, int heldOutFrauds, ModelArtifact logistic,
                         Evaluation logisticEvaluation, ModelArtifact network, Evaluation networkEvaluation, double logisticTempering) {
    }

    private static final double L2 = 1e-3;
    private static final String THRESHOLD_RULE = "highest F1 on the training set";

    private ModelTraining() {
    }

    public static Result train(Config config) {
        LabelledFeatures all = LabelledFeatures.generate(config.profile(), config.seed(), config.transactions(), config.schema());
        int cut = (int) Math.round(all.size() * config.trainShare());
        LabelledFeatures train = all.slice(0, cut);
        LabelledFeatures heldOut = all.slice(cut, all.size());
        if (train.frauds() == 0 || heldOut.frauds() == 0) {
            throw new IllegalArgumentException("no frauds on one side of the split (" + train.frauds() + " in training, " + heldOut.frauds()
                    + " held out): generate more transactions or raise the fraud rate");
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
        double lrThreshold = Metrics.bestF1Threshold(scores(lrDraft, train), train.fraud());
        Evaluation lrEval = evaluate(lrDraft, heldOut, lrThreshold);
        Map<String, Object> lrMeta = metadata(config, train, heldOut, lrEval);
        lrMeta.put("trainer", "full-batch gradient descent (Adam), 300 iterations, learning rate 0.05, L2 " + L2
                + ", balanced class weights");
        lrMeta.put("temperedBy", tempering);
        lrMeta.put("encryptedDepth", 1);
        ModelArtifact logistic = ModelArtifact.logistic("umbra-tx-logistic", 1, schema, scaler, linear,
                new Threshold(lrThreshold, THRESHOLD_RULE), lrMeta);

        // (b) one hidden layer, square activation
        Network net = new NetworkTrainer(config.hiddenUnits(), config.epochs(), 256, 0.01, 1e-4).fit(z, train.fraud(), config.seed());
        ModelArtifact nnDraft = ModelArtifact.network("umbra-tx-network", 1, schema, scaler, net, new Threshold(0, "draft"), Map.of());
        double[] nnTrainScores = scores(nnDraft, train);
        double nnThreshold = Metrics.bestF1Threshold(nnTrainScores, train.fraud());
        Evaluation nnEval = evaluate(nnDraft, heldOut, nnThreshold);
        Map<String, Object> nnMeta = metadata(config, train, heldOut, nnEval);
        nnMeta.put("trainer", "mini-batch Adam, " + config.epochs() + " epochs of batches of 256, learning rate 0.01 decaying to 0.001,"
                + " L2 1e-4, gradient norm clipped to 1, balanced class weights");
        nnMeta.put("encryptedDepth", 2);
        nnMeta.put("trainingMaxAbsHidden", maxAbsHidden(net, z));
        nnMeta.put("trainingMaxAbsLogit", maxAbs(nnTrainScores));
        ModelArtifact network = ModelArtifact.network("umbra-tx-network", 1, schema, scaler, net,
                new Threshold(nnThreshold, THRESHOLD_RULE), nnMeta);

        return new Result(config, train.size(), train.frauds(), heldOut.size(), heldOut.frauds(), logistic, lrEval, network, nnEval,
                tempering);
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

    private static Map<String, Object> metadata(Config config, LabelledFeatures train, LabelledFeatures heldOut, Evaluation eval) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", "umbra-traffic generator, home country " + config.homeCountry() + ", " + config.profile().cardholders()
                + " cards, " + config.profile().merchants() + " home merchants");
        m.put("seed", config.seed());
        m.put("featureSchemaVersion", config.featureSchema());
        m.put("transactions", config.transactions());
        m.put("fraudRate", config.fraudRate());
        m.put("split", "by arrival time: first " + Math.round(config.trainShare() * 100) + " % train, the rest held out");
        m.put("trainTransactions", train.size());
        m.put("trainFrauds", train.frauds());
        m.put("heldOutTransactions", heldOut.size());
        m.put("heldOutFrauds", heldOut.frauds());
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
