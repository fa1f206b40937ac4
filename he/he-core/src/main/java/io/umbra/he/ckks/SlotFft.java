package io.umbra.he.ckks;

import io.umbra.he.ring.NttTables;

/**
 * The complex FFT between a CKKS plaintext's N coefficients and its N/2 slots (and their conjugates),
 * the analogue of SEAL's {@code util::DWTHandler} instantiated over {@code std::complex<double>}:
 * {@link #inverse} is {@code transform_from_rev} (encode), {@link #forward} is
 * {@code transform_to_rev} (decode).
 *
 * <p>Every butterfly computes in the order C++'s {@code std::complex} does and the roots come in SEAL's
 * orders ({@link ComplexRoots}), so encoding is bit-identical to SEAL's. The slot permutation (powers
 * of 3 mod 2N) is the encoder's business, not this class's.
 *
 * <p>Immutable after construction and thread-safe; the transforms work in place on the caller's arrays.
 */
final class SlotFft {
    private final int n;
    private final int logN;
    /** Powers 1..n-1 of the primitive 2n-th root in bit-reversed order (decode). */
    private final double[] rootRe;
    private final double[] rootIm;
    /** Powers of its inverse in SEAL's scrambled order (encode). */
    private final double[] invRootRe;
    private final double[] invRootIm;

    /** The transforms for N = 2^logN coefficients. */
    SlotFft(int logN) {
        this.logN = logN;
        this.n = 1 << logN;
        ComplexRoots roots = new ComplexRoots(2 * n);
        rootRe = new double[n];
        rootIm = new double[n];
        invRootRe = new double[n];
        invRootIm = new double[n];
        double[] z = new double[2];
        for (int i = 1; i < n; i++) {
            roots.root(NttTables.reverseBits(i, logN), z);
            rootRe[i] = z[0];
            rootIm[i] = z[1];
            roots.root(NttTables.reverseBits(i - 1, logN) + 1, z);
            invRootRe[i] = z[0];
            invRootIm[i] = -z[1];
        }
    }

    /**
     * SEAL's transform_from_rev over the complex numbers: Gentleman–Sande passes with the inverse roots
     * in scrambled order; the last pass multiplies by {@code fix} (scale/N) on both butterfly outputs.
     * The passes with gaps 1 and 2 are unrolled; the arithmetic is the same in every pass.
     */
    void inverse(double[] re, double[] im, double fix) {
        final double[] wr = invRootRe;
        final double[] wi = invRootIm;
        int rootIndex = 1;
        for (int logM = logN - 1; logM > 0; logM--) {
            int m = 1 << logM;
            int gap = 1 << (logN - logM - 1);
            if (gap == 1) {
                for (int i = 0, j = 0; i < m; i++, j += 2) {
                    gsButterfly(re, im, j, j + 1, wr[rootIndex + i], wi[rootIndex + i]);
                }
            } else if (gap == 2) {
                for (int i = 0, j = 0; i < m; i++, j += 4) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    gsButterfly(re, im, j, j + 2, rr, ri);
                    gsButterfly(re, im, j + 1, j + 3, rr, ri);
                }
            } else {
                for (int i = 0; i < m; i++) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    int offset = i << (logN - logM);
                    for (int j = offset, end = offset + gap; j < end; j++) {
                        double ur = re[j];
                        double ui = im[j];
                        double vr = re[j + gap];
                        double vi = im[j + gap];
                        re[j] = ur + vr;
                        im[j] = ui + vi;
                        double dr = ur - vr;
                        double di = ui - vi;
                        re[j + gap] = dr * rr - di * ri;
                        im[j + gap] = dr * ri + di * rr;
                    }
                }
            }
            rootIndex += m;
        }
        double sr = wr[rootIndex] * fix;
        double si = wi[rootIndex] * fix;
        int gap = n >>> 1;
        for (int j = 0; j < gap; j++) {
            double ur = re[j];
            double ui = im[j];
            double vr = re[j + gap];
            double vi = im[j + gap];
            re[j] = (ur + vr) * fix;
            im[j] = (ui + vi) * fix;
            double dr = ur - vr;
            double di = ui - vi;
            re[j + gap] = dr * sr - di * si;
            im[j + gap] = dr * si + di * sr;
        }
    }

    /** (u, v) to (u + v, (u − v)·r) in complex arithmetic, as C++'s std::complex computes it. */
    private static void gsButterfly(double[] re, double[] im, int x, int y, double rr, double ri) {
        double ur = re[x];
        double ui = im[x];
        double vr = re[y];
        double vi = im[y];
        re[x] = ur + vr;
        im[x] = ui + vi;
        double dr = ur - vr;
        double di = ui - vi;
        re[y] = dr * rr - di * ri;
        im[y] = dr * ri + di * rr;
    }

    /** SEAL's transform_to_rev: Cooley–Tukey passes with the roots in bit-reversed order, no scaling. */
    void forward(double[] re, double[] im) {
        final double[] wr = rootRe;
        final double[] wi = rootIm;
        int rootIndex = 1;
        for (int logM = 0; logM < logN; logM++) {
            int m = 1 << logM;
            int gap = 1 << (logN - logM - 1);
            if (gap == 1) {
                for (int i = 0, j = 0; i < m; i++, j += 2) {
                    ctButterfly(re, im, j, j + 1, wr[rootIndex + i], wi[rootIndex + i]);
                }
            } else if (gap == 2) {
                for (int i = 0, j = 0; i < m; i++, j += 4) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    ctButterfly(re, im, j, j + 2, rr, ri);
                    ctButterfly(re, im, j + 1, j + 3, rr, ri);
                }
            } else {
                for (int i = 0; i < m; i++) {
                    double rr = wr[rootIndex + i];
                    double ri = wi[rootIndex + i];
                    int offset = i << (logN - logM);
                    for (int j = offset, end = offset + gap; j < end; j++) {
                        double ur = re[j];
                        double ui = im[j];
                        double xr = re[j + gap];
                        double xi = im[j + gap];
                        double vr = xr * rr - xi * ri;
                        double vi = xr * ri + xi * rr;
                        re[j] = ur + vr;
                        im[j] = ui + vi;
                        re[j + gap] = ur - vr;
                        im[j + gap] = ui - vi;
                    }
                }
            }
            rootIndex += m;
        }
    }

    /** (u, v) to (u + v·r, u − v·r). */
    private static void ctButterfly(double[] re, double[] im, int x, int y, double rr, double ri) {
        double ur = re[x];
        double ui = im[x];
        double xr = re[y];
        double xi = im[y];
        double vr = xr * rr - xi * ri;
        double vi = xr * ri + xi * rr;
        re[x] = ur + vr;
        im[x] = ui + vi;
        re[y] = ur - vr;
        im[y] = ui - vi;
    }
}
