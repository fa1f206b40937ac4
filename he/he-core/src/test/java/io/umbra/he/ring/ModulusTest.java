package io.umbra.he.ring;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fast reductions and Shoup constants against BigInteger, on random and extreme inputs. */
class ModulusTest {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private static BigInteger u(long w) {
        return new BigInteger(Long.toUnsignedString(w));
    }

    private static long[] moduli() {
        return new long[] {2, 3, 5, 1023, (1L << 20) + 7, 68719230977L, 137438822401L, 1099511480321L,
            1152921504606830593L, (1L << 59) + 1, (1L << 60) - 93, (1L << 61) - 1};
    }

    @Test
    void reduceWideAndMulMatchBigInteger() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (long qv : moduli()) {
            Modulus q = new Modulus(qv);
            BigInteger bq = BigInteger.valueOf(qv);
            for (int i = 0; i < 20_000; i++) {
                long a = i < 4 ? qv - 1 - i % 2 : rnd.nextLong(qv);
                long b = i < 4 ? qv - 1 - i / 2 : rnd.nextLong(qv);
                long want = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(bq).longValueExact();
                assertEquals(want, q.mul(a, b), qv + ": " + a + "·" + b);
                assertEquals(want, q.reduceWide(Math.unsignedMultiplyHigh(a, b), a * b));
                assertEquals(want, q.reduce128(Math.unsignedMultiplyHigh(a, b), a * b));
            }
            // Sums of products up to the documented bound 2^(63 + bits).
            int bits = q.bitCount();
            BigInteger limit = BigInteger.ONE.shiftLeft(63 + bits);
            for (int i = 0; i < 20_000; i++) {
                BigInteger x = new BigInteger(63 + bits, new java.util.Random(rnd.nextLong())).min(limit.subtract(BigInteger.ONE));
                if (i == 0) {
                    x = limit.subtract(BigInteger.ONE);
                }
                long hi = x.shiftRight(64).longValue();
                long lo = x.longValue();
                assertEquals(x.mod(bq).longValueExact(), q.reduceWide(hi, lo), qv + ": " + x);
            }
        }
    }

    @Test
    void shoupIsFloorOfBTimes2To64OverQ() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (long qv : moduli()) {
            Modulus q = new Modulus(qv);
            for (int i = 0; i < 5_000; i++) {
                long b = i == 0 ? 0 : i == 1 ? qv - 1 : rnd.nextLong(qv);
                long want = BigInteger.valueOf(b).multiply(TWO_64).divide(BigInteger.valueOf(qv)).longValue();
                assertEquals(want, q.shoup(b), qv + ": " + b);
                long a = rnd.nextLong();
                long expect = u(a).multiply(BigInteger.valueOf(b)).mod(BigInteger.valueOf(qv)).longValueExact();
                if (Long.compareUnsigned(a, qv) < 0) {
                    assertEquals(expect, q.mulShoup(a, b, q.shoup(b)));
                }
            }
        }
    }
}
