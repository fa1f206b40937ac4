package io.umbra.he.ckks;

/**
 * Key-switching keys as SEAL lays them out: {@code keys[i]} is one switching key (empty if absent),
 * itself one key-level ciphertext per data prime, the j-th hiding P·s' in its j-th residue (P the
 * special prime). Relinearization keys use index 0; Galois keys use index g/2 for element g.
 */
public class KSwitchKeys {
    private final ParmsId parmsId;
    private final PublicKey[][] keys;

    public KSwitchKeys(ParmsId parmsId, PublicKey[][] keys) {
        this.parmsId = parmsId;
        this.keys = keys;
    }

    public ParmsId parmsId() {
        return parmsId;
    }

    /** The raw table; the arrays themselves, not copies. */
    public PublicKey[][] keys() {
        return keys;
    }

    public int size() {
        int count = 0;
        for (PublicKey[] k : keys) {
            if (k.length > 0) {
                count++;
            }
        }
        return count;
    }

    PublicKey[] key(int index) {
        if (index < 0 || index >= keys.length || keys[index].length == 0) {
            return null;
        }
        return keys[index];
    }
}
