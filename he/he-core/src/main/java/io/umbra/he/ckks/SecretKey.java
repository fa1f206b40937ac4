package io.umbra.he.ckks;

/**
 * The secret key s: a ternary polynomial held in NTT form at the key level (all primes), as SEAL
 * stores it. Never leaves the bank zone; {@link #destroy()} overwrites it.
 */
public final class SecretKey {
    private final Plaintext data;

    public SecretKey(Plaintext data) {
        this.data = data;
    }

    public Plaintext data() {
        return data;
    }

    public ParmsId parmsId() {
        return data.parmsId();
    }

    /** Overwrites the key material in memory. */
    public void destroy() {
        java.util.Arrays.fill(data.data(), 0L);
    }

    @Override
    public String toString() {
        return "SecretKey[redacted]";
    }
}
