package io.umbra.training;

import io.umbra.events.features.FeatureSchema;
import io.umbra.model.LogisticModel;
import io.umbra.model.ModelArtifact;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model from the bank's own tooling scores exactly as its PMML says, or is refused naming what is not supported. */
class PmmlImportTest {
    static final FeatureSchema V1 = FeatureSchema.V1;

    static String resource(String name) throws IOException {
        try (InputStream in = PmmlImportTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static ModelArtifact importText(String pmml) {
        return PmmlImport.read(new ByteArrayInputStream(pmml.getBytes(StandardCharsets.UTF_8)), "imported", 1, 0.5);
    }

    /** Random valid-looking V1 feature vectors: log amounts 0–12, indicators 0/1, hour on the circle. */
    static double[][] vectors(int n) {
        SplittableRandom r = new SplittableRandom(11);
        double[][] xs = new double[n][V1.dimension()];
        for (double[] x : xs) {
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(2);
            }
            double h = r.nextDouble(24);
            x[V1.indexOf("log_amount")] = r.nextDouble(0, 12);
            x[V1.indexOf("amount_bucket")] = r.nextInt(8) / 7.0;
            x[V1.indexOf("hour_sin")] = Math.sin(2 * Math.PI * h / 24);
            x[V1.indexOf("hour_cos")] = Math.cos(2 * Math.PI * h / 24);
        }
        return xs;
    }

    double f(double[] x, String name) {
        return x[V1.indexOf(name)];
    }

    @Test
    void aHandWrittenPmmlLogisticRegressionScoresAsItsOwnFormula() throws IOException {
        ModelArtifact model = importText(resource("fraud-logistic.pmml"));
        assertEquals("logistic", model.kind());
        LogisticModel folded = model.toLogisticModel();
        for (double[] x : vectors(5_000)) {
            // the PMML's formula, written out: intercept + Σ coefficient·field
            double logit = -7.25 + 0.4125 * f(x, "log_amount") + 1.3 * f(x, "channel_ecom") + 2.05 * f(x, "cross_border")
                    + 1.75 * f(x, "mcc_high") - 0.6 * f(x, "hour_cos");
            assertEquals(logit, model.logit(x), 1e-12);
            assertEquals(logit, folded.logit(x), 1e-12);
            assertEquals(1 / (1 + Math.exp(-logit)), model.probability(x), 1e-12);
        }
        assertEquals(0.0, folded.weight("hour_sin"), "V1 features the PMML does not use weigh 0");
    }

    @Test
    void aHandWrittenPmmlSquareNetworkScoresAsItsOwnFormula() throws IOException {
        ModelArtifact model = importText(resource("fraud-network.pmml"));
        assertEquals("network", model.kind());
        assertEquals("square", model.network().activation());
        for (double[] x : vectors(5_000)) {
            double in0 = (f(x, "log_amount") - 3.5) / 2.0;
            double h0 = -0.25 + 0.8 * in0 + 0.5 * f(x, "channel_ecom");
            double h1 = 0.1 - 0.3 * f(x, "channel_ecom") + 1.2 * f(x, "cross_border");
            double logit = -4.5 + 1.5 * h0 * h0 + 2.25 * h1 * h1;
            assertEquals(logit, model.logit(x), 1e-12 * Math.max(1, Math.abs(logit)));
        }
    }

    private void refused(String pmml, String... mustName) {
        PmmlImport.UnsupportedPmmlException e = assertThrows(PmmlImport.UnsupportedPmmlException.class, () -> importText(pmml));
        for (String s : mustName) {
            assertTrue(e.getMessage().contains(s), "message names " + s + ": " + e.getMessage());
        }
    }

    @Test
    void unsupportedRegressionElementsAreRefusedByName() throws IOException {
        String lr = resource("fraud-logistic.pmml");
        refused(lr.replace("normalizationMethod=\"logit\"", "normalizationMethod=\"probit\""), "RegressionModel", "normalizationMethod=probit");
        refused(lr.replace("<NumericPredictor name=\"hour_cos\" coefficient=\"-0.6\"/>",
                "<CategoricalPredictor name=\"hour_cos\" value=\"1\" coefficient=\"-0.6\"/>"), "CategoricalPredictor");
        refused(lr.replace("coefficient=\"1.75\" exponent=\"1\"", "coefficient=\"1.75\" exponent=\"2\""), "NumericPredictor mcc_high",
                "exponent=2");
        refused(lr.replace("<Output>", "<LocalTransformations><DerivedField name=\"big\" optype=\"continuous\" dataType=\"double\">"
                + "<FieldRef field=\"log_amount\"/></DerivedField></LocalTransformations><Output>"), "LocalTransformations", "big");
        refused(lr.replace("<Output>", "<Targets><Target field=\"is_fraud\" rescaleFactor=\"2\"/></Targets><Output>"), "Targets");
        refused(lr.replace("<RegressionTable targetCategory=\"0\" intercept=\"0\"/>",
                "<RegressionTable targetCategory=\"0\" intercept=\"0.5\"/>"), "RegressionTables");
        refused(lr.replace("<MiningField name=\"mcc_high\"/>", "<MiningField name=\"mcc_high\" outliers=\"asExtremeValues\"/>"),
                "MiningField mcc_high", "outliers=asExtremeValues");
        refused(lr.replace("<RegressionModel", "<TreeModel functionName=\"classification\"><MiningSchema/><Node/></TreeModel><RegressionModel"),
                "2 models");
    }

    @Test
    void fieldsThatAreNotV1FeaturesOrAreMissingAreRefused() throws IOException {
        String lr = resource("fraud-logistic.pmml");
        // a field of the bank's own that ingest does not compute
        refused(lr.replace("name=\"hour_cos\"", "name=\"merchant_risk_score\""), "DataField merchant_risk_score", "umbra.tx v1");
        // a predictor over a field the MiningSchema does not declare
        refused(lr.replace("<MiningField name=\"hour_cos\"/>", ""), "NumericPredictor hour_cos", "not an active MiningField");
        // a MiningField without a DataField
        refused(lr.replace("<DataField name=\"cross_border\" optype=\"continuous\" dataType=\"double\"/>", ""),
                "MiningField cross_border has no DataField");
        refused(lr.replace("<DataField name=\"channel_ecom\" optype=\"continuous\"", "<DataField name=\"channel_ecom\" optype=\"categorical\""),
                "DataField channel_ecom", "optype categorical");
        refused("<PMML><oops/>", "not a PMML document");
    }

    @Test
    void unsupportedNetworkElementsAreRefusedByName() throws IOException {
        String nn = resource("fraud-network.pmml");
        refused(nn.replace("activationFunction=\"square\"", "activationFunction=\"tanh\""), "NeuralLayer 1", "activationFunction=tanh");
        refused(nn.replace("activationFunction=\"logistic\"", "activationFunction=\"rectifier\""), "output NeuralLayer",
                "activationFunction=rectifier");
        refused(nn.replace("<Con from=\"h1\" weight=\"2.25\"/>", "<Con from=\"h1\" weight=\"2.25\"/><Con from=\"in2\" weight=\"1\"/>"),
                "Connection from=in2");
        refused(nn.replace("<FieldRef field=\"channel_ecom\"/>", "<Apply function=\"log\"><FieldRef field=\"channel_ecom\"/></Apply>"),
                "NeuralInput in1", "Apply");
    }
}
