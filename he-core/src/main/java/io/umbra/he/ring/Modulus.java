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

    /** a·b mod q for a, b in [0, q). */
    public long mul(long a, long b) {
        return reduce128(Math.unsignedMultiplyHigh(a, b), a * b);
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
        return divide128(b, 0L, value)[0];
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
