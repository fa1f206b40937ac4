package io.umbra.he.ckks;

import io.umbra.he.backend.HeBackend;

/**
 * Homomorphic operations on CKKS ciphertexts, with SEAL's semantics and checks: operands must share
 * a level (parms_id) and, for additions, a scale; multiplications multiply scales, and
 * {@link #rescaleToNext} divides by the level's last prime. Holds no secret material: it is what the
 * scoring pool runs. Stateless and thread-safe; every operation returns a new ciphertext.
 */
public final class Evaluator {
    private final CkksContext context;
    private final HeBackend backend;

    public Evaluator(CkksContext context) {
        this.context = context;
        this.backend = context.backend();
    }

    public CkksContext context() {
        return context;
    }

    // ---- additive ----

    public Ciphertext add(Ciphertext a, Ciphertext b) {
        ContextData level = sameLevel(a, b);
        requireSameScale(a.scale(), b.scale());
        return addOrSub(a, b, level, false);
    }

    public Ciphertext sub(Ciphertext a, Ciphertext b) {
        ContextData level = sameLevel(a, b);
        requireSameScale(a.scale(), b.scale());
        return addOrSub(a, b, level, true);
    }

    private Ciphertext addOrSub(Ciphertext a, Ciphertext b, ContextData level, boolean subtract) {
        int block = level.primeCount() * context.n();
        Ciphertext big = a.size() >= b.size() ? a : b;
        Ciphertext out = Ciphertext.zeros(level, big.size(), a.scale());
        int common = Math.min(a.size(), b.size());
        if (subtract) {
            backend.sub(a.data(), 0, b.data(), 0, out.data(), 0, common, level.moduli(), context.n());
            if (b.size() > common) {
                backend.negate(b.data(), common * block, out.data(), common * block, b.size() - common, level.moduli(), context.n());
            }
        } else {
            backend.add(a.data(), 0, b.data(), 0, out.data(), 0, common, level.moduli(), context.n());
        }
        if (a.size() > common) {
            System.arraycopy(a.data(), common * block, out.data(), common * block, (a.size() - common) * block);
        } else if (!subtract && b.size() > common) {
            System.arraycopy(b.data(), common * block, out.data(), common * block, (b.size() - common) * block);
        }
        return out;
    }

    public Ciphertext negate(Ciphertext a) {
        ContextData level = context.require(a.parmsId());
        Ciphertext out = Ciphertext.zeros(level, a.size(), a.scale());
        backend.negate(a.data(), 0, out.data(), 0, a.size(), level.moduli(), context.n());
        return out;
    }

    public Ciphertext addPlain(Ciphertext a, Plaintext p) {
        ContextData level = samePlainLevel(a, p);
        requireSameScale(a.scale(), p.scale());
        Ciphertext out = a.copy();
        out.seed(null);
        backend.add(a.data(), 0, p.data(), 0, out.data(), 0, 1, level.moduli(), context.n());
        return out;
    }

    public Ciphertext subPlain(Ciphertext a, Plaintext p) {
        ContextData level = samePlainLevel(a, p);
        requireSameScale(a.scale(), p.scale());
        Ciphertext out = a.copy();
        out.seed(null);
        backend.sub(a.data(), 0, p.data(), 0, out.data(), 0, 1, level.moduli(), context.n());
        return out;
    }

    // ---- multiplicative ----

