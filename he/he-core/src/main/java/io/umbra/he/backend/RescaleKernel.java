package io.umbra.he.backend;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.Ntt;
import io.umbra.he.ring.NttTables;

/**
 * Exact division by the last prime of a level, with rounding, on NTT-form RNS polynomials: the
 * step behind rescaling, behind public-key encryption (which encrypts one level up and divides the
 * noise away) and at the end of key switching (dividing by the special prime). Same arithmetic as
 * SEAL's {@code divide_and_round_q_last_ntt_inplace}, so results agree word for word.
 */
final class RescaleKernel {
    private RescaleKernel() {
    }

    /**
     * dst (k−1 primes) = round(src / q_last) for one polynomial src with the k primes of {@code moduli}.
     * src is left unchanged. dst may be src only if dstOff == srcOff (the first k−1 blocks are overwritten).
     */
    static void divideRoundLast(long[] src, int srcOff, Modulus[] moduli, NttTables[] ntt, long[] invLast, long[] invLastShoup,
                                long[] dst, int dstOff) {
        int n = ntt[0].n();
        int k = moduli.length;
        Modulus lastMod = moduli[k - 1];
        long last = lastMod.value();
        long half = last >>> 1;
        long[] tail = new long[n];
        System.arraycopy(src, srcOff + (k - 1) * n, tail, 0, n);
        Ntt.inverse(tail, 0, ntt[k - 1]);
        for (int c = 0; c < n; c++) {
            long s = tail[c] + half - last;
            tail[c] = s + ((s >> 63) & last);
        }
        long[] temp = new long[n];
        for (int i = 0; i < k - 1; i++) {
            Modulus qi = moduli[i];
            long q = qi.value();
            // Undo the +half (mod q_i) so the rounding offset cancels; temp stays below 2q_i.
            long negHalf = q - qi.reduce(half);
            if (q < last) {
                long ratio = qi.ratioHi();
                for (int c = 0; c < n; c++) {
                    long x = tail[c];
                    long r = x - Math.unsignedMultiplyHigh(x, ratio) * q - q; // Barrett: x mod q_i
                    temp[c] = r + ((r >> 63) & q) + negHalf;
                }
            } else {
                for (int c = 0; c < n; c++) {
                    temp[c] = tail[c] + negHalf;
                }
            }
            Ntt.forward(temp, 0, ntt[i]);
            long inv = invLast[i];
            long invS = invLastShoup[i];
            int s0 = srcOff + i * n;
            int d0 = dstOff + i * n;
            for (int c = 0; c < n; c++) {
                long diff = src[s0 + c] - temp[c];
                diff += (diff >> 63) & q;
                long r = diff * inv - Math.unsignedMultiplyHigh(diff, invS) * q - q;
                dst[d0 + c] = r + ((r >> 63) & q);
            }
        }
    }
}
