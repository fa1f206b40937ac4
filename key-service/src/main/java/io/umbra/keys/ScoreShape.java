package io.umbra.keys;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;

/**
 * The only shapes a genuine score ciphertext has, so that the pool cannot choose what the key-service
 * decrypts: two polynomials (relinearized), at the last level of the key version's chain, at exactly the
 * scale one of Umbra's models ends at. Both models start from feature columns at the first data level
 * and scale Δ (the key version's encoding scale) and end mod-switched to the last level:
 *
 * <ul>
 *   <li>the logistic model: one fused weighted sum whose weights are encoded at the level's last prime
 *       q, then one rescale by q, so the scale is Δ·q/q = Δ exactly;</li>
 *   <li>the square network: that weighted sum (scale Δ), squared (Δ²), relinearized and rescaled by the
 *       next level's last prime q', so Δ²/q'.</li>
 * </ul>
 *
 * The arithmetic mirrors the evaluator's (doubles, the same operations in the same order), so equality
 * is exact. A result at scale 1, at another level or of size 3 is refused before decryption.
 */
final class ScoreShape {
    private ScoreShape() {
    }

    /** Why {@code c} is not a score ciphertext of {@code key}'s models, or null. */
    static String problem(KeyVersion key, Ciphertext c) {
        CkksContext context = key.context();
        if (c.size() != 2) {
            return "has " + c.size() + " polynomials; a score has 2";
        }
        ContextData last = context.lastData();
        if (!c.parmsId().equals(last.parmsId())) {
            ContextData at = context.get(c.parmsId());
            return "is at level " + (at == null ? "unknown" : at.chainIndex()) + "; a score is at the last level " + last.chainIndex();
        }
        double delta = key.parameterSet().scale();
        if (c.scale() == delta) {
            return null;
        }
        Double network = networkScale(context, delta);
        if (network != null && c.scale() == network) {
            return null;
        }
        return "has scale 2^" + String.format(java.util.Locale.ROOT, "%.3f", Math.log(c.scale()) / Math.log(2))
                + "; a score of this key version has scale 2^" + Math.getExponent(delta)
                + (network == null ? "" : " (logistic) or 2^" + String.format(java.util.Locale.ROOT, "%.3f", Math.log(network) / Math.log(2))
                + " (network)");
    }

    /** Whether {@code c} (of a good shape) is at the network's final scale rather than the logistic model's. */
    static boolean networkScale(KeyVersion key, Ciphertext c) {
        double delta = key.parameterSet().scale();
        return c.scale() != delta;
    }

    /** Δ²/q' (see the class comment), or null if the chain is too short for the network's two rescales. */
    private static Double networkScale(CkksContext context, double delta) {
        ContextData first = context.firstData();
        ContextData afterLinear = first.next();
        if (afterLinear == null || afterLinear.next() == null) {
            return null;
        }
        long q = afterLinear.primes()[afterLinear.primeCount() - 1];
        return delta * delta / q;
    }
}
