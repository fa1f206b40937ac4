package io.umbra.he.backend;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.NttTables;

/**
 * The hot kernels of CKKS, shaped for batches so a native or GPU implementation pays its call and
 * transfer overhead once per batch, not per coefficient.
 *
 * <p>Layout everywhere: an RNS polynomial with k primes is k consecutive blocks of n words (prime
 * j's residues at {@code off + j·n}); a batch of p polynomials is p such polynomials back to back.
 * All inputs and outputs are reduced to [0, q_j). Every implementation must produce exactly the same
 * words as {@link JavaBackend} for the same inputs.
 */
public interface HeBackend {
    /** A short name for logs and benchmarks, e.g. "java". */
    String name();

    /** Forward negacyclic NTT (SEAL order) of {@code polys} RNS polynomials in place. */
    void forwardNtt(long[] data, int off, int polys, NttTables[] tables);

    /** Inverse negacyclic NTT of {@code polys} RNS polynomials in place. */
    void inverseNtt(long[] data, int off, int polys, NttTables[] tables);

    /** out = a + b element-wise, over {@code polys} RNS polynomials. out may alias a or b. */
    void add(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n);

    /** out = a − b element-wise. */
    void sub(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n);

    /** out = −a element-wise. */
    void negate(long[] a, int aOff, long[] out, int outOff, int polys, Modulus[] moduli, int n);

    /** out = a ⊙ b (dyadic product). Operands must be in NTT form. */
    void multiply(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n);

    /**
     * out_p = a_p ⊙ b for each of {@code polys} polynomials a_p and one polynomial b (a ciphertext
     * times a plaintext, in NTT form). out may alias a.
     */
    default void multiplyBroadcast(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int block = moduli.length * n;
        for (int p = 0; p < polys; p++) {
            multiply(a, aOff + p * block, b, bOff, out, outOff + p * block, 1, moduli, n);
        }
    }

    /**
     * The tensor product of two size-2 ciphertexts (NTT form, k primes each): out, three RNS
     * polynomials, = (a0⊙b0, a0⊙b1 + a1⊙b0, a1⊙b1). out must not alias a or b.
     */
    void tensor(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, Modulus[] moduli, int n);

    /** out += a ⊙ b. */
    void multiplyAccumulate(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n);

    /** out = a · s_j for one scalar per prime (s_j in [0, q_j)). */
    void multiplyScalar(long[] a, int aOff, long[] scalarPerPrime, long[] out, int outOff, int polys, Modulus[] moduli, int n);

    /**
     * The linear model in one pass: out = Σ_i w_i · in_i + bias, where each input is {@code polys}
     * RNS polynomials (a ciphertext), {@code weights[i][j]} is w_i mod q_j and {@code bias}, if not
     * null, holds one RNS polynomial (k·n words, NTT form) added to the first output polynomial.
     * Accumulates in 128 bits and reduces once per coefficient.
     */
    void weightedSum(long[][] inputs, int inOff, long[][] weights, long[] bias, long[] out, int outOff, int polys, Modulus[] moduli, int n);

    /**
     * Rescale: for each of {@code polys} NTT-form polynomials with the k primes of {@code moduli}
     * (k·n words each, at {@code src}), writes round(x / q_{k−1}) with the first k−1 primes (k−1 blocks
     * each, consecutive at {@code dst}). {@code invLast[i]} = q_{k−1}^{-1} mod q_i and its Shoup
     * companion. SEAL's {@code divide_and_round_q_last_ntt_inplace}.
     */
    void divideRoundLast(long[] src, int srcOff, long[] dst, int dstOff, int polys, Modulus[] moduli, NttTables[] ntt,
                         long[] invLast, long[] invLastShoup);

    /** Mod-switch: copies {@code polys} polynomials of k primes without their last prime (k−1 blocks each). */
    default void dropLastPrime(long[] src, int srcOff, long[] dst, int dstOff, int polys, int k, int n) {
        int newBlock = (k - 1) * n;
        for (int p = 0; p < polys; p++) {
            System.arraycopy(src, srcOff + p * k * n, dst, dstOff + p * newBlock, newBlock);
        }
    }

    /**
     * Key switching: adds to the size-2 ciphertext at {@code out} (two polynomials with the first k
     * primes of the key level, NTT form) the switch of {@code target} (one NTT-form polynomial, k
     * primes) under a switching key. {@code key[J]} is the key's part for digit J: a key-level
     * ciphertext of two polynomials, each with all {@code keyModuli.length} primes (the last is the
     * special prime P). {@code invP[i]} = P^{-1} mod q_i with its Shoup companion.
     */
    void switchKey(long[] target, int targetOff, int k, long[][] key, Modulus[] keyModuli, NttTables[] keyNtt,
                   long[] invP, long[] invPShoup, long[] out, int outOff);
}
