package io.umbra.he.ring;

import java.util.Objects;

/**
 * The negacyclic NTT and its inverse on one residue polynomial in place, with Harvey's lazy
 * butterflies: Shoup constants replace divisions, so a butterfly costs one high and two low
 * multiplications and no branch, and values are only partly reduced between stages. Output is
 * reduced to [0, q) and ordered exactly as SEAL's {@code ntt_negacyclic_harvey} orders it
 * (bit-reversed); being the unique reduced residues, the words equal SEAL's.
 *
 * <p>Why it looks like this: the multiplier is the bottleneck, so everything else is kept out of
 * its way.
 * <ul>
 *   <li>Below about 2^48 (every prime of sets (b) and the 40-bit primes of (a), (c)) there is room
 *       in a word to let values grow: the forward transform skips Harvey's per-butterfly correction
 *       (values grow by at most 2q a stage) and the inverse lets its sums double each stage; one
 *       reduction at the end replaces a correction per butterfly. Larger primes keep Harvey's
 *       bounds ([0, 4q) forward, [0, 2q) inverse).</li>
 *   <li>Unreduced forward stages go in pairs (radix 4): four words in registers, half the loads and
 *       stores (about 15% faster here; the same merge measured slower for the inverse).</li>
 *   <li>Stages with gaps 1, 2 and 4 run one loop over the roots with the whole group in registers:
 *       a loop over j there would run one to four iterations, and its set-up would cost more than
 *       the butterflies.</li>
 *   <li>The final reduction (and the inverse's 1/n) is folded into the last stage, and every loop
 *       runs over an exact index range of one array, so HotSpot hoists the bounds checks.</li>
 * </ul>
 */
public final class Ntt {
    private Ntt() {
    }

    /** Forward transform of a[off .. off+n) with inputs in [0, 4q); outputs in [0, q). */
    public static void forward(long[] a, int off, NttTables t) {
        final int n = t.n();
        Objects.checkFromIndexSize(off, n, a.length);
        final long q = t.modulus().value();
        final long[] w = t.rootPowers;
        final long[] ws = t.rootPowersShoup;
        final boolean harvey = !t.forwardUnreduced;
        int m = 1;
        int gap = n >>> 1;
        if (harvey) {
            for (; gap >= 8; m <<= 1, gap >>>= 1) {
                forwardStageHarvey(a, off, w, ws, q, m, gap);
            }
        } else {
            // Stages with gaps 2^(logN−1) … 4 in pairs (one radix-2 stage first if their number is odd).
            if (gap >= 4 && (Integer.numberOfTrailingZeros(gap) & 1) == 0) {
                forwardStage(a, off, w, ws, q, m, gap);
                m <<= 1;
                gap >>>= 1;
            }
            for (; gap >= 8; m <<= 2, gap >>>= 2) {
                forwardRadix4(a, off, w, ws, q, m, gap >>> 1);
            }
        }
        if (gap == 4) {
            forwardGap4(a, off, w, ws, q, m, harvey);
            m <<= 1;
            gap = 2;
        }
        long ratio = t.modulus().ratioHi();
        if (gap == 2) {
            forwardGap2(a, off, w, ws, q, m, harvey, ratio);
            m <<= 1;
        }
        forwardGap1(a, off, w, ws, q, m);
    }

    /** Forward transform for callers that reduce later; this implementation reduces anyway. */
    public static void forwardLazy(long[] a, int off, NttTables t) {
        forward(a, off, t);
    }

