package io.umbra.training;

import java.util.Arrays;

/** What a fraud team reads off a model's scores on labelled transactions. */
public final class Metrics {
    private Metrics() {
    }

    /** Counts at one alert threshold (alert when score ≥ threshold). */
    public record Confusion(long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {
        public double precision() {
            long alerts = truePositives + falsePositives;
            return alerts == 0 ? 0 : (double) truePositives / alerts;
        }

        public double recall() {
            long frauds = truePositives + falseNegatives;
            return frauds == 0 ? 0 : (double) truePositives / frauds;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        /** Alerts per 1,000 transactions: the workload the threshold gives the fraud analysts. */
        public double alertsPerThousand() {
            long n = truePositives + falsePositives + falseNegatives + trueNegatives;
            return n == 0 ? 0 : 1000.0 * (truePositives + falsePositives) / n;
        }
    }

    /** Indices sorted by descending score (ties keep index order: deterministic). */
    private static Integer[] byScoreDescending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        return order;
    }

    /**
     * ROC-AUC: the probability that a random fraud scores above a random genuine transaction, ties
     * counting one half (the Mann–Whitney statistic over average ranks).
     */
    public static double rocAuc(double[] scores, boolean[] fraud) {
        Integer[] order = byScoreDescending(scores);
        long positives = 0;
        long negatives = 0;
        for (boolean f : fraud) {
            if (f) {
                positives++;
            } else {
                negatives++;
            }
        }
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC-AUC needs both frauds and genuine transactions");
        }
        // walk down the ranking; for each group of tied scores, genuine ones below count fully for the frauds above
        double wins = 0;
        long fraudsAbove = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            long p = 0;
            long n = 0;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (fraud[order[j]]) {
                    p++;
                } else {
                    n++;
                }
                j++;
            }
            wins += (double) fraudsAbove * n + 0.5 * p * n;
            fraudsAbove += p;
            i = j;
        }
        return wins / ((double) positives * negatives);
    }

    /**
     * Average precision (the area under the precision–recall curve as a step function): the mean, over
     * frauds, of the precision at the threshold that first catches them; tied scores enter together.
     */
    public static double averagePrecision(double[] scores, boolean[] fraud) {
        Integer[] order = byScoreDescending(scores);
        long positives = positives(fraud);
        if (positives == 0) {
            throw new IllegalArgumentException("average precision needs frauds");
        }
        double ap = 0;
        long tp = 0;
        long seen = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            long p = 0;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (fraud[order[j]]) {
                    p++;
                }
                j++;
            }
            tp += p;
            seen += j - i;
            ap += (double) p / positives * ((double) tp / seen);
            i = j;
        }
        return ap;
    }

    public static Confusion at(double[] scores, boolean[] fraud, double threshold) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean alert = scores[i] >= threshold;
            if (fraud[i]) {
                if (alert) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (alert) {
                fp++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, fn, tn);
    }

    /**
     * The threshold with the highest F1 on these (training) scores: precision and recall weighed equally,
     * the usual starting point before a fraud team sets its own alert budget. Among equal F1 the higher
     * threshold (fewer alerts). Chosen at a midpoint between adjacent distinct scores, so a score equal
     * to a training score is decided the same way as in training.
     */
    public static double bestF1Threshold(double[] scores, boolean[] fraud) {
        long positives = positives(fraud);
        double best = -1;
        double threshold = Double.POSITIVE_INFINITY;
        for (Cut cut : cuts(scores, fraud)) {
            double f1 = positives == 0 ? 0 : 2.0 * cut.tp() / (cut.alerts() + positives);
            if (f1 > best) {
                best = f1;
                threshold = cut.threshold();
            }
        }
        return threshold;
    }

    /**
     * An operating point: alert when score ≥ {@code threshold}; {@code precision} and {@code recall} are what it gave on
     * the scores it was chosen on.
     */
    public record OperatingPoint(double threshold, double precision, double recall, long alerts) {
    }

    /**
     * The lowest threshold at which the alerts still have at least {@code targetPrecision} precision on these scores —
     * the most frauds caught for a stated share of true alerts — or empty when no threshold reaches it. Scanning from
     * the highest score down, the last prefix (groups of tied scores enter together) whose precision is ≥ the target
     * wins; the threshold is the midpoint to the next lower distinct score, so a score equal to one seen here is decided
     * the same way as here.
     */
    public static java.util.Optional<OperatingPoint> thresholdForPrecision(double[] scores, boolean[] fraud, double targetPrecision) {
        if (!(targetPrecision > 0 && targetPrecision <= 1)) {
            throw new IllegalArgumentException("the target precision must be in (0, 1], not " + targetPrecision);
        }
        if (scores.length != fraud.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + fraud.length + " labels");
        }
        long positives = positives(fraud);
        OperatingPoint best = null;
        for (Cut cut : cuts(scores, fraud)) {
            double precision = (double) cut.tp() / cut.alerts();
            if (cut.tp() > 0 && precision >= targetPrecision) {
                best = new OperatingPoint(cut.threshold(), precision, positives == 0 ? 0 : (double) cut.tp() / positives, cut.alerts());
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    /** Alerting at {@code score ≥ threshold} gives {@code tp} true alerts among {@code alerts}. */
    private record Cut(double threshold, long tp, long alerts) {
    }

    /**
     * The possible thresholds on these scores, highest first: one per group of tied scores (a group enters whole), each at
     * the midpoint to the next lower distinct score, so a score equal to one seen here is decided the same way as here
     * (the score itself where the next is an adjacent double, or for the lowest group).
     */
    private static java.util.List<Cut> cuts(double[] scores, boolean[] fraud) {
        Integer[] order = byScoreDescending(scores);
        java.util.List<Cut> cuts = new java.util.ArrayList<>();
        long tp = 0;
        long alerts = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (fraud[order[j]]) {
                    tp++;
                }
                alerts++;
                j++;
            }
            double here = scores[order[i]];
            double threshold = j < order.length ? (here + scores[order[j]]) / 2 : here;
            if (j < order.length && threshold == scores[order[j]]) {
                threshold = here; // adjacent doubles: no midpoint between them
            }
            cuts.add(new Cut(threshold, tp, alerts));
            i = j;
        }
        return cuts;
    }

    private static long positives(boolean[] fraud) {
        long positives = 0;
        for (boolean f : fraud) {
            if (f) {
                positives++;
            }
        }
        return positives;
    }
}
