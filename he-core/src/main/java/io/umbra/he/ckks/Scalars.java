package io.umbra.he.ckks;

import io.umbra.he.ring.Modulus;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A real constant as CKKS sees it: round(value·scale) reduced modulo each prime — the coefficient
 * SEAL puts in a plaintext that encodes the same value in every slot. Products above 2^63 (bias
 * terms at a squared scale) go through exact big-integer arithmetic.
 */
public final class Scalars {
    private Scalars() {
    }

    public static long[] residues(double value, double scale, Modulus[] moduli) {
        double scaled = value * scale;
        if (!Double.isFinite(scaled)) {
            throw new IllegalArgumentException("value " + value + " times scale " + scale + " is not finite");
        }
        long[] out = new long[moduli.length];
        // Math.round rounds half up; SEAL's std::round rounds half away from zero.
        double rounded = scaled < 0 ? -Math.floor(-scaled + 0.5) : Math.floor(scaled + 0.5);
        if (Math.abs(rounded) < 0x1p62) {
            long r = (long) rounded;
            for (int j = 0; j < moduli.length; j++) {
                out[j] = moduli[j].fromSigned(r);
            }
            return out;
        }
        BigInteger big = new BigDecimal(rounded).setScale(0, RoundingMode.UNNECESSARY).toBigInteger();
        for (int j = 0; j < moduli.length; j++) {
            out[j] = big.mod(BigInteger.valueOf(moduli[j].value())).longValue();
        }
        return out;
    }
}