    /** Inverse transform of a[off .. off+n) with inputs in [0, 2q); outputs in [0, q). Includes the 1/n. */
    public static void inverse(long[] a, int off, NttTables t) {
        final int n = t.n();
        Objects.checkFromIndexSize(off, n, a.length);
        final long q = t.modulus().value();
        final long[] w = t.invRootPowers;
        final long[] ws = t.invRootPowersShoup;
        final boolean harvey = !t.inverseUnreduced;
        // bound: every input of the next stage is below it; Harvey keeps it at 2q, else it doubles.
        long bound = q << 1;
        int m = n >>> 1;
        int gap = 1;
        if (m > 1) {
            inverseGap1(a, off, w, ws, q, m, bound, harvey);
            bound = harvey ? bound : bound << 1;
            m >>>= 1;
            gap = 2;
        }
        if (m > 1) {
            inverseGap2(a, off, w, ws, q, n - 2 * m + 1, m, bound, harvey);
            bound = harvey ? bound : bound << 1;
            m >>>= 1;
            gap = 4;
        }
        if (m > 1) {
            inverseGap4(a, off, w, ws, q, n - 2 * m + 1, m, bound, harvey);
            bound = harvey ? bound : bound << 1;
            m >>>= 1;
            gap = 8;
        }
        if (harvey) {
            for (; m > 1; m >>>= 1, gap <<= 1) {
                inverseStageHarvey(a, off, w, ws, q, n - 2 * m + 1, m, gap);
            }
        } else {
            // Radix-2 here: merging pairs of inverse stages measured slower (unlike the forward ones).
            for (; m > 1; m >>>= 1, gap <<= 1) {
                inverseStage(a, off, w, ws, q, n - 2 * m + 1, m, gap, bound);
                bound <<= 1;
            }
        }
        inverseLast(a, off, t, q, gap, bound, harvey);
    }

    /** Inverse transform for callers that reduce later; this implementation reduces anyway. */
    public static void inverseLazy(long[] a, int off, NttTables t) {
        inverse(a, off, t);
    }

    // ---- forward (Cooley–Tukey; stage with m groups uses roots m .. 2m−1) ----

    /** One stage: m groups of 2·gap words; unreduced, outputs exceed inputs by at most 2q. */
    private static void forwardStage(long[] a, int off, long[] w, long[] ws, long q, int m, int gap) {
        final long twoQ = q << 1;
        for (int i = 0; i < m; i++) {
            final long r = w[m + i];
            final long rs = ws[m + i];
            final int x0 = off + 2 * i * gap;
            final int x1 = x0 + gap;
            for (int j = 0; j < gap; j++) {
                long u = a[x0 + j];
                long y = a[x1 + j];
                long v = y * r - Math.unsignedMultiplyHigh(y, rs) * q; // in [0, 2q) for any y
                a[x0 + j] = u + v;
                a[x1 + j] = u - v + twoQ;
            }
        }
    }

    /**
     * Unreduced stages (m, 2h) and (2m, h) at once: with the four words x0..x3 at distance h of
     * group i, (x0, x2) and (x1, x3) with root m + i, then (x0, x1) with root 2m + 2i and (x2, x3)
     * with root 2m + 2i + 1. Half the loads and stores of two radix-2 stages.
     */
    private static void forwardRadix4(long[] a, int off, long[] w, long[] ws, long q, int m, int h) {
        final long twoQ = q << 1;
        for (int i = 0; i < m; i++) {
            final long r1 = w[m + i];
            final long r1s = ws[m + i];
            final long r2 = w[2 * m + 2 * i];
            final long r2s = ws[2 * m + 2 * i];
            final long r3 = w[2 * m + 2 * i + 1];
            final long r3s = ws[2 * m + 2 * i + 1];
            final int b0 = off + 4 * i * h;
            final int b1 = b0 + h;
            final int b2 = b1 + h;
            final int b3 = b2 + h;
            for (int j = 0; j < h; j++) {
                long x0 = a[b0 + j];
                long x1 = a[b1 + j];
                long x2 = a[b2 + j];
                long x3 = a[b3 + j];
                long v = x2 * r1 - Math.unsignedMultiplyHigh(x2, r1s) * q;
                x2 = x0 - v + twoQ;
                x0 += v;
                v = x3 * r1 - Math.unsignedMultiplyHigh(x3, r1s) * q;
                x3 = x1 - v + twoQ;
                x1 += v;
                v = x1 * r2 - Math.unsignedMultiplyHigh(x1, r2s) * q;
                a[b0 + j] = x0 + v;
                a[b1 + j] = x0 - v + twoQ;
                v = x3 * r3 - Math.unsignedMultiplyHigh(x3, r3s) * q;
                a[b2 + j] = x2 + v;
                a[b3 + j] = x2 - v + twoQ;
            }
        }
    }

