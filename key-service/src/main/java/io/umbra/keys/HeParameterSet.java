package io.umbra.keys;

import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.perf.ParameterSet;

import java.util.Locale;

/**
 * The CKKS parameter sets a tenant's keys can be made with (docs/PIPELINE.md). The scale is not part of
 * SEAL's parameters, so a key version records which set it was made with.
 */
public enum HeParameterSet {
    /** Set (a): N = 8192, primes of {60, 40, 40, 60} bits, scale 2^40: deeper models, 4096 slots. */
    A(ParameterSet.A),
    /** Set (b): N = 4096, primes of {36, 36, 37} bits, scale 2^30: the default, 2048 slots, one rescale. */
    B(ParameterSet.B);

    /** The engine's definition of the set (docs/REFERENCE-FIGURES.md's names): one place for its primes and scale. */
    private final ParameterSet set;

    HeParameterSet(ParameterSet set) {
        this.set = set;
    }

    /** {@code a} or {@code b} (either case); anything else is refused with the valid choices. */
    public static HeParameterSet named(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (HeParameterSet s : values()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("UMBRA_HE_PARAMS must be 'a' (N=8192, {60,40,40,60}, 2^40) or 'b' (N=4096, {36,36,37}, 2^30), not '"
                + (name == null ? "" : name.length() > 16 ? name.substring(0, 16) + "…" : name) + "'");
    }

    /** SEAL's parameters for this set (primes chosen as SEAL's CoeffModulus::Create chooses them). */
    public EncryptionParameters parameters() {
        return set.parameters();
    }

    public int log2Scale() {
        return Math.getExponent(set.scale());
    }

    public double scale() {
        return set.scale();
    }

    /** The set's name as configured: {@code a} or {@code b}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
