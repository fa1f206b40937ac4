package io.umbra.training;

/** Adam (Kingma and Ba) over a flat parameter vector, with the usual β₁ = 0.9, β₂ = 0.999. */
final class Adam {
    private final double[] m;
    private final double[] v;
    private double learningRate;
    private int t;

    Adam(int size, double learningRate) {
        this.m = new double[size];
        this.v = new double[size];
        this.learningRate = learningRate;
    }

    void learningRate(double rate) {
        this.learningRate = rate;
    }

    void step(double[] params, double[] grad) {
        t++;
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        for (int i = 0; i < params.length; i++) {
            m[i] = 0.9 * m[i] + 0.1 * grad[i];
            v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
            params[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
        }
    }
}
