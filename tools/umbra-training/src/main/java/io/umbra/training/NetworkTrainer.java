package io.umbra.training;

import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelArtifact.Network;

import java.util.SplittableRandom;

/**
 * A one-hidden-layer network with the square activation, logit = c + Σⱼ vⱼ·(hⱼ·z + aⱼ)², trained by
 * mini-batch Adam on the class-weighted log-loss with L2 on the weights. Deterministic for a seed: the
 * initial weights and each epoch's shuffle come from one {@link SplittableRandom}.
 *
 * <p>A square grows fast: a few standardized outliers (very large amounts) can throw the gradient far,
 * so each batch's gradient is clipped to norm 1, and the learning rate decays linearly to a tenth.
 */
final class NetworkTrainer {
    private final int hidden;
    private final int epochs;
    private final int batch;
    private final double learningRate;
    private final double l2;

    NetworkTrainer(int hidden, int epochs, int batch, double learningRate, double l2) {
        if (hidden < 1 || hidden > ModelArtifact.MAX_HIDDEN) {
            throw new IllegalArgumentException("hidden units must be 1 to " + ModelArtifact.MAX_HIDDEN);
        }
        this.hidden = hidden;
        this.epochs = epochs;
        this.batch = batch;
        this.learningRate = learningRate;
        this.l2 = l2;
    }

    Network fit(double[][] z, boolean[] fraud, long seed) {
        int n = z.length;
        int d = z[0].length;
        int h = hidden;
        // layout: W (h·d), a (h), v (h), c (1)
        int offA = h * d;
        int offV = offA + h;
        int offC = offV + h;
        double[] p = new double[offC + 1];
        SplittableRandom random = new SplittableRandom(seed);
        double scale = Math.sqrt(1.0 / d);
        for (int k = 0; k < offA; k++) {
            p[k] = scale * random.nextGaussian();
        }
        for (int j = 0; j < h; j++) {
            p[offA + j] = 0.5 * random.nextGaussian();
            p[offV + j] = 0.1 * random.nextGaussian();
        }
        double[] classWeight = ClassWeights.balanced(fraud);
        Adam adam = new Adam(p.length, learningRate);
        double[] grad = new double[p.length];
        double[] t = new double[h];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int batches = (n + batch - 1) / batch;
        long steps = (long) epochs * batches;
        long step = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int k = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[k];
                order[k] = tmp;
            }
            for (int b = 0; b < batches; b++) {
                java.util.Arrays.fill(grad, 0);
                double weightSum = 0;
                int end = Math.min(n, (b + 1) * batch);
                for (int q = b * batch; q < end; q++) {
                    int r = order[q];
                    double[] row = z[r];
                    double s = p[offC];
                    for (int j = 0; j < h; j++) {
                        double u = p[offA + j];
                        int base = j * d;
                        for (int i = 0; i < d; i++) {
                            u += p[base + i] * row[i];
                        }
                        t[j] = u;
                        s += p[offV + j] * u * u;
                    }
                    double cw = classWeight[fraud[r] ? 1 : 0];
                    weightSum += cw;
                    double g = (LogisticTrainer.sigmoid(s) - (fraud[r] ? 1 : 0)) * cw;
                    grad[offC] += g;
                    for (int j = 0; j < h; j++) {
                        grad[offV + j] += g * t[j] * t[j];
                        double gt = g * p[offV + j] * 2 * t[j];
                        grad[offA + j] += gt;
                        int base = j * d;
                        for (int i = 0; i < d; i++) {
                            grad[base + i] += gt * row[i];
                        }
                    }
                }
                double norm = 0;
                for (int k = 0; k < p.length; k++) {
                    grad[k] /= weightSum;
                    if (k < offA || (k >= offV && k < offC)) {
                        grad[k] += l2 * p[k];
                    }
                    norm += grad[k] * grad[k];
                }
                norm = Math.sqrt(norm);
                if (norm > 1) {
                    for (int k = 0; k < p.length; k++) {
                        grad[k] /= norm;
                    }
                }
                adam.learningRate(learningRate * (1 - 0.9 * step / (double) steps));
                adam.step(p, grad);
                step++;
            }
        }
        double[][] w = new double[h][d];
        for (int j = 0; j < h; j++) {
            System.arraycopy(p, j * d, w[j], 0, d);
        }
        return new Network(ModelArtifact.SQUARE, w, java.util.Arrays.copyOfRange(p, offA, offV),
                java.util.Arrays.copyOfRange(p, offV, offC), p[offC]);
    }
}
