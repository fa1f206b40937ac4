package io.umbra.training;

import io.umbra.model.ModelArtifact.Linear;

/**
 * Logistic regression by full-batch gradient descent (Adam steps) on standardized features, with L2 on
 * the weights (not the bias) and class weights that give frauds and genuine transactions equal total
 * weight: at a 1 % fraud rate an unweighted fit mostly learns "say no". Starts from zero weights and
 * uses no randomness, so it is deterministic.
 */
final class LogisticTrainer {
    private final double l2;
    private final int iterations;
    private final double learningRate;

    LogisticTrainer(double l2, int iterations, double learningRate) {
        this.l2 = l2;
        this.iterations = iterations;
        this.learningRate = learningRate;
    }

    Linear fit(double[][] z, boolean[] fraud) {
        int n = z.length;
        int d = z[0].length;
        double[] classWeight = ClassWeights.balanced(fraud);
        double totalWeight = 0;
        for (boolean f : fraud) {
            totalWeight += classWeight[f ? 1 : 0];
        }
        double[] w = new double[d + 1]; // last: bias
        Adam adam = new Adam(d + 1, learningRate);
        double[] grad = new double[d + 1];
        for (int it = 0; it < iterations; it++) {
            java.util.Arrays.fill(grad, 0);
            for (int r = 0; r < n; r++) {
                double[] row = z[r];
                double s = w[d];
                for (int i = 0; i < d; i++) {
                    s += w[i] * row[i];
                }
                double g = (sigmoid(s) - (fraud[r] ? 1 : 0)) * classWeight[fraud[r] ? 1 : 0];
                for (int i = 0; i < d; i++) {
                    grad[i] += g * row[i];
                }
                grad[d] += g;
            }
            for (int i = 0; i <= d; i++) {
                grad[i] /= totalWeight;
                if (i < d) {
                    grad[i] += l2 * w[i];
                }
            }
            adam.step(w, grad);
        }
        return new Linear(java.util.Arrays.copyOf(w, d), w[d]);
    }

    static double sigmoid(double s) {
        return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
    }
}
