package io.umbra.he.serial;

/**
 * SEAL's {@code DynArray<uint64_t>} as nested in ciphertexts and plaintexts: a header, a u64 count,
 * then the words. The count is checked against the shape the context dictates, and the words must be
 * present, before anything is allocated.
 */
final class CoefficientArray {
    private CoefficientArray() {
    }

    /** Bytes of the nested object holding {@code count} words. */
    static long bytes(long count) {
        return SealHeader.BYTES + 8 + 8 * count;
    }

    static void write(WireWriter w, long[] data, int off, int count) {
        w.nestedHeader(bytes(count));
        w.u64(count);
        w.longs(data, off, count);
    }

    /**
     * Reads the header and count of an array whose count must be {@code expected}, or
     * {@code alternative} when that is not negative (the seed-compressed case), and checks the
     * header's size matches the count. Returns the count; the reader is left at the first word, and
     * the part must end at {@code end[0]}.
     */
    static long begin(WireReader r, String field, long expected, long alternative, int[] end) {
        int start = r.position();
        end[0] = r.beginNested(field);
        long count = r.u64(field + " count");
        if (count != expected && (alternative < 0 || count != alternative)) {
            String exp = alternative < 0 ? String.valueOf(expected)
                    : expected + " (all polynomials) or " + alternative + " (seed-compressed: c0 only)";
            throw SealFormatException.mismatch(field + " count", exp, Long.toUnsignedString(count));
        }
        if (end[0] - start != bytes(count)) {
            throw SealFormatException.mismatch(field + " header size field", bytes(count) + " (header, count and " + count + " words)", end[0] - start);
        }
        r.require(8 * count, field); // the words must be there before anyone allocates for them
        return count;
    }
}
