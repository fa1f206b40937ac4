package io.umbra.training;

import io.umbra.events.features.FeatureSchema;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelArtifact.Linear;
import io.umbra.model.ModelArtifact.Network;
import io.umbra.model.ModelArtifact.Scaler;
import io.umbra.model.ModelArtifact.Threshold;
import org.dmg.pmml.DataField;
import org.dmg.pmml.DerivedField;
import org.dmg.pmml.Expression;
import org.dmg.pmml.FieldRef;
import org.dmg.pmml.LinearNorm;
import org.dmg.pmml.MiningField;
import org.dmg.pmml.Model;
import org.dmg.pmml.NormContinuous;
import org.dmg.pmml.OpType;
import org.dmg.pmml.OutlierTreatmentMethod;
import org.dmg.pmml.PMML;
import org.dmg.pmml.neural_network.Connection;
import org.dmg.pmml.neural_network.NeuralInput;
import org.dmg.pmml.neural_network.NeuralLayer;
import org.dmg.pmml.neural_network.NeuralNetwork;
import org.dmg.pmml.neural_network.Neuron;
import org.dmg.pmml.regression.NumericPredictor;
import org.dmg.pmml.regression.RegressionModel;
import org.dmg.pmml.regression.RegressionTable;
import org.jpmml.model.PMMLUtil;

