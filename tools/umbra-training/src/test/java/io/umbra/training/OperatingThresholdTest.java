package io.umbra.training;

import io.umbra.model.ModelArtifact;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operating threshold: the most frauds caught at a stated precision, chosen on held-out data the figures do not use. */
class OperatingThresholdTest {
    //                                    0     1     2     3     4     5     6     7     8     9
    static final double[] SCORES = {9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0};
    static final boolean[] FRAUD = {true, true, true, true, false, true, true, false, false, true};

    @Test
    void theLowestThresholdWhoseAlertsKeepTheStatedPrecision() {
        // from the top: 4/4 = 1.0, 4/5 = 0.8, 5/6 = 0.83, 6/7 = 0.857, 6/8, 6/9, 7/10 = 0.7
        Metrics.OperatingPoint p = Metrics.thresholdForPrecision(SCORES, FRAUD, 0.85).orElseThrow();
        assertEquals(2.5, p.threshold()); // 7 alerts (scores ≥ 3), midpoint to the next score
        assertEquals(6.0 / 7, p.precision(), 1e-12);
        assertEquals(6.0 / 7, p.recall(), 1e-12);
        assertEquals(7, p.alerts());
        assertEquals(5.5, Metrics.thresholdForPrecision(SCORES, FRAUD, 0.9).orElseThrow().threshold()); // 4/4 only
        assertEquals(0.0, Metrics.thresholdForPrecision(SCORES, FRAUD, 0.7).orElseThrow().threshold()); // all 10: 7/10
        // the confusion at the chosen threshold is what the point says
        Metrics.Confusion c = Metrics.at(SCORES, FRAUD, 2.5);
        assertEquals(6.0 / 7, c.precision(), 1e-12);
    }

    @Test
    void tiedScoresEnterTogetherAndAnUnreachablePrecisionGivesNothing() {
        double[] s = {5, 5, 5, 1};
        boolean[] f = {true, false, true, true};
        // the first group is 2/3: no threshold reaches 0.9 (the lone 1 adds a fraud: 3/4)
        assertEquals(Optional.empty(), Metrics.thresholdForPrecision(s, f, 0.9));
        assertEquals(1.0, Metrics.thresholdForPrecision(s, f, 0.75).orElseThrow().threshold());
        assertEquals(Optional.empty(), Metrics.thresholdForPrecision(new double[] {3, 2}, new boolean[] {false, false}, 0.5));
    }

    @Test
    void trainingChoosesTheThresholdOnTheCalibrationHalfAndMeasuresOnTheTestHalf() {
        ModelTraining.Config config = ModelTraining.Config.defaults().withTransactions(20_000).withFraudRate(0.02).withSeed(5)
                .withEpochs(3).withTargetPrecision(0.9);
        ModelTraining.Result r = ModelTraining.train(config);
        assertEquals(r.heldOutSize(), r.calibrationSize() + r.testSize());
        for (ModelArtifact m : new ModelArtifact[] {r.logistic(), r.network()}) {
            assertTrue(m.threshold().rule().startsWith("lowest logit with precision ≥ 0.9 on the calibration set"), m.threshold().rule());
            assertEquals(0.9, ((Number) m.training().get("targetPrecision")).doubleValue());
            assertEquals(r.testSize(), ((Number) m.training().get("testTransactions")).intValue());
        }
        // the network's threshold recomputed on the calibration rows the training cut
        LabelledFeatures all = LabelledFeatures.generate(config.profile(), config.seed(), config.transactions(), config.schema());
        int cut = (int) Math.round(all.size() * config.trainShare());
        LabelledFeatures calibration = all.slice(cut, cut + (all.size() - cut) / 2);
        double[] s = ModelTraining.scores(r.network(), calibration);
        assertEquals(Metrics.thresholdForPrecision(s, calibration.fraud(), 0.9).orElseThrow().threshold(), r.network().threshold().logit());
        assertTrue(Metrics.at(s, calibration.fraud(), r.network().threshold().logit()).precision() >= 0.9);
        // and the evaluation counts only the test half
        Metrics.Confusion c = r.networkEvaluation().confusion();
        assertEquals(r.testSize(), c.truePositives() + c.falsePositives() + c.falseNegatives() + c.trueNegatives());
    }

    @Test
    void coldStartedRunsStartAtDifferentHoursWithEmptyCardHistories() {
        io.umbra.traffic.TrafficProfile p = io.umbra.traffic.TrafficProfile.of(io.umbra.events.TenantId.of("tt")).withFraudRate(0.01);
        java.time.Duration step = java.time.Duration.ofMillis(5);
        LabelledFeatures runs = LabelledFeatures.generate(p, 9, 4_000, io.umbra.events.features.FeatureSchema.V2, step, 1_000);
        LabelledFeatures first = LabelledFeatures.generate(p, 9, 1_000, io.umbra.events.features.FeatureSchema.V2, step);
        LabelledFeatures second = LabelledFeatures.generate(p, 10, 1_000, io.umbra.events.features.FeatureSchema.V2, step);
        int hourSin = io.umbra.events.features.FeatureSchema.V2.indexOf("hour_sin");
        int prior = io.umbra.events.features.FeatureSchema.V2.indexOf("prior_transactions");
        // run 0 is the single stream of seed 9; run 1 is seed 10's traffic, cold (no history), 25.5 hours later
        assertEquals(java.util.Arrays.toString(first.x()[999]), java.util.Arrays.toString(runs.x()[999]));
        assertEquals(second.x()[0][prior], runs.x()[1_000][prior]);
        assertEquals(0.0, runs.x()[1_000][prior]);
        assertTrue(Math.abs(runs.x()[0][hourSin] - runs.x()[1_000][hourSin]) > 0.1, "another hour of the day");
        assertEquals(java.time.Duration.ofMinutes(25 * 60 + 30), LabelledFeatures.RUN_OFFSET);
    }
}
