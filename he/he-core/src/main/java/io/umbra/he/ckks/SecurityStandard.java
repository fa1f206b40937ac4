package io.umbra.he.ckks;

/**
 * The HomomorphicEncryption.org standard's bound on log2(Q) for 128-bit classical security with a
 * ternary secret (the same table as SEAL's {@code CoeffModulus::MaxBitCount(n, tc128)}). Umbra
 * refuses anything weaker; there is no switch to turn this off.
 */
public final class SecurityStandard {
    private SecurityStandard() {
    }

    /** Polynomial degrees Umbra accepts. */
    public static final int[] DEGREES = {4096, 8192, 16384, 32768};

    /** Largest total coefficient-modulus bit count at 128-bit security for degree n, or 0 if n is not supported. */
    public static int maxBitCount128(int n) {
        return switch (n) {
            case 4096 -> 109;
            case 8192 -> 218;
            case 16384 -> 438;
            case 32768 -> 881;
            default -> 0;
        };
    }
}
