package io.umbra.he.ring;

/**
 * The negacyclic NTT and its inverse on one residue polynomial in place, with Harvey's lazy
 * butterflies: values stay in [0, 4q) between passes and Shoup constants replace divisions, so a
 * butterfly costs one high and two low multiplications. Output is reduced to [0, q) and ordered
 * exactly as SEAL's {@code ntt_negacyclic_harvey} orders it (bit-reversed).
 */
public final class Ntt {
    private Ntt() {
    }

    /** Forward transform of a[off .. off+n) with inputs in [0, 4q); outputs in [0, q). */
    public static void forward(long[] a, int off, NttTables t) {
        forwardLazy(a, off, t);
        long q = t.modulus().value();
        long twoQ = q << 1;
        int end = off + t.n();
        for (int i = off; i < end; i++) {
            long x = a[i] - twoQ;
            x += (x >> 63) & twoQ;
            x -= q;
            a[i] = x + ((x >> 63) & q);
        }
    }

    /** Forward transform leaving outputs in [0, 4q) for callers that reduce later. */
    public static void forwardLazy(long[] a, int off, NttTables t) {
        final long q = t.modulus().value();
        final long twoQ = q << 1;
        final long[] w = t.rootPowers;
        final long[] ws = t.rootPowersShoup;
        final int n = t.n();
        int rootIndex = 0;
        for (int m = 1, gap = n >>> 1; m < n; m <<= 1, gap >>>= 1) {
            int start = off;
            for (int i = 0; i < m; i++) {
                rootIndex++;
                final long r = w[rootIndex];
                final long rs = ws[rootIndex];
                final int stop = start + gap;
                for (int j = start; j < stop; j++) {
                    long u = a[j];
                    u -= twoQ;
                    u += (u >> 63) & twoQ; // branch-free: data-dependent branches mispredict half the time
                    long y = a[j + gap];
                    long v = y * r - Math.unsignedMultiplyHigh(y, rs) * q; // in [0, 2q)
                    a[j] = u + v;
                    a[j + gap] = u - v + twoQ;
                }
                start += gap << 1;
            }
        }
    }

    /** Inverse transform of a[off .. off+n) with inputs in [0, 2q); outputs in [0, q). Includes the 1/n. */
    public static void inverse(long[] a, int off, NttTables t) {
        inverseLazy(a, off, t);
        long q = t.modulus().value();
        int end = off + t.n();
        for (int i = off; i < end; i++) {
            long x = a[i] - q;
            a[i] = x + ((x >> 63) & q);
        }
    }

    /** Inverse transform leaving outputs in [0, 2q). */
    public static void inverseLazy(long[] a, int off, NttTables t) {
        final long q = t.modulus().value();
        final long twoQ = q << 1;
        final long[] w = t.invRootPowers;
        final long[] ws = t.invRootPowersShoup;
        final int n = t.n();
        int rootIndex = 0;
        int gap = 1;
        for (int m = n >>> 1; m > 1; m >>>= 1, gap <<= 1) {
            int start = off;
            for (int i = 0; i < m; i++) {
                rootIndex++;
                final long r = w[rootIndex];
                final long rs = ws[rootIndex];
                final int stop = start + gap;
                for (int j = start; j < stop; j++) {
                    long u = a[j];
                    long v = a[j + gap];
                    long s = u + v - twoQ;
                    a[j] = s + ((s >> 63) & twoQ);
                    long d = u - v + twoQ;
                    a[j + gap] = d * r - Math.unsignedMultiplyHigh(d, rs) * q;
                }
                start += gap << 1;
            }
        }
        // Last pass folds the multiplication by 1/n into both halves of the butterfly.
        rootIndex++;
        final long invN = t.invN;
        final long invNs = t.invNShoup;
        final Modulus mod = t.modulus();
        final long scaledR = mod.mul(w[rootIndex], invN);
        final long scaledRs = mod.shoup(scaledR);
        for (int j = off, stop = off + gap; j < stop; j++) {
            long u = a[j];
            long v = a[j + gap];
            long s = u + v - twoQ;
            s += (s >> 63) & twoQ;
            a[j] = s * invN - Math.unsignedMultiplyHigh(s, invNs) * q;
            long d = u - v + twoQ;
            a[j + gap] = d * scaledR - Math.unsignedMultiplyHigh(d, scaledRs) * q;
        }
    }
}
