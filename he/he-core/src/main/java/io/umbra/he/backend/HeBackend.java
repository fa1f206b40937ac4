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
}
