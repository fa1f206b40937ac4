package io.umbra.he.ckks;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.NttTables;

/**
 * One level of the modulus chain: its primes, NTT tables, parms_id, and the constants for dividing
 * by its last prime (rescaling, and the final step of public-key encryption and key switching).
 * Levels are created by {@link CkksContext} and shared; immutable.
 */
public final class ContextData {
    private final CkksContext context;
    private final int chainIndex;
    private final ParmsId parmsId;
    private final Modulus[] moduli;
    private final long[] primes;
    private final NttTables[] ntt;
    private final int totalBitCount;
    /** q_last^{-1} mod q_i for i below the last prime, with Shoup companions. */
    final long[] invLastModQi;
    final long[] invLastModQiShoup;
    ContextData next;
    ContextData prev;

    ContextData(CkksContext context, int chainIndex, ParmsId parmsId, Modulus[] moduli, NttTables[] ntt) {
        this.context = context;
        this.chainIndex = chainIndex;
        this.parmsId = parmsId;
        this.moduli = moduli;
        this.ntt = ntt;
        this.primes = new long[moduli.length];
        int bits = 0;
        for (int i = 0; i < moduli.length; i++) {
            primes[i] = moduli[i].value();
            bits += moduli[i].bitCount();
        }
        this.totalBitCount = bits;
        int k = moduli.length;
        invLastModQi = new long[Math.max(0, k - 1)];
        invLastModQiShoup = new long[Math.max(0, k - 1)];
        for (int i = 0; i < k - 1; i++) {
            invLastModQi[i] = moduli[i].inverse(moduli[i].reduce(primes[k - 1]));
            invLastModQiShoup[i] = moduli[i].shoup(invLastModQi[i]);
        }
    }

    public CkksContext context() {
        return context;
    }

    /** SEAL's chain index: 0 at the last level, highest at the key level. */
    public int chainIndex() {
        return chainIndex;
    }

    public ParmsId parmsId() {
        return parmsId;
    }

    public Modulus[] moduli() {
        return moduli;
    }

    /** Number of primes at this level. */
    public int primeCount() {
        return moduli.length;
    }

    public long[] primes() {
        return primes;
    }

    public NttTables[] ntt() {
        return ntt;
    }

    public int totalBitCount() {
        return totalBitCount;
    }

    /** The next lower level (one prime fewer), or null at the last level. */
    public ContextData next() {
        return next;
    }

    /** The next higher level, or null at the key level. */
    public ContextData prev() {
        return prev;
    }

    public int n() {
        return context.n();
    }

    @Override
    public String toString() {
        return "level " + chainIndex + " (" + moduli.length + " primes, parms_id " + parmsId + ")";
    }
}
