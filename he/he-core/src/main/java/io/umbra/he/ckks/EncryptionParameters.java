package io.umbra.he.ckks;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.Primes;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * CKKS encryption parameters: the polynomial degree N and the coefficient modulus (a list of
 * distinct primes ≡ 1 mod 2N, the last one the special key-switching prime). Construction validates
 * everything, including 128-bit security, so an instance that exists is one Umbra will use.
 */
public final class EncryptionParameters {
    /** SEAL's scheme byte for CKKS. */
    public static final int SCHEME_CKKS = 2;

    private final int polyModulusDegree;
    private final Modulus[] coeffModulus;

    private EncryptionParameters(int n, long[] primes) {
        validate(n, primes);
        this.polyModulusDegree = n;
        this.coeffModulus = new Modulus[primes.length];
        for (int i = 0; i < primes.length; i++) {
            coeffModulus[i] = new Modulus(primes[i]);
        }
    }

    /** Primes chosen exactly as SEAL's {@code CoeffModulus::Create(n, bitSizes)} chooses them. */
    public static EncryptionParameters create(int n, int... bitSizes) {
        checkDegree(n);
        int total = Arrays.stream(bitSizes).sum();
        int max = SecurityStandard.maxBitCount128(n);
        if (total > max) {
            throw new IllegalArgumentException("coefficient modulus of " + total + " bits " + Arrays.toString(bitSizes)
                    + " is above the 128-bit security bound for N=" + n + ": at most " + max + " bits (HomomorphicEncryption.org standard)");
        }
        return new EncryptionParameters(n, Primes.create(n, bitSizes));
    }

    /** Explicit primes, e.g. read from a SEAL parameters file. */
    public static EncryptionParameters ofPrimes(int n, long... primes) {
        return new EncryptionParameters(n, primes.clone());
    }

    private static void checkDegree(int n) {
        if (SecurityStandard.maxBitCount128(n) == 0) {
            throw new IllegalArgumentException("poly modulus degree " + n + " is not supported: use one of "
                    + Arrays.toString(SecurityStandard.DEGREES));
        }
    }

    private static void validate(int n, long[] primes) {
        checkDegree(n);
        if (primes.length == 0) {
            throw new IllegalArgumentException("the coefficient modulus needs at least one prime");
        }
        int totalBits = 0;
        Set<Long> seen = new HashSet<>();
        for (long p : primes) {
            int bits = 64 - Long.numberOfLeadingZeros(p);
            if (p <= 0 || bits > Primes.MAX_BITS || bits < Primes.MIN_BITS) {
                throw new IllegalArgumentException("coefficient modulus prime " + Long.toUnsignedString(p)
                        + " has " + bits + " bits: each prime must have " + Primes.MIN_BITS + " to " + Primes.MAX_BITS + " bits");
            }
            if (Long.remainderUnsigned(p - 1, 2L * n) != 0) {
                throw new IllegalArgumentException("coefficient modulus value " + p + " is not ≡ 1 mod 2N = " + (2L * n)
                        + ": every prime must be 1 mod " + (2L * n) + " (e.g. those of CoeffModulus.create(" + n + ", bits))");
            }
            if (!Primes.isPrime(p)) {
                throw new IllegalArgumentException("coefficient modulus value " + p + " is not prime");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException("coefficient modulus prime " + p + " appears twice: primes must be distinct");
            }
            totalBits += bits;
        }
        int max = SecurityStandard.maxBitCount128(n);
        if (totalBits > max) {
            throw new IllegalArgumentException("coefficient modulus of " + totalBits + " bits is above the 128-bit security bound for N="
                    + n + ": at most " + max + " bits (HomomorphicEncryption.org standard); use fewer or smaller primes, or a larger N");
        }
    }

    public int polyModulusDegree() {
        return polyModulusDegree;
    }

    public Modulus[] coeffModulus() {
        return coeffModulus.clone();
    }

    public long[] primes() {
        long[] p = new long[coeffModulus.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = coeffModulus[i].value();
        }
        return p;
    }

    public int totalBitCount() {
        int total = 0;
        for (Modulus m : coeffModulus) {
            total += m.bitCount();
        }
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptionParameters p && p.polyModulusDegree == polyModulusDegree && Arrays.equals(p.primes(), primes());
    }

    @Override
    public int hashCode() {
        return 31 * polyModulusDegree + Arrays.hashCode(primes());
    }

    @Override
    public String toString() {
        return "CKKS(N=" + polyModulusDegree + ", primes=" + Arrays.toString(coeffModulus) + ")";
    }
}
