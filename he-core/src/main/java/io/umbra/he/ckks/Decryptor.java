package io.umbra.he.ckks;

import io.umbra.he.backend.HeBackend;

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
        System.arraycopy(c, 0, m, 0, block);
        long[] sPower = new long[block];
        System.arraycopy(secretKey.data().data(), 0, sPower, 0, block);
        long[] s = sPower.clone();
        for (int i = 1; i < ct.size(); i++) {
            if (i > 1) {
                backend.multiply(sPower, 0, s, 0, sPower, 0, 1, level.moduli(), n);
            }
            backend.multiplyAccumulate(c, i * block, sPower, 0, m, 0, 1, level.moduli(), n);
        }
        java.util.Arrays.fill(sPower, 0L);
        java.util.Arrays.fill(s, 0L);
        return new Plaintext(level.parmsId(), ct.scale(), m);
    }
}
