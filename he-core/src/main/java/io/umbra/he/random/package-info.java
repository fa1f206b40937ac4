/**
 * Randomness as SEAL 4.1 produces it: the BLAKE2Xb-based PRNG behind seeded ciphertexts, and the
 * uniform, ternary and centered-binomial samplers that write RNS polynomials in SEAL's layout. The
 * uniform sampler and the PRNG stream match SEAL bit for bit, because a seeded ciphertext carries
 * only the seed and each side regenerates c1 from it. Instances are not thread-safe; samplers are
 * static and allocate nothing.
 */
package io.umbra.he.random;
