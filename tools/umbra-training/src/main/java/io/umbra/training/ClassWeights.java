package io.umbra.training;

/** Weights that make both classes count equally in the loss, whatever the fraud rate. */
final class ClassWeights {
    private ClassWeights() {
    }

    /** {genuine weight, fraud weight}, each class summing to n/2. */
    static double[] balanced(boolean[] fraud) {
        long positives = 0;
        for (boolean f : fraud) {
            if (f) {
                positives++;
            }
        }
        long negatives = fraud.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("training needs both frauds and genuine transactions; got " + positives + " frauds in "
                    + fraud.length);
        }
        return new double[] {fraud.length / (2.0 * negatives), fraud.length / (2.0 * positives)};
    }
}
