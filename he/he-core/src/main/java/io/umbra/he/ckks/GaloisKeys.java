package io.umbra.he.ckks;

/** Switching keys for Galois automorphisms (rotations, conjugation), indexed as SEAL does: g → g/2. */
public final class GaloisKeys extends KSwitchKeys {
    public GaloisKeys(ParmsId parmsId, PublicKey[][] keys) {
        super(parmsId, keys);
    }

    public static int indexOf(int galoisElt) {
        return galoisElt >>> 1;
    }

    public boolean hasKey(int galoisElt) {
        return key(indexOf(galoisElt)) != null;
    }
}
