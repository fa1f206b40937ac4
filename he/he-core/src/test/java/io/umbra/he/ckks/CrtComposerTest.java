package io.umbra.he.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CrtComposer's own pieces. Its composition against a BigInteger reference, at every level of every
 * parameter set, is CkksEncoderTest's {@code coefficientsAsDoubles} test (through the encoder, as it
 * is used); byte identity with SEAL's decode is CkksEncoderInteropTest.
 */
class CrtComposerTest {

    @Test
    void unsignedToDoubleRoundsLikeC() {
        assertEquals(0x1p64, CrtComposer.toDoubleUnsigned(-1L));
        assertEquals(0x1p63, CrtComposer.toDoubleUnsigned(Long.MIN_VALUE));
        Random r = new Random(9);
        for (int i = 0; i < 10000; i++) {
            long x = r.nextLong();
            double expected = new BigDecimal(Long.toUnsignedString(x)).doubleValue();
            assertEquals(expected, CrtComposer.toDoubleUnsigned(x), Long.toUnsignedString(x));
        }
    }

    @Test
    void aLevelOfOnePrimeReadsTheUpperHalfAsNegative() {
        CkksContext context = CkksContext.create(EncryptionParameters.create(4096, 36, 36, 37));
        ContextData last = context.lastData(); // one prime
        long q = last.primes()[0];
        assertEquals(1, last.primes().length);
        CrtComposer composer = new CrtComposer(last);
        long[] poly = new long[4096];
        poly[0] = 5;
        poly[1] = q - 5;
        poly[2] = q / 2;             // below ⌈q/2⌉: positive
        poly[3] = q / 2 + 1;         // ⌈q/2⌉ (q odd): negative
        double[] out = new double[4096];
        composer.toDoubles(poly, 4096, 0.5, out, new long[1], new long[1]);
        assertEquals(2.5, out[0]);
        assertEquals(-2.5, out[1]);
        assertEquals((q / 2) * 0.5, out[2]);
        assertEquals(-(q - q / 2 - 1) * 0.5, out[3]);
        assertEquals(0.0, out[4]);
    }
}
