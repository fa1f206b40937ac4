/**
 * The bottom layer of the engine: word-sized moduli, prime selection as SEAL's
 * {@code CoeffModulus::Create} does it, and the negacyclic number-theoretic transform with SEAL's
 * conventions (minimal primitive 2N-th root, bit-reversed output), so that NTT-form values equal
 * SEAL's word for word. Everything here works on {@code long[]} holding unsigned 64-bit values;
 * nothing here knows about CKKS.
 */
package io.umbra.he.ring;
