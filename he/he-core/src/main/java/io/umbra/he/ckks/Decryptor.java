package io.umbra.he.ckks;

import io.umbra.he.backend.HeBackend;
import io.umbra.he.ring.Modulus;

/**
 * Decrypts with the secret key: m = c0 + c1·s + c2·s² + … at the ciphertext's level, in NTT form.
 * Only the bank's key-service ever constructs one.
 */
public final class Decryptor {
    private final CkksContext context;
    private final SecretKey secretKey;

    public Decryptor(CkksContext context, SecretKey secretKey) {
        if (!secretKey.parmsId().equals(context.keyLevel().parmsId())) {
            throw new IllegalArgumentException("secret key is not at this context's key level");
        }
        this.context = context;
        this.secretKey = secretKey;
    }

    public Plaintext decrypt(Ciphertext ct) {
        ContextData level = context.require(ct.parmsId());
        if (ct.primeCount() != level.primeCount() || ct.n() != context.n()) {
            throw new IllegalArgumentException("ciphertext shape does not match its parms_id");
        }
        HeBackend backend = context.backend();
        int n = context.n();
        int k = level.primeCount();
        int block = k * n;
        long[] c = ct.data();
        long[] m = new long[block];
        long[] sk = secretKey.data().data(); // its first k residues are its residues at this level
        Modulus[] moduli = level.moduli();
        // c0 + c1·s in one pass per prime: the common case, and the one the bank's key-service runs per batch.
        if (ct.size() < 2) {
            System.arraycopy(c, 0, m, 0, block);
            return new Plaintext(level.parmsId(), ct.scale(), m);
        }
        for (int j = 0; j < k; j++) {
            Modulus mod = moduli[j];
            long q = mod.value();
            int base = j * n;
            for (int i = 0; i < n; i++) {
                long x = c[block + base + i];
                long y = sk[base + i];
                long sum = c[base + i] + mod.reduceWide(Math.unsignedMultiplyHigh(x, y), x * y) - q;
                m[base + i] = sum + ((sum >> 63) & q);
            }
        }
        if (ct.size() > 2) {
            long[] sPower = new long[block];
            System.arraycopy(sk, 0, sPower, 0, block);
            for (int i = 2; i < ct.size(); i++) {
                backend.multiply(sPower, 0, sk, 0, sPower, 0, 1, moduli, n);
                backend.multiplyAccumulate(c, i * block, sPower, 0, m, 0, 1, moduli, n);
            }
            java.util.Arrays.fill(sPower, 0L);
        }
        return new Plaintext(level.parmsId(), ct.scale(), m);
    }
}
