package io.umbra.he.ckks;

import io.umbra.he.random.Blake2xbPrng;
import io.umbra.he.random.NoiseSource;

/**
 * Encryptions of zero with the randomness drawn from a given seeded stream, so tests can pin every
 * output word: the engine itself always draws fresh randomness from the operating system.
 */
final class Encryptions {
    private Encryptions() {
    }

    /** Public-key encryption of zero at {@code level}, u and e sampled from {@code prng} in SEAL's order (u, e0, e1). */
    static Ciphertext asymmetric(Encryptor encryptor, ContextData level, Blake2xbPrng prng) {
        return encryptor.encryptZeroAsymmetric(level, NoiseSource.of(prng));
    }

    /** Symmetric encryption of zero at {@code level}: the public seed is the stream's first 8 words, e follows. */
    static Ciphertext symmetric(CkksContext ctx, SecretKey sk, ContextData level, Blake2xbPrng prng) {
        return Encryptor.encryptZeroSymmetric(ctx, sk, level, true, NoiseSource.of(prng));
    }
}