    /** Harvey's stage: inputs in [0, 4q), u brought to [0, 2q) first, outputs in [0, 4q). */
    private static void forwardStageHarvey(long[] a, int off, long[] w, long[] ws, long q, int m, int gap) {
        final long twoQ = q << 1;
        for (int i = 0; i < m; i++) {
            final long r = w[m + i];
            final long rs = ws[m + i];
            final int x0 = off + 2 * i * gap;
            final int x1 = x0 + gap;
            for (int j = 0; j < gap; j++) {
                long u = reduce2q(a[x0 + j], twoQ); // branch-free: data-dependent branches mispredict half the time
                long y = a[x1 + j];
                long v = y * r - Math.unsignedMultiplyHigh(y, rs) * q;
                a[x0 + j] = u + v;
                a[x1 + j] = u - v + twoQ;
            }
        }
    }

    private static long reduce2q(long u, long twoQ) {
        u -= twoQ;
        return u + ((u >> 63) & twoQ);
    }

    /** The stage with gap 4: one group of eight words per root. */
    private static void forwardGap4(long[] a, int off, long[] w, long[] ws, long q, int m, boolean harvey) {
        final long twoQ = q << 1;
        for (int i = 0; i < m; i++) {
            final long r = w[m + i];
            final long rs = ws[m + i];
            final int b = off + 8 * i;
            long u0 = a[b];
            long u1 = a[b + 1];
            long u2 = a[b + 2];
            long u3 = a[b + 3];
            if (harvey) {
                u0 = reduce2q(u0, twoQ);
                u1 = reduce2q(u1, twoQ);
                u2 = reduce2q(u2, twoQ);
                u3 = reduce2q(u3, twoQ);
            }
            long y0 = a[b + 4];
            long y1 = a[b + 5];
            long y2 = a[b + 6];
            long y3 = a[b + 7];
            long v0 = y0 * r - Math.unsignedMultiplyHigh(y0, rs) * q;
            long v1 = y1 * r - Math.unsignedMultiplyHigh(y1, rs) * q;
            long v2 = y2 * r - Math.unsignedMultiplyHigh(y2, rs) * q;
            long v3 = y3 * r - Math.unsignedMultiplyHigh(y3, rs) * q;
            a[b] = u0 + v0;
            a[b + 1] = u1 + v1;
            a[b + 2] = u2 + v2;
            a[b + 3] = u3 + v3;
            a[b + 4] = u0 - v0 + twoQ;
            a[b + 5] = u1 - v1 + twoQ;
            a[b + 6] = u2 - v2 + twoQ;
            a[b + 7] = u3 - v3 + twoQ;
        }
    }

    /**
     * The stage with gap 2 (one group of four words per root), outputs in [0, 4q): unreduced inputs
     * are first brought below 2q by a Barrett step (ratio = floor(2^64 / q)) on the two words that
     * are not multiplied, so the last stage can run on Harvey's bounds.
     */
    private static void forwardGap2(long[] a, int off, long[] w, long[] ws, long q, int m, boolean harvey, long ratio) {
        final long twoQ = q << 1;
        for (int i = 0; i < m; i++) {
            final long r = w[m + i];
            final long rs = ws[m + i];
            final int b = off + 4 * i;
            long u0 = a[b];
            long u1 = a[b + 1];
            if (harvey) {
                u0 = reduce2q(u0, twoQ);
                u1 = reduce2q(u1, twoQ);
            } else {
                u0 -= Math.unsignedMultiplyHigh(u0, ratio) * q;
                u1 -= Math.unsignedMultiplyHigh(u1, ratio) * q;
            }
            long y0 = a[b + 2];
            long y1 = a[b + 3];
            long v0 = y0 * r - Math.unsignedMultiplyHigh(y0, rs) * q;
            long v1 = y1 * r - Math.unsignedMultiplyHigh(y1, rs) * q;
            a[b] = u0 + v0;
            a[b + 1] = u1 + v1;
            a[b + 2] = u0 - v0 + twoQ;
            a[b + 3] = u1 - v1 + twoQ;
        }
    }

