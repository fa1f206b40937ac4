package io.umbra.he.serial;

import io.umbra.he.ckks.EncryptionParameters;

/**
 * SEAL's {@code EncryptionParameters}: u8 scheme, u64 N, u64 k, k nested {@code Modulus} objects
 * (header + u64), and the plain modulus as one more (0 for CKKS).
 */
final class ParametersCodec {
    /** SEAL_POLY_MOD_DEGREE_MAX. */
    static final long MAX_DEGREE = 131072;
    /** SEAL_COEFF_MOD_COUNT_MAX. */
    static final int MAX_PRIMES = 64;
    /** SEAL's Modulus holds at most 61 bits. */
    static final int MODULUS_MAX_BITS = 61;
    static final int MODULUS_BYTES = SealHeader.BYTES + 8;
    static final long MAX_BODY = 1 + 8 + 8 + (MAX_PRIMES + 1L) * MODULUS_BYTES;
    static final String[] SCHEMES = {"none", "BFV", "CKKS", "BGV"};

    private ParametersCodec() {
    }

    /** The fields as read, before Umbra judges them. */
    record Fields(int scheme, long n, long[] primes, long plainModulus) {
    }

    static long bodySize(EncryptionParameters p) {
        return 1 + 8 + 8 + (p.primes().length + 1L) * MODULUS_BYTES;
    }

    static void write(WireWriter w, EncryptionParameters p) {
        long[] primes = p.primes();
        w.u8(EncryptionParameters.SCHEME_CKKS);
        w.u64(p.polyModulusDegree());
        w.u64(primes.length);
        for (long q : primes) {
            writeModulus(w, q);
        }
        writeModulus(w, 0);
    }

    private static void writeModulus(WireWriter w, long value) {
        w.nestedHeader(MODULUS_BYTES);
        w.u64(value);
    }

    /** Reads the structure with SEAL's own bounds (any scheme, N ≤ 2^17, k ≤ 64, moduli ≤ 61 bits). */
    static Fields readFields(WireReader r, String what) {
        int scheme = r.u8(what + " scheme");
        if (scheme >= SCHEMES.length) {
            throw SealFormatException.mismatch(what + " scheme", "0 to 3 (none, BFV, CKKS, BGV)", scheme);
        }
        long n = r.count(what + " poly modulus degree", 0, MAX_DEGREE);
        int k = (int) r.count(what + " coefficient modulus count", 0, MAX_PRIMES);
        long[] primes = new long[k];
        for (int i = 0; i < k; i++) {
            primes[i] = readModulus(r, what + " coefficient modulus " + i);
        }
        long plain = readModulus(r, what + " plain modulus");
        return new Fields(scheme, n, primes, plain);
    }

    private static long readModulus(WireReader r, String field) {
        int end = r.beginNested(field);
        long v = r.u64(field + " value");
        if (Long.numberOfLeadingZeros(v) < 64 - MODULUS_MAX_BITS) {
            throw SealFormatException.mismatch(field + " value", "at most 61 bits", Long.toUnsignedString(v));
        }
        r.endNested(end, field);
        return v;
    }

    static EncryptionParameters read(WireReader r, String what) {
        Fields f = readFields(r, what);
        if (f.scheme() != EncryptionParameters.SCHEME_CKKS) {
            throw SealFormatException.mismatch(what + " scheme", "2 (CKKS)", f.scheme() + " (" + SCHEMES[f.scheme()] + ")");
        }
        if (f.plainModulus() != 0) {
            throw SealFormatException.mismatch(what + " plain modulus", "0 (CKKS has none)", f.plainModulus());
        }
        try {
            return EncryptionParameters.ofPrimes((int) f.n(), f.primes());
        } catch (IllegalArgumentException e) {
            throw new SealFormatException(what + ": well-formed, but not parameters Umbra accepts: " + e.getMessage(), e);
        }
    }
}
