package io.umbra.scoring.archsamples;

import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.SecretKey;
import io.umbra.he.serial.Seal;

/** Offending on purpose (test only): reaches a secret-key load only through an interface call. */
public final class InterfaceLeak {
    public interface Step {
        Object apply(CkksContext context, byte[] bytes);
    }

    /** Looks harmless at the call site: {@code Step.apply}. */
    public static Object run(CkksContext context, byte[] bytes) {
        Step step = new PeekingStep();
        return step.apply(context, bytes);
    }

    static final class PeekingStep implements Step {
        @Override
        public Object apply(CkksContext context, byte[] bytes) {
            SecretKey key = Seal.loadSecretKey(context, bytes);
            return key.toString();
        }
    }
}
