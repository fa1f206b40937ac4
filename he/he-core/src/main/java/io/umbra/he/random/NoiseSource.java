package io.umbra.he.random;

/**
 * Where encryption and key generation draw their secret randomness: ternary polynomials (secret keys
 * and encryption's u), centered-binomial noise e, and fresh public seeds. Values come as small signed
 * integers, one per coefficient, the same under every prime; callers write them into RNS form.
 *
 * <p>None of this crosses the wire, so it need not be SEAL's stream: {@link #perThread()} is the
 * engine's fast generator (a keystream seeded from the operating system, see {@link KeystreamNoise}).
 * {@link #of(Blake2xbPrng)} draws from SEAL's BLAKE2xb stream in SEAL's layout, for reproducing a
 * computation from a seed (the tests pin every output word that way).
 *
 * <p>Implementations are not thread-safe; {@link #perThread()} hands each thread its own.
 */
public interface NoiseSource {

    /** n values uniform over {−1, 0, 1}, each with probability exactly 1/3. */
    void ternary(long[] dst, int off, int n);

    /**
     * n centered binomial values as SEAL 4.1's default noise: popcount of 21 fair bits minus popcount
     * of 21 more, so mean 0, variance 10.5 (σ ≈ 3.24), range [−21, 21].
     */
    void centeredBinomial(long[] dst, int off, int n);

    /** count uniformly random 64-bit words (public seeds). */
    void words(long[] dst, int off, int count);

    /** This thread's generator, seeded from the operating system on first use. */
    static NoiseSource perThread() {
        return KeystreamNoise.perThread();
    }

    /** Draws from SEAL's stream exactly as {@link Sampler}'s BLAKE2xb methods consume it. */
    static NoiseSource of(Blake2xbPrng prng) {
        return new NoiseSource() {
            @Override
            public void ternary(long[] dst, int off, int n) {
                Sampler.ternary(prng, dst, off, n);
            }

            @Override
            public void centeredBinomial(long[] dst, int off, int n) {
                Sampler.centeredBinomial(prng, dst, off, n);
            }

            @Override
            public void words(long[] dst, int off, int count) {
                prng.generate(dst, off, count);
            }
        };
    }
}
