/**
 * Hash functions SEAL's wire format depends on: BLAKE2b with its full parameter block, the BLAKE2Xb
 * extendable-output function SEAL's default PRNG is built on, and the {@code parms_id} that names a
 * level of the modulus chain in every saved object. Own implementations, because the JDK has no
 * BLAKE2 and the PRNG needs tree-mode parameters; they depend on nothing else in the engine.
 */
package io.umbra.he.hash;