    public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
        ContextData level = samePlainLevel(a, p);
        double scale = checkedScale(a.scale() * p.scale(), level);
        Ciphertext out = Ciphertext.zeros(level, a.size(), scale);
        backend.multiplyBroadcast(a.data(), 0, p.data(), 0, out.data(), 0, a.size(), level.moduli(), context.n());
        return out;
    }

    /** Multiplies by a real constant encoded at {@code constantScale} (the result's scale is the product). */
    public Ciphertext multiplyConstant(Ciphertext a, double value, double constantScale) {
        ContextData level = context.require(a.parmsId());
        double scale = checkedScale(a.scale() * constantScale, level);
        long[] w = Scalars.residues(value, constantScale, level);
        Ciphertext out = Ciphertext.zeros(level, a.size(), scale);
        backend.multiplyScalar(a.data(), 0, w, out.data(), 0, a.size(), level.moduli(), context.n());
        return out;
    }

    public Ciphertext multiply(Ciphertext a, Ciphertext b) {
        ContextData level = sameLevel(a, b);
        double scale = checkedScale(a.scale() * b.scale(), level);
        int size = a.size() + b.size() - 1;
        Ciphertext out = Ciphertext.zeros(level, size, scale);
        if (a.size() == 2 && b.size() == 2) {
            backend.tensor(a.data(), 0, b.data(), 0, out.data(), 0, level.moduli(), context.n());
            return out;
        }
        int block = level.primeCount() * context.n();
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                backend.multiplyAccumulate(a.data(), i * block, b.data(), j * block, out.data(), (i + j) * block, 1, level.moduli(), context.n());
            }
        }
        return out;
    }

    public Ciphertext square(Ciphertext a) {
        return multiply(a, a);
    }

    /** Size 3 → 2 with the relinearization key for s². */
    public Ciphertext relinearize(Ciphertext a, RelinKeys keys) {
        if (a.size() == 2) {
            return a.copy();
        }
        if (a.size() != 3) {
            throw new IllegalArgumentException("relinearize handles size-3 ciphertexts, got size " + a.size());
        }
        requireKeys(keys);
        PublicKey[] key = keys.key(0);
        if (key == null) {
            throw new IllegalArgumentException("relinearization keys hold no key for s²");
        }
        ContextData level = context.require(a.parmsId());
        int block = level.primeCount() * context.n();
        Ciphertext out = Ciphertext.zeros(level, 2, a.scale());
        System.arraycopy(a.data(), 0, out.data(), 0, 2 * block);
        switchKey(out, level, a.data(), 2 * block, key);
        return out;
    }

    /** Divides by the level's last prime (rounding) and moves one level down; the scale shrinks accordingly. */
    public Ciphertext rescaleToNext(Ciphertext a) {
        ContextData level = context.require(a.parmsId());
        ContextData next = requireNext(level);
        Ciphertext out = Ciphertext.zeros(next, a.size(), a.scale() / level.primes()[level.primeCount() - 1]);
        backend.divideRoundLast(a.data(), 0, out.data(), 0, a.size(), level.moduli(), level.ntt(),
            level.invLastModQi, level.invLastModQiShoup);
        return out;
    }

    /** Drops the level's last prime without scaling: same value, same scale, one level down. */
    public Ciphertext modSwitchToNext(Ciphertext a) {
        ContextData level = context.require(a.parmsId());
        ContextData next = requireNext(level);
        Ciphertext out = Ciphertext.zeros(next, a.size(), a.scale());
        backend.dropLastPrime(a.data(), 0, out.data(), 0, a.size(), level.primeCount(), context.n());
        return out;
    }

    /** Mod-switches down until the ciphertext is at {@code target}. */
    public Ciphertext modSwitchTo(Ciphertext a, ParmsId target) {
        ContextData level = context.require(a.parmsId());
        ContextData goal = context.require(target);
        if (goal.chainIndex() > level.chainIndex()) {
            throw new IllegalArgumentException("cannot switch up the modulus chain (from " + level + " to " + goal + ")");
        }
        Ciphertext out = a;
        while (!out.parmsId().equals(target)) {
            out = modSwitchToNext(out);
        }
        return out == a ? a.copy() : out;
    }

    // ---- Galois ----

    /** Rotates the slot vector left by {@code steps} (right when negative). */
    public Ciphertext rotate(Ciphertext a, int steps, GaloisKeys keys) {
        return applyGalois(a, context.galoisTool().eltFromStep(steps), keys);
    }

    /** Complex conjugation of every slot. */
    public Ciphertext conjugate(Ciphertext a, GaloisKeys keys) {
        return applyGalois(a, 2 * context.n() - 1, keys);
    }

    public Ciphertext applyGalois(Ciphertext a, int galoisElt, GaloisKeys keys) {
        if (a.size() != 2) {
            throw new IllegalArgumentException("Galois automorphisms need a size-2 ciphertext (relinearize first), got size " + a.size());
        }
        requireKeys(keys);
        PublicKey[] key = keys.key(GaloisKeys.indexOf(galoisElt));
        if (key == null) {
            throw new IllegalArgumentException("Galois keys hold no key for element " + galoisElt + ": generate keys for this rotation step");
        }
        ContextData level = context.require(a.parmsId());
        int k = level.primeCount();
        int block = k * context.n();
        Ciphertext out = Ciphertext.zeros(level, 2, a.scale());
        GaloisTool tool = context.galoisTool();
        tool.applyNtt(a.data(), 0, k, galoisElt, out.data(), 0);
        long[] rotatedC1 = new long[block];
        tool.applyNtt(a.data(), block, k, galoisElt, rotatedC1, 0);
        switchKey(out, level, rotatedC1, 0, key);
        return out;
    }

    // ---- the linear model ----

    /**
     * The fused linear score Σ w_i·x_i + b over d ciphertexts at one level and scale: weights are
     * encoded at {@code weightScale}, the bias at the output scale (input scale × weightScale). One
     * pass over the data; no rotations, no relinearization. Rescale afterwards to bring the scale back.
     */
    public Ciphertext weightedSum(Ciphertext[] inputs, double[] weights, double bias, double weightScale) {
        if (inputs.length == 0 || inputs.length != weights.length) {
            throw new IllegalArgumentException("weighted sum needs as many weights as ciphertexts (got " + inputs.length + " and " + weights.length + ")");
        }
        ContextData level = context.require(inputs[0].parmsId());
        int size = inputs[0].size();
        long[][] data = new long[inputs.length][];
        long[][] w = new long[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            Ciphertext c = inputs[i];
            if (!c.parmsId().equals(level.parmsId())) {
                throw new IllegalArgumentException("ciphertext " + i + " is at another level than ciphertext 0");
            }
            if (c.size() != size) {
                throw new IllegalArgumentException("ciphertext " + i + " has size " + c.size() + ", ciphertext 0 has " + size);
            }
            requireSameScale(inputs[0].scale(), c.scale());
            data[i] = c.data();
            w[i] = Scalars.residues(weights[i], weightScale, level);
        }
        double scale = checkedScale(inputs[0].scale() * weightScale, level);
        int n = context.n();
        long[] biasPoly = null;
        if (bias != 0.0) {
            long[] b = Scalars.residues(bias, scale, level);
            biasPoly = new long[level.primeCount() * n];
            for (int j = 0; j < b.length; j++) {
                java.util.Arrays.fill(biasPoly, j * n, (j + 1) * n, b[j]); // a constant is constant in NTT form
            }
        }
        Ciphertext out = Ciphertext.zeros(level, size, scale);
        backend.weightedSum(data, 0, w, biasPoly, out.data(), 0, size, level.moduli(), n);
        return out;
    }

    /**
     * The linear fraud model as the scoring pool runs it: {@link #weightedSum} with the weights encoded
     * at the level's last prime, then one rescale by that prime, so the score comes out one level
     * down at exactly the input scale.
     */
    public Ciphertext linearScore(Ciphertext[] inputs, double[] weights, double bias) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("a linear score needs at least one ciphertext");
        }
        ContextData level = context.require(inputs[0].parmsId());
        requireNext(level);
        double weightScale = level.primes()[level.primeCount() - 1];
        return rescaleToNext(weightedSum(inputs, weights, bias, weightScale));
    }

    // ---- key switching ----

    /**
     * Adds to (out.c0, out.c1) a key switch of {@code target} (one NTT-form polynomial at out's
     * level) under {@code key}; the backend's kernel does the work (SEAL's algorithm).
     */
    private void switchKey(Ciphertext out, ContextData level, long[] target, int targetOff, PublicKey[] key) {
        ContextData keyLevel = context.keyLevel();
        int k = level.primeCount();
        if (key.length < k) {
            throw new IllegalArgumentException("switching key has " + key.length + " parts, the level needs " + k);
        }
        long[][] keyData = new long[k][];
        for (int j = 0; j < k; j++) {
            keyData[j] = key[j].data().data();
        }
        backend.switchKey(target, targetOff, k, keyData, keyLevel.moduli(), keyLevel.ntt(),
            keyLevel.invLastModQi, keyLevel.invLastModQiShoup, out.data(), 0);
    }

    // ---- checks ----

    private ContextData sameLevel(Ciphertext a, Ciphertext b) {
        if (!a.parmsId().equals(b.parmsId())) {
            throw new IllegalArgumentException("operands are at different levels: mod-switch one of them first");
        }
        return context.require(a.parmsId());
    }

    private ContextData samePlainLevel(Ciphertext a, Plaintext p) {
        if (!a.parmsId().equals(p.parmsId())) {
            throw new IllegalArgumentException("plaintext is encoded at another level than the ciphertext");
        }
        return context.require(a.parmsId());
    }

    private static void requireSameScale(double s1, double s2) {
        double bound = Math.ulp(1.0) * Math.max(Math.max(Math.abs(s1), Math.abs(s2)), 1.0);
        if (!(Math.abs(s1 - s2) < bound)) {
            throw new IllegalArgumentException("scale mismatch: " + s1 + " vs " + s2 + " (rescale or encode at the same scale)");
        }
    }

    private static double checkedScale(double scale, ContextData level) {
        int bits = (int) Math.floor(Math.log(scale) / Math.log(2)) + 1;
        if (!(scale > 0) || bits >= level.totalBitCount()) {
            throw new IllegalArgumentException("scale out of bounds: 2^" + (bits - 1) + " needs more than the "
                    + level.totalBitCount() + " bits of modulus left at " + level + "; rescale first");
        }
        return scale;
    }

    private ContextData requireNext(ContextData level) {
        ContextData next = level.next();
        if (next == null) {
            throw new IllegalArgumentException("already at the last level: no prime left to drop");
        }
        if (level == context.keyLevel()) {
            throw new IllegalArgumentException("ciphertexts do not live at the key level");
        }
        return next;
    }

    private void requireKeys(KSwitchKeys keys) {
        if (!keys.parmsId().equals(context.keyLevel().parmsId())) {
            throw new IllegalArgumentException("keys were made for other parameters");
        }
    }
}
