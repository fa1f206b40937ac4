package io.umbra.he.ckks;

/** The public key: an encryption of zero at the key level, (−a·s + e, a). */
public final class PublicKey {
    private final Ciphertext data;

    public PublicKey(Ciphertext data) {
        this.data = data;
    }

    public Ciphertext data() {
        return data;
    }

    public ParmsId parmsId() {
        return data.parmsId();
    }
}
