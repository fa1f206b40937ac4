package io.umbra.he.ring;

import io.umbra.he.ckks.CkksContext;

/** Test fixture, never production: the bottom layer reaching up into ckks, which the layer rule refuses. */
public final class RingCallingCkksViolation {
    private RingCallingCkksViolation() {
    }

    static int slots(CkksContext context) {
        return context.n() / 2;
    }
}
