/**
 * Randomness for the engine, in two kinds that must not be confused.
 *
 * <ul>
 *   <li><b>Public, SEAL's stream.</b> {@link io.umbra.he.random.Blake2xbPrng} is SEAL 4.1's
 *       BLAKE2xb PRNG and {@link io.umbra.he.random.Sampler#uniform} its {@code sample_poly_uniform},
 *       bit for bit: a seeded ciphertext or key carries only a 64-byte seed and each side
 *       regenerates the uniform polynomial from it, so our words must equal SEAL's.</li>
 *   <li><b>Secret, any CSPRNG.</b> Ternary secrets and encryption's u, the centered-binomial noise e
 *       and fresh public seeds never leave the process, so only their distributions must match
 *       SEAL's. They come from a {@link io.umbra.he.random.NoiseSource}; the engine's default,
 *       {@link io.umbra.he.random.KeystreamNoise}, is one generator per thread, keyed once from the
 *       operating system ({@code /dev/urandom}), that outputs the keystream of AES-256-CTR (NIST
 *       SP 800-90A's CTR_DRBG construction) where HotSpot has its AES-CTR intrinsic, else ChaCha20;
 *       it rekeys itself from its own output every MiB (so a memory dump cannot recompute earlier
 *       noise) and from the operating system every GiB. A ternary value costs 1.6 random bits and a
 *       noise value its 42 coin flips. Why: SEAL's BLAKE2xb stream ran at about 250 MB/s here and
 *       creating a {@code SecureRandom} per encryption cost about 100 µs, together most of the time
 *       of an encryption; the keystream runs at several GB/s and is seeded once per thread.</li>
 * </ul>
 *
 * <p>{@link io.umbra.he.random.NoiseSource#of} turns SEAL's stream into a noise source, for
 * reproducing a computation from a seed (the tests pin every output word of encryption that way).
 * Generators are not thread-safe; samplers are static and allocate nothing.
 */
package io.umbra.he.random;
