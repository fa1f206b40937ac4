package io.umbra.he.ckks;

/** Keys that turn a size-3 ciphertext (after a multiplication) back into size 2: a switching key for s². */
public final class RelinKeys extends KSwitchKeys {
    public RelinKeys(ParmsId parmsId, PublicKey[][] keys) {
        super(parmsId, keys);
    }

    public boolean hasKey() {
        return key(0) != null;
    }
}
