package io.umbra.he.serial;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The 16-byte header in front of every SEAL object and every nested part of one: magic
 * {@code 0xA15E}, header size 16, version 4.1, compression mode, two reserved zero bytes, and the
 * total size of the object including this header, all little-endian.
 *
 * <p>SEAL 4.1 also reads headers of SEAL 3.4 to 3.7 files, but then parses their bodies with the
 * older layouts (no correction factor, other seed formats). We cannot prove those layouts against a
 * reference, so such files are refused with a message that says so, rather than misread.
 */
public record SealHeader(int versionMajor, int versionMinor, Compression compression, long size) {
    public static final int MAGIC = 0xA15E;
    public static final int BYTES = 16;
    public static final int VERSION_MAJOR = 4;
    public static final int VERSION_MINOR = 1;

    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** A SEAL 4.1 header. */
    public static SealHeader of(Compression compression, long size) {
        return new SealHeader(VERSION_MAJOR, VERSION_MINOR, compression, size);
    }

    /**
     * Reads and checks the header at {@code off}. {@code available} is how many bytes from
     * {@code off} on belong to the enclosing buffer; the size field must fit in them (callers that
     * need an exact fit check that too). {@code what} names the object in messages.
     */
    public static SealHeader read(byte[] bytes, int off, int available, String what) {
        if (available < BYTES) {
            throw new SealFormatException(what + " header: truncated, needs " + BYTES + " bytes, found " + Math.max(available, 0));
        }
        int magic = (short) LE16.get(bytes, off) & 0xFFFF;
        if (magic != MAGIC) {
            throw SealFormatException.mismatch(what + " header magic", "0xA15E (bytes 5E A1)", hex16(magic) + " — not a SEAL object");
        }
        int headerSize = bytes[off + 2] & 0xFF;
        if (headerSize == 0) {
            throw new SealFormatException(what + " header: a SEAL 3.4 header (byte 2 is 0 where SEAL 3.5+ writes the header size 16);"
                    + " files from SEAL 3.x are not supported, re-save them with SEAL 4.1");
        }
        if (headerSize != BYTES) {
            throw SealFormatException.mismatch(what + " header size byte", BYTES, headerSize);
        }
        int major = bytes[off + 3] & 0xFF;
        int minor = bytes[off + 4] & 0xFF;
        if (major != VERSION_MAJOR || minor != VERSION_MINOR) {
            String hint = major == 3 && minor >= 4
                    ? " (a SEAL 3.x file: SEAL 4.1 reads it with the 3.x body layouts, which Umbra does not; re-save it with SEAL 4.1)"
                    : "";
            throw SealFormatException.mismatch(what + " header version", "4.1", major + "." + minor + hint);
        }
        int mode = bytes[off + 5] & 0xFF;
        Compression compression = Compression.fromWire(mode);
        if (compression == null) {
            throw SealFormatException.mismatch(what + " header compression mode", "0 (none), 1 (zlib) or 2 (zstd)", mode);
        }
        int reserved = (short) LE16.get(bytes, off + 6) & 0xFFFF;
        if (reserved != 0) {
            throw SealFormatException.mismatch(what + " header reserved bytes 6-7", "0", hex16(reserved));
        }
        long size = (long) LE64.get(bytes, off + 8);
        if (Long.compareUnsigned(size, BYTES) < 0 || Long.compareUnsigned(size, available) > 0) {
            throw new SealFormatException(what + " header size field: expected " + BYTES + " to " + available
                    + " (the bytes there are), found " + Long.toUnsignedString(size));
        }
        return new SealHeader(major, minor, compression, size);
    }

    /** Writes this header at {@code off}. */
    public void write(byte[] dst, int off) {
        LE16.set(dst, off, (short) MAGIC);
        dst[off + 2] = BYTES;
        dst[off + 3] = (byte) versionMajor;
        dst[off + 4] = (byte) versionMinor;
        dst[off + 5] = (byte) compression.wireValue();
        dst[off + 6] = 0;
        dst[off + 7] = 0;
        LE64.set(dst, off + 8, size);
    }

    public byte[] toBytes() {
        byte[] b = new byte[BYTES];
        write(b, 0);
        return b;
    }

    private static String hex16(int v) {
        return String.format("0x%04X", v);
    }
}
