package io.umbra.he.ckks;

import io.umbra.he.backend.HeBackend;
import io.umbra.he.random.Blake2xbPrng;
import io.umbra.he.random.Sampler;
import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.Ntt;
import io.umbra.he.ring.NttTables;

/**
 * Encrypts CKKS plaintexts with the public key (what the encrypt-service does with a tenant's
 * public bundle) or with the secret key (seeded symmetric ciphertexts: half the bytes on the wire).
 *
 * <p>Public-key encryption follows SEAL: (u·pk0 + e0, u·pk1 + e1) with u ternary and e centered
 * binomial, computed one level above the target and divided by that level's last prime, which
 * shrinks the u·e term; the plaintext is then added. Not thread-safe only in that each call draws
 * its own PRNG; instances may be shared.
 */
public final class Encryptor {
    private final CkksContext context;
    private final PublicKey publicKey;
    private final SecretKey secretKey;

    public Encryptor(CkksContext context, PublicKey publicKey) {
        this(context, publicKey, null);
    }

    public Encryptor(CkksContext context, PublicKey publicKey, SecretKey secretKey) {
        if (publicKey != null && !publicKey.parmsId().equals(context.keyLevel().parmsId())) {
            throw new IllegalArgumentException("public key is not at this context's key level");
        }
        if (secretKey != null && !secretKey.parmsId().equals(context.keyLevel().parmsId())) {
            throw new IllegalArgumentException("secret key is not at this context's key level");
        }
        this.context = context;
        this.publicKey = publicKey;
        this.secretKey = secretKey;
    }

    /** A symmetric-only encryptor (the key-service side). */
    public static Encryptor symmetric(CkksContext context, SecretKey secretKey) {
        return new Encryptor(context, null, secretKey);
    }

    /** Public-key encryption of a plaintext at the plaintext's level. */
    public Ciphertext encrypt(Plaintext plain) {
        if (publicKey == null) {
            throw new IllegalStateException("this encryptor has no public key");
        }
        ContextData level = context.require(plain.parmsId());
        Ciphertext ct = encryptZeroAsymmetric(level, Blake2xbPrng.fromOs());
        addPlain(ct, plain, level);
        return ct;
    }

    /** Public-key encryption of many plaintexts with one PRNG (one OS seed read for the batch). */
    public Ciphertext[] encrypt(Plaintext[] plains) {
        if (publicKey == null) {
            throw new IllegalStateException("this encryptor has no public key");
        }
        Blake2xbPrng prng = Blake2xbPrng.fromOs();
        Ciphertext[] out = new Ciphertext[plains.length];
        for (int i = 0; i < plains.length; i++) {
            ContextData level = context.require(plains[i].parmsId());
            out[i] = encryptZeroAsymmetric(level, prng);
            addPlain(out[i], plains[i], level);
        }
        return out;
    }

    /** Symmetric encryption; the result remembers its seed and serializes seed-compressed. */
    public Ciphertext encryptSymmetric(Plaintext plain) {
        if (secretKey == null) {
            throw new IllegalStateException("this encryptor has no secret key");
        }
        ContextData level = context.require(plain.parmsId());
        Ciphertext ct = encryptZeroSymmetric(context, secretKey, level, true);
        addPlain(ct, plain, level);
        return ct;
    }

    private void addPlain(Ciphertext ct, Plaintext plain, ContextData level) {
        context.backend().add(ct.data(), 0, plain.data(), 0, ct.data(), 0, 1, level.moduli(), context.n());
        ct.scale(plain.scale());
    }

    private Ciphertext encryptZeroAsymmetric(ContextData target, Blake2xbPrng prng) {
        ContextData above = target.prev();
        return above == null ? encryptZeroAsymmetricAt(target, prng) : encryptZeroAsymmetricDown(above, target, prng);
    }

    /** (u·pk0 + e0, u·pk1 + e1) at one level, using the public key's residues for that level's primes. */
    private Ciphertext encryptZeroAsymmetricAt(ContextData level, Blake2xbPrng prng) {
        HeBackend backend = context.backend();
        int n = context.n();
        int k = level.primeCount();
        long[] primes = level.primes();
        Ciphertext ct = Ciphertext.zeros(level, 2, 1.0);
        long[] c = ct.data();
        long[] u = sampleTernaryNtt(level, prng);
        multiplyByPublicKey(u, level, c);
        long[] e = u; // reuse: u is no longer needed
        for (int p = 0; p < 2; p++) {
            Sampler.centeredBinomial(prng, primes, n, e, 0);
            backend.forwardNtt(e, 0, 1, level.ntt());
            backend.add(c, p * k * n, e, 0, c, p * k * n, 1, level.moduli(), n);
        }
        return ct;
    }

