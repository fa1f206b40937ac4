package io.umbra.he.ring;

/**
 * An odd word-sized modulus q (2 ≤ bits ≤ 61) with its Barrett constant, so reductions cost two
 * multiplications and no division. Values are unsigned 64-bit words held in {@code long}.
 * Immutable and thread-safe.
 */
public final class Modulus {
    /** SEAL refuses user moduli above 60 bits; lazy NTT butterflies need 4q < 2^64. */
    public static final int MAX_BITS = 61;

    private final long value;
    private final int bitCount;
    /** floor(2^128 / q) as (hi, lo); hi is non-zero only for tiny moduli. */
    private final long ratioHi;
    private final long ratioLo;
    /** bitCount − 1 and floor(2^(64 + shift) / q) < 2^64: the one-word Barrett of {@link #reduceWide}. */
    private final int wideShift;
    private final long wideRatio;

    public Modulus(long value) {
        if (value < 2 || Long.numberOfLeadingZeros(value) < 64 - MAX_BITS) {
            throw new IllegalArgumentException("modulus must be between 2 and 2^" + MAX_BITS + ", got " + Long.toUnsignedString(value));
        }
        this.value = value;
        this.bitCount = 64 - Long.numberOfLeadingZeros(value);
        // floor(2^128 / q) by long division of the 3-word number 1·2^128 by q, one word at a time.
        // floor(2^128 / q) fits in two words because q >= 2 (q = 2 gives exactly 2^127).
        long[] qr = divide128(1L % value, 0L, value);
        long[] low = divide128(qr[1], 0L, value);
        this.ratioHi = qr[0];
        this.ratioLo = low[0];
        this.wideShift = bitCount - 1;
        // floor(2^(64+s) / q) = floor(floor(2^128 / q) / 2^(64-s)); below 2^64 because q > 2^s,
        // unless q is a power of two (then 0 here, and reduceWide masks instead).
        this.wideRatio = Long.bitCount(value) == 1 ? 0 : (ratioHi << wideShift) | (ratioLo >>> (64 - wideShift));
    }

    /** (hi·2^64 + lo) / d for hi &lt; d: returns {quotient, remainder}. Only used to set up constants. */
    private static long[] divide128(long hi, long lo, long d) {
        java.math.BigInteger n = java.math.BigInteger.valueOf(hi).and(U64).shiftLeft(64).or(java.math.BigInteger.valueOf(lo).and(U64));
        java.math.BigInteger[] r = n.divideAndRemainder(java.math.BigInteger.valueOf(d));
        return new long[]{r[0].longValue(), r[1].longValue()};
    }

