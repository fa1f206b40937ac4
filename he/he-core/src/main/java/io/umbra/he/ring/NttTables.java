package io.umbra.he.ring;

/**
 * Precomputed roots for the negacyclic NTT of size n modulo one prime q ≡ 1 (mod 2n), laid out as
 * SEAL lays them out: {@code rootPowers[bitrev(i)] = ψ^i} for the minimal primitive 2n-th root ψ,
 * each with its Shoup companion; inverse roots in the order the Gentleman–Sande passes read them.
 * The transforms themselves live in {@link Ntt}. Immutable and thread-safe.
 */
public final class NttTables {
    private final int logN;
    private final int n;
    private final Modulus modulus;
    private final long root;
    final long[] rootPowers;
    final long[] rootPowersShoup;
    final long[] invRootPowers;
    final long[] invRootPowersShoup;
    final long invN;
    final long invNShoup;
    /** The inverse transform's last root times 1/n, so its last pass does the scaling for free. */
    final long invNRoot;
    final long invNRootShoup;
    /**
     * Whether the forward transform may skip the per-butterfly correction: its values grow by 2q a
     * stage from below 4q, so (4 + 2·logN)·q must stay below 2^63.
     */
    final boolean forwardUnreduced;
    /** Whether the inverse may leave sums unreduced: they double each stage, to 2^(logN+1)·q ≤ 2^63. */
    final boolean inverseUnreduced;

    public NttTables(int logN, Modulus modulus) {
        if (logN < 1 || logN > 17) {
            throw new IllegalArgumentException("NTT size 2^" + logN + " is out of range");
        }
        this.logN = logN;
        this.n = 1 << logN;
        this.modulus = modulus;
        long q = modulus.value();
        if (Long.remainderUnsigned(q - 1, 2L * n) != 0 || !Primes.isPrime(q)) {
            throw new IllegalArgumentException("modulus " + Long.toUnsignedString(q) + " is not a prime ≡ 1 mod " + (2 * n));
        }
        this.root = minimalPrimitiveRoot(2L * n, modulus);
        long invRoot = modulus.inverse(root);

        rootPowers = new long[n];
        rootPowersShoup = new long[n];
        long power = root;
        rootPowers[0] = 1;
        for (int i = 1; i < n; i++) {
            rootPowers[reverseBits(i, logN)] = power;
            power = modulus.mul(power, root);
        }
        invRootPowers = new long[n];
        invRootPowersShoup = new long[n];
        invRootPowers[0] = 1;
        power = invRoot;
        for (int i = 1; i < n; i++) {
            invRootPowers[reverseBits(i - 1, logN) + 1] = power;
            power = modulus.mul(power, invRoot);
        }
        for (int i = 0; i < n; i++) {
            rootPowersShoup[i] = modulus.shoup(rootPowers[i]);
            invRootPowersShoup[i] = modulus.shoup(invRootPowers[i]);
        }
        invN = modulus.inverse(n);
        invNShoup = modulus.shoup(invN);
        invNRoot = modulus.mul(invRootPowers[n - 1], invN);
        invNRootShoup = modulus.shoup(invNRoot);
        forwardUnreduced = Long.compareUnsigned(q, Long.MAX_VALUE / (4 + 2L * logN)) < 0;
        inverseUnreduced = Long.numberOfLeadingZeros(q) >= logN + 2;
    }

    public int logN() {
        return logN;
    }

    public int n() {
        return n;
    }

    public Modulus modulus() {
        return modulus;
    }

    /** The minimal primitive 2n-th root of unity ψ used by SEAL. */
    public long root() {
        return root;
    }

    /** A copy of the forward roots (bit-reversed powers of ψ), for backends that keep their own tables. */
    public long[] rootPowers() {
        return rootPowers.clone();
    }

    /** A copy of the inverse roots in the order the inverse transform reads them. */
    public long[] invRootPowers() {
        return invRootPowers.clone();
    }

    /** n^{-1} mod q. */
    public long invN() {
        return invN;
    }

    public static int reverseBits(int x, int bits) {
        return bits == 0 ? 0 : Integer.reverse(x) >>> (32 - bits);
    }

    /**
     * The smallest primitive m-th root of unity mod q (m a power of two). Any primitive root r gives
     * all of them as r^odd; SEAL picks the smallest, so the NTT ordering is a function of q alone.
     */
    static long minimalPrimitiveRoot(long m, Modulus q) {
        long r = anyPrimitiveRoot(m, q);
        long rSquared = q.mul(r, r);
        long best = r;
        long current = r;
        for (long i = 0; i < m / 2; i++) {
            if (Long.compareUnsigned(current, best) < 0) {
                best = current;
            }
            current = q.mul(current, rSquared);
        }
        return best;
    }

    private static long anyPrimitiveRoot(long m, Modulus q) {
        long qv = q.value();
        long exponent = Long.divideUnsigned(qv - 1, m);
        // r = g^((q-1)/m) has order dividing m; it is primitive iff r^(m/2) = -1.
        for (long g = 2; g < 1_000_000; g++) {
            long r = q.pow(g, exponent);
            if (q.pow(r, m / 2) == qv - 1) {
                return r;
            }
        }
        throw new IllegalArgumentException("no primitive " + m + "-th root modulo " + Long.toUnsignedString(qv));
    }
}