    /**
     * SEAL's public-key encryption at {@code target}: encrypt at the level above, then divide by its
     * last prime with rounding. Computed with fewer transforms than SEAL by linearity of the NTT: the
     * noise is added in coefficient form, where the division needs the values anyway, and each data
     * prime takes one forward NTT of (e − correction) instead of one for e and one for the
     * correction. The words produced equal SEAL's for the same u and e.
     */
    private Ciphertext encryptZeroAsymmetricDown(ContextData above, ContextData target, Blake2xbPrng prng) {
        int n = context.n();
        int kp = above.primeCount();
        int k = target.primeCount();
        Modulus[] moduli = above.moduli();
        NttTables[] ntt = above.ntt();
        long[] wide = new long[2 * kp * n];
        multiplyByPublicKey(sampleTernaryNtt(above, prng), above, wide);
        Ciphertext ct = Ciphertext.zeros(target, 2, 1.0);
        long[] out = ct.data();
        long[] e = new long[kp * n];
        long[] last = new long[n];
        long[] t = new long[n];
        Modulus lastMod = moduli[kp - 1];
        long qLast = lastMod.value();
        long half = qLast >>> 1;
        for (int p = 0; p < 2; p++) {
            Sampler.centeredBinomial(prng, above.primes(), n, e, 0);
            int w0 = p * kp * n;
            System.arraycopy(wide, w0 + (kp - 1) * n, last, 0, n);
            Ntt.inverse(last, 0, ntt[kp - 1]);
            int eLast = (kp - 1) * n;
            for (int c = 0; c < n; c++) {
                long v = last[c] + e[eLast + c];
                v -= v >= qLast ? qLast : 0;
                v += half;
                last[c] = v >= qLast ? v - qLast : v;
            }
            for (int i = 0; i < k; i++) {
                Modulus qi = moduli[i];
                long q = qi.value();
                long halfModQi = qi.reduce(half);
                int ei = i * n;
                for (int c = 0; c < n; c++) {
                    // t = e_i − ((last mod q_i) − half) mod q_i, all in [0, q_i)
                    long corr = qi.sub(qi.reduce(last[c]), halfModQi);
                    t[c] = qi.sub(e[ei + c], corr);
                }
                Ntt.forward(t, 0, ntt[i]);
                long inv = above.invLastModQi[i];
                long invS = above.invLastModQiShoup[i];
                int wi = w0 + i * n;
                int oi = (p * k + i) * n;
                for (int c = 0; c < n; c++) {
                    long s = wide[wi + c] + t[c];
                    s -= s >= q ? q : 0;
                    out[oi + c] = qi.mulShoup(s, inv, invS);
                }
            }
        }
        return ct;
    }

    private long[] sampleTernaryNtt(ContextData level, Blake2xbPrng prng) {
        long[] u = new long[level.primeCount() * context.n()];
        Sampler.ternary(prng, level.primes(), context.n(), u, 0);
        context.backend().forwardNtt(u, 0, 1, level.ntt());
        return u;
    }

    /** dst (2 polynomials at the level) = u ⊙ pk, using the key-level public key's first k residues. */
    private void multiplyByPublicKey(long[] u, ContextData level, long[] dst) {
        int n = context.n();
        int k = level.primeCount();
        int keyK = context.keyLevel().primeCount();
        long[] pk = publicKey.data().data();
        for (int p = 0; p < 2; p++) {
            context.backend().multiply(u, 0, pk, p * keyK * n, dst, p * k * n, 1, level.moduli(), n);
        }
    }

    /**
     * (−(a·s + e), a) at a level, a expanded from a fresh public seed exactly as SEAL expands it, so
     * the seed alone can stand in for a on the wire. Used for symmetric encryption and for keys.
     */
    static Ciphertext encryptZeroSymmetric(CkksContext context, SecretKey secretKey, ContextData level, boolean keepSeed) {
        HeBackend backend = context.backend();
        int n = context.n();
        int k = level.primeCount();
        long[] primes = level.primes();
        Blake2xbPrng bootstrap = Blake2xbPrng.fromOs();
        long[] publicSeed = new long[Blake2xbPrng.SEED_WORDS];
        bootstrap.generate(publicSeed, 0, publicSeed.length);
        Ciphertext ct = Ciphertext.zeros(level, 2, 1.0);
        long[] c = ct.data();
        int c1 = k * n;
        Sampler.uniform(Blake2xbPrng.ofSeed(publicSeed), primes, n, c, c1);
        long[] e = new long[k * n];
        Sampler.centeredBinomial(bootstrap, primes, n, e, 0);
        backend.forwardNtt(e, 0, 1, level.ntt());
        // c0 = −(a·s + e); the secret key's first k residues are its residues at this level.
        backend.multiply(secretKey.data().data(), 0, c, c1, c, 0, 1, level.moduli(), n);
        backend.add(c, 0, e, 0, c, 0, 1, level.moduli(), n);
        backend.negate(c, 0, c, 0, 1, level.moduli(), n);
        if (keepSeed) {
            ct.seed(publicSeed);
        }
        return ct;
    }
}
