package io.umbra.he.ckks;

import io.umbra.he.random.NoiseSource;
import io.umbra.he.random.Sampler;

/**
 * Creates a ternary secret key (or takes an existing one) and derives from it the public key,
 * relinearization keys and Galois keys, with SEAL's layouts and SEAL's sampling: uniform parts from
 * a public seed expanded with BLAKE2xb, noise from the centered binomial distribution of SEAL 4.1
 * (σ ≈ 3.24, |e| ≤ 21), the secret randomness from the thread's {@link NoiseSource#perThread()
 * generator} (seeded by the operating system).
 */
public final class KeyGenerator {
    private final CkksContext context;
    private final SecretKey secretKey;

    /** A fresh secret key. */
    public KeyGenerator(CkksContext context) {
        this.context = context;
        ContextData key = context.keyLevel();
        int n = context.n();
        long[] s = new long[key.primeCount() * n];
        NoiseSource.perThread().ternary(s, 0, n);
        Sampler.toRns(s, 0, n, key.primes(), s, 0);
        context.backend().forwardNtt(s, 0, 1, key.ntt());
        this.secretKey = new SecretKey(new Plaintext(key.parmsId(), 1.0, s));
    }

    /** Keys derived from an existing secret key (e.g. one loaded from a key store). */
    public KeyGenerator(CkksContext context, SecretKey secretKey) {
        if (!secretKey.parmsId().equals(context.keyLevel().parmsId())) {
            throw new IllegalArgumentException("secret key is not at this context's key level");
        }
        this.context = context;
        this.secretKey = secretKey;
    }

    public SecretKey secretKey() {
        return secretKey;
    }

    public PublicKey createPublicKey() {
        return new PublicKey(Encryptor.encryptZeroSymmetric(context, secretKey, context.keyLevel(), false));
    }

    /** Relinearization keys; seeded keys serialize at half the size and SEAL expands them identically. */
    public RelinKeys createRelinKeys(boolean seeded) {
        requireKeySwitching();
        ContextData key = context.keyLevel();
        long[] s = secretKey.data().data();
        long[] s2 = new long[s.length];
        context.backend().multiply(s, 0, s, 0, s2, 0, 1, key.moduli(), context.n());
        PublicKey[][] table = {switchingKey(s2, seeded)};
        return new RelinKeys(key.parmsId(), table);
    }

    /** Galois keys for rotations by the given steps (positive: left). */
    public GaloisKeys createGaloisKeysForSteps(int[] steps, boolean seeded) {
        return createGaloisKeys(context.galoisTool().eltsFromSteps(steps), seeded);
    }

    /** Galois keys for the given Galois elements (odd, below 2N). */
    public GaloisKeys createGaloisKeys(int[] galoisElts, boolean seeded) {
        requireKeySwitching();
        ContextData key = context.keyLevel();
        int n = context.n();
        PublicKey[][] table = new PublicKey[n][];
        for (int i = 0; i < n; i++) {
            table[i] = new PublicKey[0];
        }
        long[] rotated = new long[key.primeCount() * n];
        for (int elt : galoisElts) {
            context.galoisTool().checkElt(elt);
            int index = GaloisKeys.indexOf(elt);
            if (table[index].length > 0) {
                continue;
            }
            context.galoisTool().applyNtt(secretKey.data().data(), 0, key.primeCount(), elt, rotated, 0);
            table[index] = switchingKey(rotated, seeded);
        }
        return new GaloisKeys(key.parmsId(), table);
    }

    private void requireKeySwitching() {
        if (!context.usingKeySwitching()) {
            throw new IllegalStateException("these parameters have a single prime, so no special prime for key switching: use at least two primes");
        }
    }

    /**
     * One switching key from s to newKey: for each data prime j an encryption of zero at the key
     * level whose j-th residue of c0 also carries (P mod q_j)·newKey, P the special prime.
     */
    private PublicKey[] switchingKey(long[] newKey, boolean seeded) {
        ContextData key = context.keyLevel();
        int n = context.n();
        int decomp = key.primeCount() - 1;
        long special = key.primes()[key.primeCount() - 1];
        PublicKey[] keys = new PublicKey[decomp];
        for (int j = 0; j < decomp; j++) {
            Ciphertext ct = Encryptor.encryptZeroSymmetric(context, secretKey, key, seeded);
            var qj = key.moduli()[j];
            long factor = qj.reduce(special);
            long factorShoup = qj.shoup(factor);
            long[] c = ct.data();
            int off = j * n; // polynomial 0, prime j
            for (int i = 0; i < n; i++) {
                c[off + i] = qj.add(c[off + i], qj.mulShoup(newKey[off + i], factor, factorShoup));
            }
            keys[j] = new PublicKey(ct);
        }
        return keys;
    }
}
