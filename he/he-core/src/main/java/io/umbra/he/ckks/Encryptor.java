package io.umbra.he.ckks;

import io.umbra.he.random.Blake2xbPrng;
import io.umbra.he.random.NoiseSource;
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
 * shrinks the u·e term; the plaintext is then added. For the same u and e the words equal SEAL's.
 * Randomness (u, e, public seeds) comes from the calling thread's {@link NoiseSource#perThread()
 * generator}; the uniform c1 of a symmetric ciphertext is SEAL's BLAKE2xb expansion of its public
 * seed. Thread-safe: instances may be shared; the public key's Shoup companions are computed once
 * here, since every encryption multiplies by the same key.
 */
public final class Encryptor {
    private final CkksContext context;
    private final PublicKey publicKey;
    private final SecretKey secretKey;
    /** floor(pk·2^64 / q) for every word of the public key, same layout. */
    private final long[] publicKeyShoup;

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
        this.publicKeyShoup = publicKey == null ? null : shoupTable(publicKey.data().data(), context.keyLevel(), 2);
    }

    /** A symmetric-only encryptor (the key-service side). */
    public static Encryptor symmetric(CkksContext context, SecretKey secretKey) {
        return new Encryptor(context, null, secretKey);
    }

    /** Public-key encryption of a plaintext at the plaintext's level. */
    public Ciphertext encrypt(Plaintext plain) {
        requirePublicKey();
        ContextData level = context.require(plain.parmsId());
        Ciphertext ct = encryptZeroAsymmetric(level, NoiseSource.perThread(), new Scratch(context.n(), level));
        addPlain(ct, plain, level);
        return ct;
    }

    /** Public-key encryption of many plaintexts (a batch of feature columns), sharing scratch space. */
    public Ciphertext[] encrypt(Plaintext[] plains) {
        requirePublicKey();
        NoiseSource noise = NoiseSource.perThread();
        Ciphertext[] out = new Ciphertext[plains.length];
        Scratch scratch = null;
        for (int i = 0; i < plains.length; i++) {
            ContextData level = context.require(plains[i].parmsId());
            if (scratch == null || !scratch.fits(level)) {
                scratch = new Scratch(context.n(), level);
            }
            out[i] = encryptZeroAsymmetric(level, noise, scratch);
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
        Ciphertext ct = encryptZeroSymmetric(context, secretKey, level, true, NoiseSource.perThread());
        addPlain(ct, plain, level);
        return ct;
    }

    private void requirePublicKey() {
        if (publicKey == null) {
            throw new IllegalStateException("this encryptor has no public key");
        }
    }

    private void addPlain(Ciphertext ct, Plaintext plain, ContextData level) {
        context.backend().add(ct.data(), 0, plain.data(), 0, ct.data(), 0, 1, level.moduli(), context.n());
        ct.scale(plain.scale());
    }

    /** Per-call working space of public-key encryption: reused across a batch. */
    private static final class Scratch {
        final long[] u;
        final long[] uNtt;
        final long[] e;
        final long[] last;
        final long[] t;

        Scratch(int n, ContextData target) {
            int kp = target.prev() == null ? target.primeCount() : target.prev().primeCount();
            u = new long[n];
            uNtt = new long[kp * n];
            e = new long[n];
            last = new long[n];
            t = new long[n];
        }

        boolean fits(ContextData target) {
            int kp = target.prev() == null ? target.primeCount() : target.prev().primeCount();
            return uNtt.length >= kp * u.length;
        }
    }

    /** Package-private for tests, which pin every word by passing a seeded {@link NoiseSource}. */
    Ciphertext encryptZeroAsymmetric(ContextData target, NoiseSource noise) {
        return encryptZeroAsymmetric(target, noise, new Scratch(context.n(), target));
    }

    private Ciphertext encryptZeroAsymmetric(ContextData target, NoiseSource noise, Scratch s) {
        ContextData above = target.prev();
        return above == null ? encryptZeroAsymmetricAt(target, noise, s) : encryptZeroAsymmetricDown(above, target, noise, s);
    }

    /** u in NTT form under each of the level's primes, from one ternary draw. */
    private void sampleU(ContextData level, NoiseSource noise, Scratch s) {
        int n = context.n();
        noise.ternary(s.u, 0, n);
        Sampler.toRns(s.u, 0, n, level.primes(), s.uNtt, 0);
        NttTables[] ntt = level.ntt();
        for (int j = 0; j < level.primeCount(); j++) {
            Ntt.forward(s.uNtt, j * n, ntt[j]);
        }
    }

    /** (u·pk0 + e0, u·pk1 + e1) at the key level itself, using all the public key's residues. */
    private Ciphertext encryptZeroAsymmetricAt(ContextData level, NoiseSource noise, Scratch s) {
        int n = context.n();
        int k = level.primeCount();
        int keyK = context.keyLevel().primeCount();
        Modulus[] moduli = level.moduli();
        long[] pk = publicKey.data().data();
        Ciphertext ct = Ciphertext.zeros(level, 2, 1.0);
        long[] c = ct.data();
        sampleU(level, noise, s);
        long[] e = s.t;
        for (int p = 0; p < 2; p++) {
            noise.centeredBinomial(s.e, 0, n);
            for (int j = 0; j < k; j++) {
                long q = moduli[j].value();
                for (int i = 0; i < n; i++) {
                    long v = s.e[i];
                    e[i] = v + ((v >> 63) & q);
                }
                Ntt.forward(e, 0, level.ntt()[j]);
                int keyOff = (p * keyK + j) * n;
                int out = (p * k + j) * n;
                long[] uNtt = s.uNtt;
                for (int i = 0; i < n; i++) {
                    long x = uNtt[j * n + i];
                    long y = pk[keyOff + i];
                    long prod = x * y - Math.unsignedMultiplyHigh(x, publicKeyShoup[keyOff + i]) * q - q;
                    prod += (prod >> 63) & q;
                    long sum = prod + e[i] - q;
                    c[out + i] = sum + ((sum >> 63) & q);
                }
            }
        }
        return ct;
    }

    /**
     * SEAL's public-key encryption at {@code target}: encrypt at the level above, then divide by its
     * last prime with rounding. Computed with fewer transforms than SEAL by linearity of the NTT: the
     * noise is added in coefficient form, where the division needs the values anyway, and each data
     * prime takes one forward NTT of (e − correction) instead of one for e and one for the
     * correction. u·pk is formed prime by prime with the key's Shoup companions and never stored.
     */
    private Ciphertext encryptZeroAsymmetricDown(ContextData above, ContextData target, NoiseSource noise, Scratch s) {
        int n = context.n();
        int kp = above.primeCount();
        int k = target.primeCount();
        int keyK = context.keyLevel().primeCount();
        Modulus[] moduli = above.moduli();
        NttTables[] ntt = above.ntt();
        long[] pk = publicKey.data().data();
        long[] pkS = publicKeyShoup;
        sampleU(above, noise, s);
        long[] uNtt = s.uNtt;
        long[] e = s.e;
        long[] last = s.last;
        long[] t = s.t;
        Ciphertext ct = Ciphertext.zeros(target, 2, 1.0);
        long[] out = ct.data();
        long qLast = moduli[kp - 1].value();
        long half = qLast >>> 1;
        for (int p = 0; p < 2; p++) {
            noise.centeredBinomial(e, 0, n);
            // The last prime in coefficient form: (u·pk_p + e) mod q_last, plus half for rounding.
            int keyLast = (p * keyK + kp - 1) * n;
            int uLast = (kp - 1) * n;
            for (int c = 0; c < n; c++) {
                long x = uNtt[uLast + c];
                long r = x * pk[keyLast + c] - Math.unsignedMultiplyHigh(x, pkS[keyLast + c]) * qLast - qLast;
                last[c] = r + ((r >> 63) & qLast);
            }
            Ntt.inverse(last, 0, ntt[kp - 1]);
            for (int c = 0; c < n; c++) {
                long v = e[c];
                long sum = last[c] + v + ((v >> 63) & qLast) - qLast; // + (e mod q_last)
                sum += (sum >> 63) & qLast;
                sum += half - qLast;
                last[c] = sum + ((sum >> 63) & qLast);
            }
            for (int i = 0; i < k; i++) {
                Modulus qi = moduli[i];
                long q = qi.value();
                long ratio = qi.ratioHi();
                long halfModQi = qi.reduce(half);
                for (int c = 0; c < n; c++) {
                    // t = e_i − ((last mod q_i) − half) mod q_i, all in [0, q_i)
                    long l = last[c];
                    long lr = l - Math.unsignedMultiplyHigh(l, ratio) * q - q; // Barrett: l mod q_i
                    lr += (lr >> 63) & q;
                    long corr = lr - halfModQi;
                    corr += (corr >> 63) & q;
                    long v = e[c];
                    long ei = v + ((v >> 63) & q);
                    long d = ei - corr;
                    t[c] = d + ((d >> 63) & q);
                }
                Ntt.forward(t, 0, ntt[i]);
                long inv = above.invLastModQi[i];
                long invS = above.invLastModQiShoup[i];
                int keyOff = (p * keyK + i) * n;
                int uOff = i * n;
                int oi = (p * k + i) * n;
                for (int c = 0; c < n; c++) {
                    long x = uNtt[uOff + c];
                    long prod = x * pk[keyOff + c] - Math.unsignedMultiplyHigh(x, pkS[keyOff + c]) * q - q;
                    prod += (prod >> 63) & q;                // (u·pk)_i in [0, q)
                    long sum = prod + t[c] - q;
                    sum += (sum >> 63) & q;
                    long r = sum * inv - Math.unsignedMultiplyHigh(sum, invS) * q - q;
                    out[oi + c] = r + ((r >> 63) & q);
                }
            }
        }
        return ct;
    }

    /** Shoup companions of {@code polys} key-level polynomials. */
    private static long[] shoupTable(long[] key, ContextData keyLevel, int polys) {
        int n = keyLevel.n();
        int k = keyLevel.primeCount();
        long[] out = new long[polys * k * n];
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                Modulus m = keyLevel.moduli()[j];
                int base = (p * k + j) * n;
                for (int i = 0; i < n; i++) {
                    out[base + i] = m.shoup(key[base + i]);
                }
            }
        }
        return out;
    }

    /**
     * (−(a·s + e), a) at a level, a expanded from a fresh public seed exactly as SEAL expands it, so
     * the seed alone can stand in for a on the wire. Used for symmetric encryption and for keys.
     */
    static Ciphertext encryptZeroSymmetric(CkksContext context, SecretKey secretKey, ContextData level, boolean keepSeed) {
        return encryptZeroSymmetric(context, secretKey, level, keepSeed, NoiseSource.perThread());
    }

    /** The same with the randomness from {@code noise}: the public seed first, then e. */
    static Ciphertext encryptZeroSymmetric(CkksContext context, SecretKey secretKey, ContextData level, boolean keepSeed,
                                           NoiseSource noise) {
        int n = context.n();
        int k = level.primeCount();
        long[] primes = level.primes();
        Modulus[] moduli = level.moduli();
        long[] publicSeed = new long[Blake2xbPrng.SEED_WORDS];
        noise.words(publicSeed, 0, publicSeed.length);
        Ciphertext ct = Ciphertext.zeros(level, 2, 1.0);
        long[] c = ct.data();
        int c1 = k * n;
        Sampler.uniform(Blake2xbPrng.ofSeed(publicSeed), primes, n, c, c1);
        long[] signed = new long[n];
        noise.centeredBinomial(signed, 0, n);
        long[] e = new long[n];
        long[] s = secretKey.data().data(); // its first k residues are its residues at this level
        for (int j = 0; j < k; j++) {
            Modulus m = moduli[j];
            long q = m.value();
            for (int i = 0; i < n; i++) {
                long v = signed[i];
                e[i] = v + ((v >> 63) & q);
            }
            Ntt.forward(e, 0, level.ntt()[j]);
            // c0 = −(a·s + e)
            int base = j * n;
            for (int i = 0; i < n; i++) {
                long a = c[c1 + base + i];
                long x = s[base + i];
                long sum = m.reduceWide(Math.unsignedMultiplyHigh(a, x), a * x) + e[i] - q;
                sum += (sum >> 63) & q;
                c[base + i] = (q - sum) & -((sum | -sum) >>> 63); // −0 = 0
            }
        }
        java.util.Arrays.fill(signed, 0L);
        if (keepSeed) {
            ct.seed(publicSeed);
        }
        return ct;
    }
}