    private static final java.math.BigInteger U64 = java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);

    public long value() {
        return value;
    }

    public int bitCount() {
        return bitCount;
    }

    /** High word of floor(2^128 / q). */
    public long ratioHi() {
        return ratioHi;
    }

    /** Low word of floor(2^128 / q). */
    public long ratioLo() {
        return ratioLo;
    }

    /** x mod q for any unsigned 64-bit x. */
    public long reduce(long x) {
        // Barrett with floor(2^64 * ratioHi ...) : q·floor(x·ratioHi / 2^64) is within 2q of x.
        long quot = Math.unsignedMultiplyHigh(x, ratioHi);
        long r = x - quot * value;
        return Long.compareUnsigned(r, value) >= 0 ? r - value : r;
    }

    /** (hi·2^64 + lo) mod q for any unsigned 128-bit input. */
    public long reduce128(long hi, long lo) {
        // Barrett: estimate floor(x / q) by the top words of x · floor(2^128/q) / 2^128.
        long carry = Math.unsignedMultiplyHigh(lo, ratioLo);
        long t2lo = lo * ratioHi;
        long t2hi = Math.unsignedMultiplyHigh(lo, ratioHi);
        long sum = t2lo + carry;
        long c1 = Long.compareUnsigned(sum, t2lo) < 0 ? 1 : 0;
        long t1 = t2hi + c1;
        long t3lo = hi * ratioLo;
        long t3hi = Math.unsignedMultiplyHigh(hi, ratioLo);
        long s2 = sum + t3lo;
        long c2 = Long.compareUnsigned(s2, sum) < 0 ? 1 : 0;
        long quot = hi * ratioHi + t1 + t3hi + c2;
        long r = lo - quot * value;
        return Long.compareUnsigned(r, value) >= 0 ? r - value : r;
    }

    /**
     * (hi·2^64 + lo) mod q for inputs below 2^(63 + bitCount) — every product of two reduced values,
     * and sums of up to 2^(63 − bitCount) of them. Four multiplications fewer than {@link #reduce128}:
     * the input shifted right by bitCount − 1 fits a word, one high product with floor(2^(64+s)/q)
     * estimates the quotient at most 2 short, and two corrections finish.
     */
    public long reduceWide(long hi, long lo) {
        if (wideRatio == 0) {
            return lo & (value - 1); // q = 2^s
        }
        int s = wideShift;
        long top = (hi << (64 - s)) | (lo >>> s); // s >= 1: q >= 2 has at least 2 bits
        long r = lo - Math.unsignedMultiplyHigh(top, wideRatio) * value; // in [0, 3q)
        r -= value;
        r += (r >> 63) & value;
        r -= value;
        return r + ((r >> 63) & value);
    }

    /**
     * {@link #reduceWide} without the final corrections: a value congruent to the input, in [0, 3q),
     * for callers whose next step takes any word (a Shoup product) or adds q's anyway.
     */
    public long reduceWideLazy(long hi, long lo) {
        if (wideRatio == 0) {
            return lo & (value - 1);
        }
        int s = wideShift;
        long top = (hi << (64 - s)) | (lo >>> s);
        return lo - Math.unsignedMultiplyHigh(top, wideRatio) * value;
    }

    /** floor(2^(64 + s) / q) for s = {@link #bitCount()} − 1, the constant of {@link #reduceWide}. */
    public long wideRatio() {
        return wideRatio;
    }

    /** a·b mod q for a, b in [0, q). */
    public long mul(long a, long b) {
        return reduceWide(Math.unsignedMultiplyHigh(a, b), a * b);
    }

    public long add(long a, long b) {
        long s = a + b;
        return Long.compareUnsigned(s, value) >= 0 ? s - value : s;
    }

    public long sub(long a, long b) {
        return Long.compareUnsigned(a, b) < 0 ? a - b + value : a - b;
    }

    public long negate(long a) {
        return a == 0 ? 0 : value - a;
    }

    /** floor(b · 2^64 / q), the Shoup companion of a constant b in [0, q). */
    public long shoup(long b) {
        if (Long.compareUnsigned(b, value) >= 0) {
            throw new IllegalArgumentException("Shoup constants need b < q");
        }
        // Estimate with floor(2^128/q): b·ratio / 2^64 is at most 2 below the quotient; the remainder
        // b·2^64 − est·q is then below 3q < 2^64, so its low word is exact and corrects the estimate.
        long est = b * ratioHi + Math.unsignedMultiplyHigh(b, ratioLo);
        long rem = -(est * value);
        while (Long.compareUnsigned(rem, value) >= 0) {
            est++;
            rem -= value;
        }
        return est;
    }

    /** a·b mod q where bShoup = shoup(b): one high multiply, one low multiply, one correction. */
    public long mulShoup(long a, long b, long bShoup) {
        long r = a * b - Math.unsignedMultiplyHigh(a, bShoup) * value;
        return Long.compareUnsigned(r, value) >= 0 ? r - value : r;
    }

    public long pow(long base, long exp) {
        long result = 1 % value;
        long b = reduce(base);
        long e = exp;
        while (e != 0) {
            if ((e & 1) != 0) {
                result = mul(result, b);
            }
            b = mul(b, b);
            e >>>= 1;
        }
        return result;
    }

    /** Inverse of a modulo a prime q (Fermat). */
    public long inverse(long a) {
        long r = reduce(a);
        if (r == 0) {
            throw new ArithmeticException("0 has no inverse modulo " + Long.toUnsignedString(value));
        }
        return pow(r, value - 2);
    }

    /** The signed representative of a in (-q/2, q/2]. */
    public long centered(long a) {
        return Long.compareUnsigned(a, value >>> 1) > 0 ? a - value : a;
    }

    /** A signed integer x (|x| &lt; 2^63) mod q. */
    public long fromSigned(long x) {
        if (x >= 0) {
            return reduce(x);
        }
        long r = reduce(-x);
        return r == 0 ? 0 : value - r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Modulus m && m.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }
}
