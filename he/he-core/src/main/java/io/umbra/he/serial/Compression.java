package io.umbra.he.serial;

/**
 * SEAL's {@code compr_mode_type}: how everything after the outer 16-byte header is stored. SEAL
 * compresses only the outermost object; nested parts are always {@link #NONE}.
 */
public enum Compression {
    NONE(0),
    /** zlib (DEFLATE in a zlib wrapper) at zlib's default level, as SEAL writes it. */
    ZLIB(1),
    /** One zstd frame at level 3 with the content size pledged, as SEAL writes it. */
    ZSTD(2);

    private final int wireValue;

    Compression(int wireValue) {
        this.wireValue = wireValue;
    }

    /** The byte in the header. */
    public int wireValue() {
        return wireValue;
    }

    /** The mode with this header byte, or null when SEAL has no such mode. */
    public static Compression fromWire(int value) {
        for (Compression c : values()) {
            if (c.wireValue == value) {
                return c;
            }
        }
        return null;
    }
}
