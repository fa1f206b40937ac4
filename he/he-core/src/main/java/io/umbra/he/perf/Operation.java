package io.umbra.he.perf;

/**
 * The rows of docs/REFERENCE-FIGURES.md: one call each, with SEAL 4.1.2's median microseconds on the same
 * kind of machine (set order a, b, c; NaN where SEAL was not measured). Batch rows are the
 * 30-feature linear model; their time is per batch of N/2 transactions.
 */
public enum Operation {
    ENCODE("encode", "encode full slot vector", 790, 267, 3203),
    ENCRYPT_PUBLIC_KEY("encrypt_public_key", "encrypt, public key", 5014, 2115, 19173),
    ENCRYPT_SYMMETRIC("encrypt_symmetric", "encrypt, symmetric (seeded)", 1906, 821, 9197),
    ADD("add", "add", 83, 28, 347),
    MULTIPLY_PLAIN("multiply_plain", "multiply_plain", 229, 74, 1147),
    RESCALE_TO_NEXT("rescale_to_next", "rescale_to_next", 948, 299, 5000),
    MULTIPLY("multiply", "multiply ct×ct", 508, 170, 2503),
    RELINEARIZE("relinearize", "relinearize", 3575, 1021, 26553),
    ROTATE("rotate", "rotate by 1", 3770, 826, 23482),
    DECRYPT("decrypt", "decrypt", 182, 63, 804),
    DECODE("decode", "decode", 1483, 464, 9002),
    SAVE_CIPHERTEXT("save_ciphertext", "save ciphertext (no compression)", 13, 4, 54),
    LOAD_CIPHERTEXT("load_ciphertext", "load ciphertext (no compression)", 56, 20, 250),
    BATCH_ENCRYPT_PUBLIC_KEY("batch_encrypt_public_key", "30 features: encode + encrypt, public key", 184_000, 80_000, Double.NaN),
    BATCH_ENCRYPT_SYMMETRIC("batch_encrypt_symmetric", "30 features: encode + encrypt, symmetric", 91_000, 38_000, Double.NaN),
    BATCH_SCORE("batch_score", "30 features: score (weighted sum + bias)", 10_100, 2_900, Double.NaN),
    BATCH_DECRYPT_DECODE("batch_decrypt_decode", "30 features: decrypt + decode the score", 1_700, 500, Double.NaN);

    private final String key;
    private final String label;
    private final double sealA;
    private final double sealB;
    private final double sealC;

    Operation(String key, String label, double sealA, double sealB, double sealC) {
        this.key = key;
        this.label = label;
        this.sealA = sealA;
        this.sealB = sealB;
        this.sealC = sealC;
    }

    /** A stable snake_case name for JSON and command lines. */
    public String key() {
        return key;
    }

    /** The row's name in docs/REFERENCE-FIGURES.md. */
    public String label() {
        return label;
    }

    /** True for the linear-model rows, timed per batch of N/2 transactions. */
    public boolean batch() {
        return name().startsWith("BATCH_");
    }

    /** SEAL's median µs on this set, or NaN when docs/REFERENCE-FIGURES.md has no figure. */
    public double sealMicros(ParameterSet set) {
        return switch (set) {
            case A -> sealA;
            case B -> sealB;
            case C -> sealC;
        };
    }

    public static Operation of(String key) {
        for (Operation op : values()) {
            if (op.key.equalsIgnoreCase(key.trim())) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + key + "'");
    }
}
