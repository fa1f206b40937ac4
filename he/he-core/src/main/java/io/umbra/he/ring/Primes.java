package io.umbra.he.ring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prime selection for the coefficient modulus, identical to SEAL's {@code CoeffModulus::Create}:
 * for each bit size b needed c times, scan down from the largest value below 2^b that is 1 mod 2N in
 * steps of 2N, keep the first c primes, and hand primes of one size out smallest first in the order
 * the sizes appear. Same inputs, same primes, same order: the parms_id depends on it.
 */
public final class Primes {
    /** SEAL's bounds on user-chosen coefficient-modulus primes. */
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 60;

    private Primes() {
    }

    public static long[] create(int polyModulusDegree, int... bitSizes) {
        if (Integer.bitCount(polyModulusDegree) != 1 || polyModulusDegree < 2) {
            throw new IllegalArgumentException("poly modulus degree must be a power of two, got " + polyModulusDegree);
        }
        if (bitSizes.length == 0) {
            throw new IllegalArgumentException("at least one bit size is needed");
        }
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int b : bitSizes) {
            if (b < MIN_BITS || b > MAX_BITS) {
                throw new IllegalArgumentException("coefficient modulus bit sizes must be between " + MIN_BITS + " and " + MAX_BITS + ", got " + b);
            }
            counts.merge(b, 1, Integer::sum);
        }
        long factor = 2L * polyModulusDegree;
        Map<Integer, List<Long>> found = new LinkedHashMap<>();
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            found.put(e.getKey(), descendingPrimes(factor, e.getKey(), e.getValue()));
        }
        long[] result = new long[bitSizes.length];
        for (int i = 0; i < bitSizes.length; i++) {
            List<Long> pool = found.get(bitSizes[i]);
            result[i] = pool.remove(pool.size() - 1); // smallest remaining first, as SEAL pops from the back
        }
        return result;
    }

    /** The first {@code count} primes ≡ 1 mod factor below 2^bits, largest first. */
    static List<Long> descendingPrimes(long factor, int bits, int count) {
        List<Long> primes = new ArrayList<>(count);
        long value = (1L << bits) - factor + 1;
        long lowerBound = 1L << (bits - 1);
        while (primes.size() < count && value > lowerBound) {
            if (isPrime(value)) {
                primes.add(value);
            }
            value -= factor;
        }
        if (primes.size() < count) {
            throw new IllegalArgumentException("not enough " + bits + "-bit primes ≡ 1 mod " + factor
                    + " (asked for " + count + ", found " + primes.size() + "): use larger bit sizes or fewer primes");
        }
        return primes;
    }

    /** Deterministic Miller-Rabin for all 64-bit inputs (these bases are proven sufficient below 2^64). */
    public static boolean isPrime(long n) {
        if (Long.compareUnsigned(n, 2) < 0) {
            return false;
        }
        long[] small = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
        for (long p : small) {
            if (n == p) {
                return true;
            }
            if (Long.remainderUnsigned(n, p) == 0) {
                return false;
            }
        }
        if (Long.compareUnsigned(n, 1L << 62) >= 0) {
            // Our Modulus handles up to 61 bits; nothing above that is ever a coefficient prime.
            return java.math.BigInteger.valueOf(n).isProbablePrime(64);
        }
        Modulus m = new Modulus(n);
        long d = n - 1;
        int s = Long.numberOfTrailingZeros(d);
        d >>>= s;
        outer:
        for (long a : small) {
            long x = m.pow(a, d);
            if (x == 1 || x == n - 1) {
                continue;
            }
            for (int r = 1; r < s; r++) {
                x = m.mul(x, x);
                if (x == n - 1) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }
}
