package io.umbra.he.hash;

/**
 * SEAL's {@code parms_id}: BLAKE2b with a 32-byte digest over the little-endian 64-bit words
 * {@code [scheme, N, q_0 … q_{k-1}, plain modulus]}, read back as four little-endian words.
 *
 * <p>Why: every SEAL object (ciphertext, key, plaintext) starts with the parms_id of its level, and
 * a SEAL peer rejects an object whose id is not in its modulus chain; computing it exactly as
 * {@code EncryptionParameters::compute_parms_id} does is what lets our objects load there. The plain
 * modulus takes one word even when it is zero (CKKS).
 */
public final class ParmsIdHash {
    /** SEAL's {@code scheme_type} value for CKKS. */
    public static final long SCHEME_CKKS = 2;
    /** Words in a parms_id. */
    public static final int WORDS = 4;

    private ParmsIdHash() {
    }

    /** parms_id of a CKKS level with degree {@code n} and primes {@code coeffModulus} (plain modulus 0). */
    public static long[] ckks(long n, long[] coeffModulus) {
        return compute(SCHEME_CKKS, n, coeffModulus, 0L);
    }

    /** parms_id for any scheme, as four little-endian words. */
    public static long[] compute(long scheme, long n, long[] coeffModulus, long plainModulus) {
        int k = coeffModulus.length;
        long[] words = new long[k + 3];
        words[0] = scheme;
        words[1] = n;
        System.arraycopy(coeffModulus, 0, words, 2, k);
        words[k + 2] = plainModulus;
        return compute(words);
    }

    /** parms_id of an already assembled word list {@code [scheme, N, q_0 … q_{k-1}, plain modulus]}. */
    public static long[] compute(long[] words) {
        byte[] data = new byte[8 * words.length];
        for (int i = 0; i < words.length; i++) {
            Blake2b.LE64.set(data, 8 * i, words[i]);
        }
        byte[] digest = Blake2b.hash(8 * WORDS, data);
        long[] id = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            id[i] = (long) Blake2b.LE64.get(digest, 8 * i);
        }
        return id;
    }
}
