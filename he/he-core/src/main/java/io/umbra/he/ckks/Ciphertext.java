package io.umbra.he.ckks;

/**
 * A CKKS ciphertext: {@code size} RNS polynomials (2 when fresh, 3 after a multiplication) in NTT
 * form at one level, flat in SEAL's order (polynomial → prime → coefficient), with its scale.
 *
 * <p>A ciphertext made by symmetric encryption remembers the public seed its c1 was expanded from,
 * so it can be written in SEAL's seed-compressed form (half the bytes). Any operation producing a
 * new ciphertext drops the seed.
 */
public final class Ciphertext {
    private final ParmsId parmsId;
    private final int size;
    private final int n;
    private final int primeCount;
    private final long[] data;
    private double scale;
    private long[] seed;

    public Ciphertext(ParmsId parmsId, int size, int n, int primeCount, double scale, long[] data) {
        if ((long) size * n * primeCount != data.length) {
            throw new IllegalArgumentException("ciphertext data has " + data.length + " words, expected " + ((long) size * n * primeCount));
        }
        this.parmsId = parmsId;
        this.size = size;
        this.n = n;
        this.primeCount = primeCount;
        this.scale = scale;
        this.data = data;
    }

    /** A zero ciphertext of the given shape at a level. */
    public static Ciphertext zeros(ContextData level, int size, double scale) {
        int n = level.n();
        int k = level.primeCount();
        return new Ciphertext(level.parmsId(), size, n, k, scale, new long[size * k * n]);
    }

    public ParmsId parmsId() {
        return parmsId;
    }

    public int size() {
        return size;
    }

    public int n() {
        return n;
    }

    public int primeCount() {
        return primeCount;
    }

    public double scale() {
        return scale;
    }

    void scale(double newScale) {
        this.scale = newScale;
    }

    /** All polynomials; the array itself, not a copy. */
    public long[] data() {
        return data;
    }

    /** Offset of polynomial i in {@link #data()}. */
    public int polyOffset(int i) {
        return i * primeCount * n;
    }

    /** The 8-word public seed c1 was expanded from, or null. */
    public long[] seed() {
        return seed == null ? null : seed.clone();
    }

    /** Marks c1 as the expansion of this seed (used by symmetric encryption and by loaders). */
    public void seed(long[] seed) {
        if (seed != null && seed.length != 8) {
            throw new IllegalArgumentException("a SEAL PRNG seed has 8 words");
        }
        this.seed = seed == null ? null : seed.clone();
    }

    public Ciphertext copy() {
        Ciphertext c = new Ciphertext(parmsId, size, n, primeCount, scale, data.clone());
        c.seed = seed == null ? null : seed.clone();
        return c;
    }
}
