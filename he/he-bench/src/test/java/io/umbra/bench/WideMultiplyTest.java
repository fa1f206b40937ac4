package io.umbra.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmark's variants must compute the same thing, or its numbers mean nothing. */
class WideMultiplyTest {

    private static final long[] EDGES = {
        0L, 1L, 2L, -1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL, 0x1_0000_0000L,
        0x7FFF_FFFF_FFFF_FFFFL, 0x8000_0000_0000_0001L, 0x0FFF_FFFF_FFFF_FFC1L
    };

    private static long reference(long a, long b) {
        BigInteger product = new BigInteger(Long.toUnsignedString(a)).multiply(new BigInteger(Long.toUnsignedString(b)));
        return product.shiftRight(64).longValue();
    }

    private static void check(long a, long b) {
        long expected = reference(a, b);
        assertEquals(expected, Math.unsignedMultiplyHigh(a, b));
        assertEquals(expected, WideMultiply.fromSignedHigh(a, b), () -> "fromSignedHigh " + a + " " + b);
        assertEquals(expected, WideMultiply.from32BitLimbs(a, b), () -> "from32BitLimbs " + a + " " + b);
    }

    @Test
    void edgeValues() {
        for (long a : EDGES) {
            for (long b : EDGES) {
                check(a, b);
            }
        }
    }

    @Test
    void randomValues() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            check(random.nextLong(), random.nextLong());
        }
    }
}
