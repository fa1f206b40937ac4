package io.umbra.he.serial;

import java.util.Objects;

/**
 * How {@link Seal#save} writes an object: the compression of the outer object, and whether seeded
 * ciphertexts and keys are written expanded (c1 in full, as SEAL writes a loaded object) instead of
 * SEAL's seed-compressed form (c0 plus the 64-byte seed, half the bytes; the default).
 */
public record SaveOptions(Compression compression, boolean expandSeeds) {
    /** No compression, seeded objects seed-compressed: what SEAL writes for a "serializable" object. */
    public static final SaveOptions DEFAULT = new SaveOptions(Compression.NONE, false);

    public SaveOptions {
        Objects.requireNonNull(compression, "compression");
    }

    public static SaveOptions of(Compression compression) {
        return new SaveOptions(compression, false);
    }

    public SaveOptions withCompression(Compression c) {
        return new SaveOptions(c, expandSeeds);
    }

    /** The same options, but seeded objects written with c1 in full. */
    public SaveOptions withExpandedSeeds() {
        return new SaveOptions(compression, true);
    }
}