    /** x in [0, 4q) to [0, q), branch-free. */
    private static long reduce4q(long x, long q, long twoQ) {
        x = reduce2q(x, twoQ);
        x -= q;
        return x + ((x >> 63) & q);
    }

    /**
     * The last stage (gap 1), inputs in [0, 4q), outputs reduced to [0, q). With n = 2 it is the only
     * stage and its inputs may be anywhere in [0, 4q) too.
     */
    private static void forwardGap1(long[] a, int off, long[] w, long[] ws, long q, int m) {
        final long twoQ = q << 1;
        for (int i = 0; i < m; i++) {
            final long r = w[m + i];
            final long rs = ws[m + i];
            final int b = off + 2 * i;
            long u = reduce2q(a[b], twoQ);
            long y = a[b + 1];
            long v = y * r - Math.unsignedMultiplyHigh(y, rs) * q;
            a[b] = reduce4q(u + v, q, twoQ);
            a[b + 1] = reduce4q(u - v + twoQ, q, twoQ);
        }
    }

    // ---- inverse (Gentleman–Sande; stage with m groups uses inverse roots n−2m+1 .. n−m) ----

    /*
     * Each stage takes inputs below `bound`. Harvey: sums are brought back to [0, 2q) and bound stays
     * 2q. Unreduced: sums are left alone, so the next bound is twice this one; differences are
     * offset by `bound` to stay non-negative. Either way the Shoup product is in [0, 2q).
     */

    /** One unreduced stage: sums left alone (the next bound is twice this one), differences offset by bound. */
    private static void inverseStage(long[] a, int off, long[] w, long[] ws, long q, int root0, int m, int gap, long bound) {
        for (int i = 0; i < m; i++) {
            final long r = w[root0 + i];
            final long rs = ws[root0 + i];
            final int x0 = off + 2 * i * gap;
            final int x1 = x0 + gap;
            for (int j = 0; j < gap; j++) {
                long u = a[x0 + j];
                long v = a[x1 + j];
                a[x0 + j] = u + v;
                long d = u - v + bound;
                a[x1 + j] = d * r - Math.unsignedMultiplyHigh(d, rs) * q;
            }
        }
    }

    private static void inverseStageHarvey(long[] a, int off, long[] w, long[] ws, long q, int root0, int m, int gap) {
        final long twoQ = q << 1;
        for (int i = 0; i < m; i++) {
            final long r = w[root0 + i];
            final long rs = ws[root0 + i];
            final int x0 = off + 2 * i * gap;
            final int x1 = x0 + gap;
            for (int j = 0; j < gap; j++) {
                long u = a[x0 + j];
                long v = a[x1 + j];
                a[x0 + j] = reduce2q(u + v, twoQ);
                long d = u - v + twoQ;
                a[x1 + j] = d * r - Math.unsignedMultiplyHigh(d, rs) * q;
            }
        }
    }

    private static void inverseGap1(long[] a, int off, long[] w, long[] ws, long q, int m, long bound, boolean harvey) {
        for (int i = 0; i < m; i++) {
            final long r = w[1 + i];
            final long rs = ws[1 + i];
            final int b = off + 2 * i;
            long u = a[b];
            long v = a[b + 1];
            long s = u + v;
            a[b] = harvey ? reduce2q(s, bound) : s;
            long d = u - v + bound;
            a[b + 1] = d * r - Math.unsignedMultiplyHigh(d, rs) * q;
        }
    }

