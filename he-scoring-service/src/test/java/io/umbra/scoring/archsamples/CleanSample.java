package io.umbra.scoring.archsamples;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.serial.Seal;

/**
 * Not offending (test only), though it looks like the leaks to a coarse analysis: it calls
 * {@code toString()} (SecretKey overrides it) and an interface whose leaking implementation exists
 * but is never created.
 */
public final class CleanSample {
    public static String run(CkksContext context, byte[] bytes, Object anything) {
        Ciphertext ct = Seal.loadCiphertext(context, bytes);
        Ciphertext doubled = new Evaluator(context).add(ct, ct);
        InterfaceLeak.Step step = (c, b) -> doubled.scale();
        return anything.toString() + step.apply(context, bytes);
    }
}
