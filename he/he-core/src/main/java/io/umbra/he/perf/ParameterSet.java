package io.umbra.he.perf;

import io.umbra.he.ckks.EncryptionParameters;

import java.util.Locale;

/** The parameter sets of docs/REFERENCE-FIGURES.md, named as there. */
public enum ParameterSet {
    /** N = 8192, {@code CoeffModulus::Create(8192, {60, 40, 40, 60})}, scale 2^40. */
    A(8192, new int[] {60, 40, 40, 60}, 40),
    /** N = 4096, {@code {36, 36, 37}} (109 bits, the 128-bit maximum), scale 2^30. */
    B(4096, new int[] {36, 36, 37}, 30),
    /** N = 16384, {@code {60, 40, 40, 40, 40, 40, 40, 60}}, scale 2^40. */
    C(16384, new int[] {60, 40, 40, 40, 40, 40, 40, 60}, 40);

    private final int n;
    private final int[] bitSizes;
    private final int logScale;

    ParameterSet(int n, int[] bitSizes, int logScale) {
        this.n = n;
        this.bitSizes = bitSizes;
        this.logScale = logScale;
    }

    /** "a", "b" or "c". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ParameterSet of(String id) {
        for (ParameterSet s : values()) {
            if (s.id().equalsIgnoreCase(id.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown parameter set '" + id + "': use a, b or c");
    }

    public int n() {
        return n;
    }

    public int[] bitSizes() {
        return bitSizes.clone();
    }

    public double scale() {
        return Math.scalb(1.0, logScale);
    }

    public EncryptionParameters parameters() {
        return EncryptionParameters.create(n, bitSizes);
    }

    /** Slots of one ciphertext: transactions per batch in the linear-model workload. */
    public int slots() {
        return n / 2;
    }
}
