package io.umbra.he.serial;

import io.umbra.he.random.Blake2xbPrng;

/**
 * SEAL's {@code UniformRandomGeneratorInfo} as it follows the c0 array of a seed-compressed
 * ciphertext: a nested object of 81 bytes (header, one PRNG-type byte, the 64-byte seed).
 */
final class SeedCodec {
    static final int BYTES = SealHeader.BYTES + 1 + Blake2xbPrng.SEED_BYTES;
    /** SEAL's {@code prng_type}: 0 unknown, 1 BLAKE2xb, 2 SHAKE256. */
    static final int PRNG_BLAKE2XB = 1;
    static final int PRNG_SHAKE256 = 2;

    private SeedCodec() {
    }

    static void write(WireWriter w, long[] seed) {
        w.nestedHeader(BYTES);
        w.u8(PRNG_BLAKE2XB);
        w.longs(seed, 0, Blake2xbPrng.SEED_WORDS);
    }

    /** Reads the seed object; only BLAKE2xb seeds can be expanded here (and are what SEAL and node-seal write). */
    static long[] read(WireReader r, String what) {
        String field = what + " seed";
        int end = r.beginNested(field);
        int type = r.u8(field + " PRNG type");
        switch (type) {
            case PRNG_BLAKE2XB -> {
            }
            case PRNG_SHAKE256 -> throw SealFormatException.mismatch(field + " PRNG type", "1 (BLAKE2xb)",
                    "2 (SHAKE256, which SEAL builds without BLAKE2 use; not supported here)");
            case 0 -> throw SealFormatException.mismatch(field + " PRNG type", "1 (BLAKE2xb)", "0 (unknown: SEAL refuses it too)");
            default -> throw SealFormatException.mismatch(field + " PRNG type", "1 (BLAKE2xb)", type + " (no such SEAL PRNG)");
        }
        long[] seed = new long[Blake2xbPrng.SEED_WORDS];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = r.u64(field + " bytes");
        }
        r.endNested(end, field);
        return seed;
    }

    /** For inspection: reads the object and returns its PRNG type without judging it. */
    static int peekType(WireReader r, String what) {
        String field = what + " seed";
        int end = r.beginNested(field);
        int type = r.u8(field + " PRNG type");
        r.skip(Blake2xbPrng.SEED_BYTES, field + " bytes");
        r.endNested(end, field);
        return type;
    }
}
