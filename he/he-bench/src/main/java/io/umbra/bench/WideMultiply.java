package io.umbra.bench;

/**
 * High 64 bits of the unsigned 128-bit product of two {@code long}s, the step every modular
 * multiplication (Barrett, Shoup) of the RNS arithmetic takes, computed the ways a Java engine can.
 * {@link Math#unsignedMultiplyHigh} (JDK 18+) is the reference and a HotSpot intrinsic (one MUL on
 * x86-64, UMULH on AArch64); the others show what it saves.
 */
public final class WideMultiply {

    private static final long LOW_32 = 0xFFFF_FFFFL;

    private WideMultiply() {
    }

    /** Through the signed {@link Math#multiplyHigh} (JDK 9+, also an intrinsic), corrected for sign. */
    public static long fromSignedHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /**
     * Portable: schoolbook on 32-bit halves (Hacker's Delight, mulhu), what C does without
     * {@code __int128} and what a JVM without the intrinsic executes: four multiplies.
     */
    public static long from32BitLimbs(long a, long b) {
        long a0 = a & LOW_32;
        long a1 = a >>> 32;
        long b0 = b & LOW_32;
        long b1 = b >>> 32;
        long w0 = a0 * b0;
        long t = a1 * b0 + (w0 >>> 32);
        long w1 = a0 * b1 + (t & LOW_32);
        return a1 * b1 + (t >>> 32) + (w1 >>> 32);
    }
}
