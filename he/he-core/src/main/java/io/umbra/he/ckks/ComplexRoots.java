package io.umbra.he.ckks;

/**
 * The complex m-th roots of unity the slot FFT needs, built as SEAL's {@code util::ComplexRoots} builds
 * them: cos and sin evaluated only on the first eighth of the circle, every other root taken from
 * those by the circle's 8-fold symmetry (mirror, negate, conjugate), so that each root is the same
 * double SEAL computes.
 *
 * <p>The sin and cos themselves are musl's kernels, not {@link Math}'s: node-seal, the reference
 * peer, is SEAL compiled by Emscripten against musl, and Java's {@code Math}/{@code StrictMath} differ
 * from musl in a few ulps, which is enough to change a ciphertext's bytes.
 *
 * <p>Immutable after construction and thread-safe.
 */
final class ComplexRoots {
    private final int m;
    /** cos and sin of 2πi/m for i = 0..m/8. */
    private final double[] cos;
    private final double[] sin;

    /** The m-th roots of unity; m is a power of two, at least 8. */
    ComplexRoots(int m) {
        if (m < 8 || Integer.bitCount(m) != 1) {
            throw new IllegalArgumentException("m must be a power of two of at least 8, got " + m);
        }
        this.m = m;
        double[][] eighth = eighthOfCircle(m);
        cos = eighth[0];
        sin = eighth[1];
    }

    /**
     * cos and sin of 2πi/m for i = 0..m/8, computed like SEAL's ComplexRoots (std::polar on the angle
     * 2·π·i/m evaluated left to right in double).
     */
    static double[][] eighthOfCircle(int m) {
        double[] c = new double[m / 8 + 1];
        double[] s = new double[m / 8 + 1];
        for (int i = 0; i <= m / 8; i++) {
            double theta = 2 * Math.PI * (double) i / (double) m;
            c[i] = cosKernel(theta);
            s[i] = sinKernel(theta);
        }
        return new double[][]{c, s};
    }

    /** e^(2πi·index/m) into out[0] (real) and out[1] (imaginary), from the first eighth by symmetry. */
    void root(int index, double[] out) {
        index &= m - 1;
        if (index <= m / 8) {
            out[0] = cos[index];
            out[1] = sin[index];
        } else if (index <= m / 4) {
            out[0] = sin[m / 4 - index]; // mirror: swap real and imaginary parts
            out[1] = cos[m / 4 - index];
        } else if (index <= m / 2) {
            root(m / 2 - index, out);
            out[0] = -out[0];
        } else if (index <= 3 * m / 4) {
            root(index - m / 2, out);
            out[0] = -out[0];
            out[1] = -out[1];
        } else {
            root(m - index, out);
            out[1] = -out[1];
        }
    }

    /*
     * sin and cos on [0, π/4], where every angle above lies, evaluated as musl's kernels evaluate them
     * (node-seal is SEAL compiled by Emscripten against musl): same minimax coefficients (fdlibm's),
     * same order of operations, so the same doubles. Java's Math/StrictMath differ in a few ulps.
     */
    private static final double S1 = -1.66666666666666324348e-01;
    private static final double S2 = 8.33333333332248946124e-03;
    private static final double S3 = -1.98412698298579493134e-04;
    private static final double S4 = 2.75573137070700676789e-06;
    private static final double S5 = -2.50507602534068634195e-08;
    private static final double S6 = 1.58969099521155010221e-10;
    private static final double C1 = 4.16666666666666019037e-02;
    private static final double C2 = -1.38888888888741095749e-03;
    private static final double C3 = 2.48015872894767294178e-05;
    private static final double C4 = -2.75573143513906633035e-07;
    private static final double C5 = 2.08757232129817482790e-09;
    private static final double C6 = -1.13596475577881948265e-11;

    static double sinKernel(double x) {
        if (Math.abs(x) < 0x1p-26) {
            return x;
        }
        double z = x * x;
        double w = z * z;
        double r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
        double v = z * x;
        return x + v * (S1 + z * r);
    }

    static double cosKernel(double x) {
        if (Math.abs(x) < 0x1.6a09ep-27) {
            return 1.0;
        }
        double z = x * x;
        double w = z * z;
        double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
        double hz = 0.5 * z;
        w = 1.0 - hz;
        return w + (((1.0 - w) - hz) + z * r);
    }
}