import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports a model from PMML (the interchange format of SAS, KNIME, sklearn2pmml) into a
 * {@link ModelArtifact} over {@link FeatureSchema#V1}, or refuses it with a message naming the PMML
 * element (and attribute) it cannot honour exactly. Nothing is approximated: an imported model scores
 * exactly as its PMML says, or it is not imported.
 *
 * <p>Supported: a {@code RegressionModel} with {@code normalizationMethod="logit"} and one
 * {@code RegressionTable} of {@code NumericPredictor}s (exponent 1) plus intercept — in a classification
 * model optionally a second, empty reference table (intercept 0), as sklearn2pmml writes; and a
 * {@code NeuralNetwork} with one hidden layer of {@code activationFunction="square"} and one output
 * neuron with {@code logistic} (the probability is σ of its input) or {@code identity} (its value is
 * taken as the logit) activation, whose {@code NeuralInput}s are a {@code FieldRef} or a
 * {@code NormContinuous} of two {@code LinearNorm}s (a linear rescaling, folded into the hidden weights).
 * Every input field must be a DataField named like a V1 feature; V1 features a model does not use get
 * weight 0. Refused, among others: other model elements, {@code LocalTransformations},
 * {@code TransformationDictionary}, {@code Targets}, {@code CategoricalPredictor}, {@code PredictorTerm},
 * other activations and normalizations, MiningField outlier or missing-value treatment.
 */
public final class PmmlImport {
    private static final FeatureSchema SCHEMA = FeatureSchema.V1;

    private PmmlImport() {
    }

    /** Thrown for a PMML document this import cannot reproduce exactly. */
    public static final class UnsupportedPmmlException extends IllegalArgumentException {
        UnsupportedPmmlException(String message) {
            super(message);
        }
    }

    /**
     * The model in the PMML document {@code in} as an artifact named {@code modelId} version {@code version},
     * alerting at probability ≥ {@code alertProbability}.
     */
    public static ModelArtifact read(InputStream in, String modelId, int version, double alertProbability) {
        if (!(alertProbability > 0 && alertProbability < 1)) {
            throw new IllegalArgumentException("the alert probability must be in (0, 1)");
        }
        PMML pmml;
        try {
            pmml = PMMLUtil.unmarshal(in);
        } catch (Exception e) {
            throw new UnsupportedPmmlException("not a PMML document: " + rootMessage(e));
        }
        if (pmml.getTransformationDictionary() != null && (!pmml.getTransformationDictionary().getDerivedFields().isEmpty()
                || !pmml.getTransformationDictionary().getDefineFunctions().isEmpty())) {
            throw new UnsupportedPmmlException("TransformationDictionary is not supported: the features are computed by ingest"
                    + " (schema " + SCHEMA.id() + " v" + SCHEMA.version() + "), export the model over them without transformations");
        }
        List<Model> models = pmml.getModels();
        if (models.size() != 1) {
            throw new UnsupportedPmmlException("the PMML document has " + models.size() + " models; exactly one RegressionModel or"
                    + " NeuralNetwork is imported");
        }
        Model model = models.get(0);
        Map<String, DataField> dataFields = new HashMap<>();
        if (pmml.getDataDictionary() != null) {
            for (DataField f : pmml.getDataDictionary().getDataFields()) {
                dataFields.put(f.requireName(), f);
            }
        }
        if (model.getLocalTransformations() != null && !model.getLocalTransformations().getDerivedFields().isEmpty()) {
            throw new UnsupportedPmmlException("LocalTransformations (DerivedField " + model.getLocalTransformations().getDerivedFields()
                    .get(0).getName() + ") is not supported: the model must read the V1 features as they are");
        }
        if (model.getTargets() != null && !model.getTargets().getTargets().isEmpty()) {
            throw new UnsupportedPmmlException("Targets is not supported (it rescales or casts the model's output)");
        }
        Map<String, Integer> inputs = activeFields(model, dataFields);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("source", "PMML " + pmml.getVersion() + (pmml.getHeader() != null && pmml.getHeader().getApplication() != null
                ? ", written by " + pmml.getHeader().getApplication().getName() : ""));
        meta.put("pmmlModel", model.getClass().getSimpleName() + (model.getModelName() != null ? " " + model.getModelName() : ""));
        meta.put("inputs", List.copyOf(inputs.keySet()));
        double logitThreshold = Math.log(alertProbability / (1 - alertProbability));
        Threshold threshold = new Threshold(logitThreshold, "probability ≥ " + alertProbability + " (set at import)");
        if (model instanceof RegressionModel rm) {
            meta.put("encryptedDepth", 1);
            return ModelArtifact.logistic(modelId, version, SCHEMA, Scaler.identity(SCHEMA.dimension()), regression(rm, inputs), threshold,
                    meta);
        }
        if (model instanceof NeuralNetwork nn) {
            meta.put("encryptedDepth", 2);
            return ModelArtifact.network(modelId, version, SCHEMA, Scaler.identity(SCHEMA.dimension()), network(nn, inputs), threshold,
                    meta);
        }
        throw new UnsupportedPmmlException(model.getClass().getSimpleName() + " is not supported; import a RegressionModel (logistic"
                + " regression) or a NeuralNetwork (one hidden layer, square activation)");
    }

    /** The MiningSchema's active fields, each a continuous DataField named like a V1 feature, mapped to its position. */
    private static Map<String, Integer> activeFields(Model model, Map<String, DataField> dataFields) {
        if (model.getMiningSchema() == null) {
            throw new UnsupportedPmmlException("the model has no MiningSchema");
        }
        Map<String, Integer> inputs = new LinkedHashMap<>();
        for (MiningField mf : model.getMiningSchema().getMiningFields()) {
            String name = mf.requireName();
            MiningField.UsageType usage = mf.getUsageType();
            if (usage == MiningField.UsageType.TARGET || usage == MiningField.UsageType.PREDICTED) {
                continue;
            }
            if (usage != MiningField.UsageType.ACTIVE) {
                throw new UnsupportedPmmlException("MiningField " + name + ": usageType " + usage.value() + " is not supported");
            }
            if (mf.getOutlierTreatment() != null && mf.getOutlierTreatment() != OutlierTreatmentMethod.AS_IS) {
                throw new UnsupportedPmmlException("MiningField " + name + ": attribute outliers=" + mf.getOutlierTreatment().value()
                        + " is not supported (no clipping under encryption)");
            }
            if (mf.getMissingValueReplacement() != null || mf.getInvalidValueReplacement() != null) {
                throw new UnsupportedPmmlException("MiningField " + name + ": missingValueReplacement/invalidValueReplacement are not"
                        + " supported (V1 features are never missing)");
            }
            DataField df = dataFields.get(name);
            if (df == null) {
                throw new UnsupportedPmmlException("MiningField " + name + " has no DataField in the DataDictionary");
            }
            if (df.getOpType() != OpType.CONTINUOUS) {
                throw new UnsupportedPmmlException("DataField " + name + ": optype " + (df.getOpType() == null ? "(none)" : df.getOpType().value())
                        + " is not supported; V1 features are continuous numbers (one-hot columns included)");
            }
            int index;
            try {
                index = SCHEMA.indexOf(name);
            } catch (IllegalArgumentException e) {
                throw new UnsupportedPmmlException("DataField " + name + " is not a feature of " + SCHEMA.id() + " v" + SCHEMA.version()
                        + "; known: " + SCHEMA.names());
            }
            inputs.put(name, index);
        }
        return inputs;
    }

    private static Linear regression(RegressionModel rm, Map<String, Integer> inputs) {
        if (rm.getNormalizationMethod() != RegressionModel.NormalizationMethod.LOGIT) {
            throw new UnsupportedPmmlException("RegressionModel: attribute normalizationMethod=" + rm.getNormalizationMethod().value()
                    + " is not supported; only logit (logistic regression)");
        }
        List<RegressionTable> tables = rm.getRegressionTables();
        RegressionTable table;
        if (tables.size() == 1) {
            table = tables.get(0);
        } else if (tables.size() == 2 && isReference(tables.get(1))) {
            table = tables.get(0);
        } else if (tables.size() == 2 && isReference(tables.get(0))) {
            table = tables.get(1);
        } else {
            throw new UnsupportedPmmlException("RegressionModel has " + tables.size() + " RegressionTables; supported: one, or two where"
                    + " one is the empty reference table (intercept 0, no predictors) of a binary classification");
        }
        if (!table.getCategoricalPredictors().isEmpty()) {
            throw new UnsupportedPmmlException("CategoricalPredictor " + table.getCategoricalPredictors().get(0).getField()
                    + " is not supported: V1 one-hot columns are NumericPredictors");
        }
        if (!table.getPredictorTerms().isEmpty()) {
            throw new UnsupportedPmmlException("PredictorTerm (a product of fields) is not supported by a logistic model");
        }
        double[] w = new double[SCHEMA.dimension()];
        boolean[] seen = new boolean[w.length];
        for (NumericPredictor p : table.getNumericPredictors()) {
            String field = p.requireField();
            Integer exponent = p.getExponent();
            if (exponent != null && exponent != 1) {
                throw new UnsupportedPmmlException("NumericPredictor " + field + ": attribute exponent=" + exponent + " is not supported; only 1");
            }
            Integer index = inputs.get(field);
            if (index == null) {
                throw new UnsupportedPmmlException("NumericPredictor " + field + " is not an active MiningField of the model");
            }
            if (seen[index]) {
                throw new UnsupportedPmmlException("NumericPredictor " + field + " appears twice");
            }
            seen[index] = true;
            w[index] = finite("NumericPredictor " + field + " coefficient", p.requireCoefficient());
        }
        double intercept = table.getIntercept() == null ? 0 : finite("RegressionTable intercept", table.getIntercept());
        return new Linear(w, intercept);
    }

    private static boolean isReference(RegressionTable t) {
        return t.getNumericPredictors().isEmpty() && t.getCategoricalPredictors().isEmpty() && t.getPredictorTerms().isEmpty()
                && (t.getIntercept() == null || t.getIntercept().doubleValue() == 0);
    }

    private static Network network(NeuralNetwork nn, Map<String, Integer> inputs) {
        if (nn.getNormalizationMethod() != null && nn.getNormalizationMethod() != NeuralNetwork.NormalizationMethod.NONE) {
            throw new UnsupportedPmmlException("NeuralNetwork: attribute normalizationMethod=" + nn.getNormalizationMethod().value()
                    + " is not supported; only none (one logistic or identity output neuron)");
        }
        // Each NeuralInput is a·x_feature + c: a FieldRef (a = 1, c = 0) or a two-point NormContinuous.
        Map<String, double[]> inputMap = new HashMap<>(); // id -> {feature index, a, c}
        if (nn.getNeuralInputs() == null) {
            throw new UnsupportedPmmlException("NeuralNetwork has no NeuralInputs");
        }
        for (NeuralInput in : nn.getNeuralInputs().getNeuralInputs()) {
            DerivedField df = in.getDerivedField();
            Expression e = df == null ? null : df.getExpression();
            String field;
            double a = 1;
            double c = 0;
            if (e instanceof FieldRef ref) {
                field = ref.requireField();
            } else if (e instanceof NormContinuous norm) {
                field = norm.requireField();
                List<LinearNorm> points = norm.getLinearNorms();
                if (points.size() != 2 || (norm.getOutliers() != null && norm.getOutliers() != OutlierTreatmentMethod.AS_IS)
                        || norm.getMapMissingTo() != null) {
                    throw new UnsupportedPmmlException("NeuralInput " + in.getId() + ": NormContinuous is supported with exactly two"
                            + " LinearNorm points, outliers=asIs and no mapMissingTo (a linear rescaling)");
                }
                double o1 = points.get(0).requireOrig().doubleValue();
                double o2 = points.get(1).requireOrig().doubleValue();
                double n1 = points.get(0).requireNorm().doubleValue();
                double n2 = points.get(1).requireNorm().doubleValue();
                if (o1 == o2) {
                    throw new UnsupportedPmmlException("NeuralInput " + in.getId() + ": NormContinuous has two LinearNorm points at orig=" + o1);
                }
                a = (n2 - n1) / (o2 - o1);
                c = n1 - a * o1;
            } else {
                throw new UnsupportedPmmlException("NeuralInput " + in.getId() + ": DerivedField expression "
                        + (e == null ? "(none)" : e.getClass().getSimpleName()) + " is not supported; only FieldRef or NormContinuous");
            }
            Integer index = inputs.get(field);
            if (index == null) {
                throw new UnsupportedPmmlException("NeuralInput " + in.getId() + " reads field " + field
                        + ", which is not an active MiningField of the model");
            }
            inputMap.put(String.valueOf(in.getId()), new double[] {index, a, c});
        }
        List<NeuralLayer> layers = nn.getNeuralLayers();
        if (layers.size() != 2) {
            throw new UnsupportedPmmlException("NeuralNetwork has " + layers.size() + " NeuralLayers; supported: one hidden layer and"
                    + " one output layer");
        }
        NeuralLayer hiddenLayer = layers.get(0);
        NeuralLayer outputLayer = layers.get(1);
        NeuralNetwork.ActivationFunction hiddenActivation = activation(hiddenLayer, nn);
        if (hiddenActivation != NeuralNetwork.ActivationFunction.SQUARE) {
            throw new UnsupportedPmmlException("NeuralLayer 1: attribute activationFunction=" + hiddenActivation.value() + " is not"
                    + " supported; only square (one ciphertext product under CKKS)");
        }
        for (NeuralLayer layer : layers) {
            if (layer.getNormalizationMethod() != null && layer.getNormalizationMethod() != NeuralNetwork.NormalizationMethod.NONE) {
                throw new UnsupportedPmmlException("NeuralLayer: attribute normalizationMethod=" + layer.getNormalizationMethod().value()
                        + " is not supported");
            }
        }
        int d = SCHEMA.dimension();
        int h = hiddenLayer.getNeurons().size();
        if (h < 1 || h > ModelArtifact.MAX_HIDDEN) {
            throw new UnsupportedPmmlException("NeuralLayer 1 has " + h + " neurons; supported: 1 to " + ModelArtifact.MAX_HIDDEN);
        }
        double[][] w = new double[h][d];
        double[] bias = new double[h];
        Map<String, Integer> hiddenIds = new HashMap<>();
        for (int j = 0; j < h; j++) {
            Neuron neuron = hiddenLayer.getNeurons().get(j);
            hiddenIds.put(String.valueOf(neuron.getId()), j);
            bias[j] = neuron.getBias() == null ? 0 : finite("Neuron " + neuron.getId() + " bias", neuron.getBias());
            for (Connection con : neuron.getConnections()) {
                double[] input = inputMap.get(con.requireFrom());
                if (input == null) {
                    throw new UnsupportedPmmlException("Neuron " + neuron.getId() + ": Connection from=" + con.requireFrom()
                            + " is not a NeuralInput");
                }
                double weight = finite("Connection weight", con.requireWeight());
                w[j][(int) input[0]] += weight * input[1];
                bias[j] += weight * input[2];
            }
        }
        if (outputLayer.getNeurons().size() != 1) {
            throw new UnsupportedPmmlException("the output NeuralLayer has " + outputLayer.getNeurons().size() + " neurons; supported:"
                    + " one (the fraud logit)");
        }
        NeuralNetwork.ActivationFunction outAct = activation(outputLayer, nn);
        if (outAct != NeuralNetwork.ActivationFunction.LOGISTIC && outAct != NeuralNetwork.ActivationFunction.IDENTITY) {
            throw new UnsupportedPmmlException("output NeuralLayer: attribute activationFunction=" + outAct.value() + " is not supported;"
                    + " only logistic or identity");
        }
        Neuron out = outputLayer.getNeurons().get(0);
        double[] v = new double[h];
        for (Connection con : out.getConnections()) {
            Integer j = hiddenIds.get(con.requireFrom());
            if (j == null) {
                throw new UnsupportedPmmlException("output Neuron " + out.getId() + ": Connection from=" + con.requireFrom()
                        + " is not a hidden neuron (no skip connections)");
            }
            v[j] += finite("Connection weight", con.requireWeight());
        }
        double c = out.getBias() == null ? 0 : finite("Neuron " + out.getId() + " bias", out.getBias());
        return new Network(ModelArtifact.SQUARE, w, bias, v, c);
    }

    private static NeuralNetwork.ActivationFunction activation(NeuralLayer layer, NeuralNetwork nn) {
        return layer.getActivationFunction() != null ? layer.getActivationFunction() : nn.requireActivationFunction();
    }

    private static double finite(String what, Number n) {
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw new UnsupportedPmmlException(what + " is not finite");
        }
        return v;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
