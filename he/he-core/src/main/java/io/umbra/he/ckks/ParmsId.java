package io.umbra.he.ckks;

import java.util.HexFormat;

/**
 * SEAL's identifier of one level of the modulus chain: BLAKE2b-256 over the scheme, degree and the
 * level's primes, read as four little-endian words. Objects carry it so a ciphertext can never be
 * used at a level (or under parameters) it was not made for.
 */
public record ParmsId(long w0, long w1, long w2, long w3) {
    public static final ParmsId ZERO = new ParmsId(0, 0, 0, 0);

    public static ParmsId of(long[] words) {
        if (words.length != 4) {
            throw new IllegalArgumentException("a parms_id has 4 words, got " + words.length);
        }
        return new ParmsId(words[0], words[1], words[2], words[3]);
    }

    public long[] words() {
        return new long[]{w0, w1, w2, w3};
    }

    /** The four words in hex, most significant nibble first, as SEAL prints them. */
    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(w0) + " " + hex.toHexDigits(w1) + " " + hex.toHexDigits(w2) + " " + hex.toHexDigits(w3);
    }
}