    private static void inverseGap2(long[] a, int off, long[] w, long[] ws, long q, int root0, int m, long bound, boolean harvey) {
        for (int i = 0; i < m; i++) {
            final long r = w[root0 + i];
            final long rs = ws[root0 + i];
            final int b = off + 4 * i;
            long u0 = a[b];
            long u1 = a[b + 1];
            long v0 = a[b + 2];
            long v1 = a[b + 3];
            long s0 = u0 + v0;
            long s1 = u1 + v1;
            if (harvey) {
                s0 = reduce2q(s0, bound);
                s1 = reduce2q(s1, bound);
            }
            long d0 = u0 - v0 + bound;
            long d1 = u1 - v1 + bound;
            a[b] = s0;
            a[b + 1] = s1;
            a[b + 2] = d0 * r - Math.unsignedMultiplyHigh(d0, rs) * q;
            a[b + 3] = d1 * r - Math.unsignedMultiplyHigh(d1, rs) * q;
        }
    }

    private static void inverseGap4(long[] a, int off, long[] w, long[] ws, long q, int root0, int m, long bound, boolean harvey) {
        for (int i = 0; i < m; i++) {
            final long r = w[root0 + i];
            final long rs = ws[root0 + i];
            final int b = off + 8 * i;
            long u0 = a[b];
            long u1 = a[b + 1];
            long u2 = a[b + 2];
            long u3 = a[b + 3];
            long v0 = a[b + 4];
            long v1 = a[b + 5];
            long v2 = a[b + 6];
            long v3 = a[b + 7];
            long s0 = u0 + v0;
            long s1 = u1 + v1;
            long s2 = u2 + v2;
            long s3 = u3 + v3;
            if (harvey) {
                s0 = reduce2q(s0, bound);
                s1 = reduce2q(s1, bound);
                s2 = reduce2q(s2, bound);
                s3 = reduce2q(s3, bound);
            }
            long d0 = u0 - v0 + bound;
            long d1 = u1 - v1 + bound;
            long d2 = u2 - v2 + bound;
            long d3 = u3 - v3 + bound;
            a[b] = s0;
            a[b + 1] = s1;
            a[b + 2] = s2;
            a[b + 3] = s3;
            a[b + 4] = d0 * r - Math.unsignedMultiplyHigh(d0, rs) * q;
            a[b + 5] = d1 * r - Math.unsignedMultiplyHigh(d1, rs) * q;
            a[b + 6] = d2 * r - Math.unsignedMultiplyHigh(d2, rs) * q;
            a[b + 7] = d3 * r - Math.unsignedMultiplyHigh(d3, rs) * q;
        }
    }

    /**
     * The last stage (one group, gap n/2) also multiplies by 1/n: the sum by n^{-1}, the difference
     * by the last root times n^{-1} (precomputed), and reduces both to [0, q). A Shoup product takes
     * any 64-bit input, so the unreduced sums need no correction first.
     */
    private static void inverseLast(long[] a, int off, NttTables t, long q, int gap, long bound, boolean harvey) {
        final long invN = t.invN;
        final long invNs = t.invNShoup;
        final long sr = t.invNRoot;
        final long srs = t.invNRootShoup;
        final int x1 = off + gap;
        for (int j = 0; j < gap; j++) {
            long u = a[off + j];
            long v = a[x1 + j];
            long s = u + v;
            if (harvey) {
                s = reduce2q(s, bound);
            }
            long d = u - v + bound;
            long y0 = s * invN - Math.unsignedMultiplyHigh(s, invNs) * q;
            long y1 = d * sr - Math.unsignedMultiplyHigh(d, srs) * q;
            y0 -= q;
            y0 += (y0 >> 63) & q;
            y1 -= q;
            y1 += (y1 >> 63) & q;
            a[off + j] = y0;
            a[x1 + j] = y1;
        }
    }
}
