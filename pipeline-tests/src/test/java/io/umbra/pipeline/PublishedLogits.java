package io.umbra.pipeline;

/**
 * How a published logit is compared with the plaintext model. The key-service publishes logits rounded
 * to multiples of 2^-8 (key-service's {@code ResultDecryptor.PUBLISHED_LOGIT_STEP}; docs/SECURITY.md says
 * why: full-precision CKKS decryptions leak the secret key). Rounding is monotone, so if the encrypted
 * computation is within {@link #HE_TOLERANCE} of the plaintext logit, the published value is a multiple of
 * the step between the roundings of {@code reference ± HE_TOLERANCE}: that is what is checked, which is
 * as tight as a rounded value allows (not merely "within half a step").
 */
final class PublishedLogits {
    static final double STEP = 0x1p-8;
    /** The encrypted score's agreement with the plaintext model, before rounding. */
    static final double HE_TOLERANCE = 1e-4;

    private PublishedLogits() {
    }

    /** Whether {@code published} is what rounding a logit within {@link #HE_TOLERANCE} of {@code reference} gives. */
    static boolean agrees(double published, double reference) {
        double steps = published / STEP;
        if (steps != Math.rint(steps)) {
            return false; // not rounded: full precision left the bank's key-service
        }
        double low = Math.rint((reference - HE_TOLERANCE) / STEP);
        double high = Math.rint((reference + HE_TOLERANCE) / STEP);
        return steps >= low && steps <= high;
    }
}
