package io.umbra.training;

import io.umbra.model.ModelArtifact.Scaler;

/** Fits the standardization that becomes part of a model. */
final class Scalers {
    private Scalers() {
    }

    /**
     * Per-feature mean and population standard deviation over {@code x}. A feature constant in the training
     * data (e.g. mcc_travel, which the generator never produces) gets std 1: it then standardizes to 0 on
     * all training rows, its weight stays 0 under L2, and a value never seen in training cannot blow up.
     */
    static Scaler fit(double[][] x) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                mean[i] += row[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= x.length;
        }
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double c = row[i] - mean[i];
                std[i] += c * c;
            }
        }
        for (int i = 0; i < d; i++) {
            std[i] = Math.sqrt(std[i] / x.length);
            if (!(std[i] > 1e-9)) {
                std[i] = 1;
            }
        }
        return new Scaler(mean, std);
    }

    static double[][] apply(Scaler s, double[][] x) {
        double[][] z = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            double[] row = new double[x[r].length];
            for (int i = 0; i < row.length; i++) {
                row[i] = (x[r][i] - s.mean()[i]) / s.std()[i];
            }
            z[r] = row;
        }
        return z;
    }
}
