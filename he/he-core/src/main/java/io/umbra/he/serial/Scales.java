package io.umbra.he.serial;

/** The scale check every loaded ciphertext and plaintext passes. */
final class Scales {
    private Scales() {
    }

    /**
     * Finite and positive. SEAL 4.1 lets NaN, infinities and negative scales through on load; a
     * scale is a divisor at decoding, so any of those would decode to garbage without an error.
     */
    static void check(double scale, String what) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw SealFormatException.mismatch(what + " scale", "a finite positive number", scale);
        }
    }
}
