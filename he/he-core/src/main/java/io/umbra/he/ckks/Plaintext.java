package io.umbra.he.ckks;

/**
 * A CKKS plaintext: one RNS polynomial in NTT form at one level (k·N words, prime-major), with the
 * scale its values were multiplied by. Mutable like SEAL's, but only through this package.
 */
public final class Plaintext {
    private final ParmsId parmsId;
    private final double scale;
    private final long[] data;

    public Plaintext(ParmsId parmsId, double scale, long[] data) {
        this.parmsId = parmsId;
        this.scale = scale;
        this.data = data;
    }

    public ParmsId parmsId() {
        return parmsId;
    }

    public double scale() {
        return scale;
    }

    /** The coefficients, k·N words; the array itself, not a copy. */
    public long[] data() {
        return data;
    }

    public int coeffCount() {
        return data.length;
    }
}
