package io.umbra.he.perf;

/**
 * The rows of docs/REFERENCE-FIGURES.md: one call each. Batch rows are the 30-feature linear model; their time
 * is per batch of N/2 transactions. SEAL's figures are not stored here: {@code umbra he bench}
 * measures SEAL in the same run (see docs/HE-BENCHMARKS.md), because a table measured on another
 * machine or day says nothing about this one.
 */
public enum Operation {
    ENCODE("encode", "encode full slot vector"),
    ENCRYPT_PUBLIC_KEY("encrypt_public_key", "encrypt, public key"),
    ENCRYPT_SYMMETRIC("encrypt_symmetric", "encrypt, symmetric (seeded)"),
    ADD("add", "add"),
    MULTIPLY_PLAIN("multiply_plain", "multiply_plain"),
    RESCALE_TO_NEXT("rescale_to_next", "rescale_to_next"),
    MULTIPLY("multiply", "multiply ct×ct"),
    RELINEARIZE("relinearize", "relinearize"),
    ROTATE("rotate", "rotate by 1"),
    DECRYPT("decrypt", "decrypt"),
    DECODE("decode", "decode"),
    SAVE_CIPHERTEXT("save_ciphertext", "save ciphertext (no compression)"),
    LOAD_CIPHERTEXT("load_ciphertext", "load ciphertext (no compression)"),
    BATCH_ENCRYPT_PUBLIC_KEY("batch_encrypt_public_key", "30 features: encode + encrypt, public key"),
    BATCH_ENCRYPT_SYMMETRIC("batch_encrypt_symmetric", "30 features: encode + encrypt, symmetric"),
    BATCH_SCORE("batch_score", "30 features: score (weighted sum + bias)"),
    BATCH_DECRYPT_DECODE("batch_decrypt_decode", "30 features: decrypt + decode the score");

    private final String key;
    private final String label;

    Operation(String key, String label) {
        this.key = key;
        this.label = label;
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

    public static Operation of(String key) {
        for (Operation op : values()) {
            if (op.key.equalsIgnoreCase(key.trim())) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + key + "'");
    }
}
