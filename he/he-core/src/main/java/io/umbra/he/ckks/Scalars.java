package io.umbra.he.ckks;

import io.umbra.he.ring.Modulus;

/**
 * A real constant as CKKS sees it: round(value·scale) reduced modulo each prime of a level — the
 * integer SEAL's scalar encode puts in every coefficient. Used by the encoder's scalar encode and
 * by the evaluator's constant multiplications and fused weighted sum, so both round alike.
 */
public final class Scalars {
    private Scalars() {
    }

    /**
     * round(value·scale) modulo each prime of the level (rounding half away from zero), with SEAL's
     * checks: a finite value, a positive scale below the level's modulus, a result that fits.
     */
    public static long[] residues(double value, double scale, ContextData level) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("cannot encode " + value + ": values must be finite");
        }
        int totalBits = level.totalBitCount();
        if (!(scale > 0) || Double.isInfinite(scale) || (int) CkksEncoder.log2(scale) >= totalBits) {
            throw new IllegalArgumentException("scale " + scale + " out of bounds: it must be positive and below 2^"
                    + totalBits + " at this level (" + totalBits + " bits of coefficient modulus)");
        }
        double scaled = value * scale;
        // SEAL's bound for one coefficient: truncated log2 plus one bit for the sign and one of slack.
        int bits = scaled == 0 ? Integer.MIN_VALUE : (int) CkksEncoder.log2(Math.abs(scaled)) + 2;
        if (bits >= totalBits) {
            throw new IllegalArgumentException("encoded value is too large: " + value + " at scale " + scale + " needs "
                    + bits + " bits, the level has " + totalBits);
        }
        double c = roundHalfAway(scaled);
        Modulus[] moduli = level.moduli();
        long[] r = new long[moduli.length];
        for (int j = 0; j < r.length; j++) {
            r[j] = Math.abs(c) < 0x1p63 ? residueOfSigned((long) c, moduli[j]) : residueOfLarge(c, moduli[j]);
        }
        return r;
    }

    /** std::round: halfway cases away from zero (Math.round would send -2.5 to -2). */
    static double roundHalfAway(double x) {
        double a = Math.abs(x);
        if (!(a < 0x1p52)) {
            return x; // already an integer
        }
        double f = Math.floor(a);
        if (a - f >= 0.5) { // exact: a and f share their integer bits
            f += 1.0;
        }
        return Math.copySign(f, x);
    }

    /** c mod q for |c| &lt; 2^63, in [0, q). */
    static long residueOfSigned(long c, Modulus mod) {
        long q = mod.value();
        if (c >= 0) {
            return c < q ? c : mod.reduce(c);
        }
        long r = -c < q ? -c : mod.reduce(-c);
        return r == 0 ? 0 : q - r;
    }

    /**
     * c mod q for an integral |c| >= 2^63: c = mantissa·2^e exactly, so the residue is exact whatever
     * path SEAL takes for it (64-bit, 128-bit or multi-word decomposition: all are exact).
     */
    static long residueOfLarge(double c, Modulus mod) {
        double a = Math.abs(c);
        int e = Math.getExponent(a) - 52;
        long mantissa = (Double.doubleToRawLongBits(a) & 0x000F_FFFF_FFFF_FFFFL) | 0x0010_0000_0000_0000L;
        long r = mod.mul(mod.reduce(mantissa), mod.pow(2, e));
        return c < 0 ? mod.negate(r) : r;
    }

}
