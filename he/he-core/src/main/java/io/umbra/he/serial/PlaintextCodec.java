package io.umbra.he.serial;

import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.ParmsId;
import io.umbra.he.ckks.Plaintext;

/**
 * SEAL's {@code Plaintext} (also the body of a secret key): parms_id, u64 coefficient count (k·N
 * for an NTT-form CKKS plaintext), f64 scale, the coefficient array.
 */
final class PlaintextCodec {
    /** parms_id, coefficient count, scale. */
    static final int FIXED_BYTES = 32 + 8 + 8;

    private PlaintextCodec() {
    }

    static long bodySize(Plaintext pt) {
        return FIXED_BYTES + CoefficientArray.bytes(pt.coeffCount());
    }

    static void write(WireWriter w, Plaintext pt) {
        w.parmsId(pt.parmsId());
        w.u64(pt.coeffCount());
        w.f64(pt.scale());
        CoefficientArray.write(w, pt.data(), 0, pt.coeffCount());
    }

    static long maxBodySize(CkksContext ctx, boolean secretKey) {
        ContextData level = secretKey ? ctx.keyLevel() : ctx.firstData();
        return FIXED_BYTES + CoefficientArray.bytes((long) level.primeCount() * ctx.n());
    }

    /** Reads a plaintext at a data level, or with {@code secretKey} one at the key level with scale 1. */
    static Plaintext read(WireReader r, CkksContext ctx, boolean secretKey, String what) {
        ParmsId id = r.parmsId(what + " parms_id");
        ContextData level = Levels.require(ctx, id, secretKey, what);
        int words = level.primeCount() * ctx.n();
        long coeffCount = r.u64(what + " coefficient count");
        if (coeffCount != words) {
            throw SealFormatException.mismatch(what + " coefficient count", words + " (" + level.primeCount() + " primes × N=" + ctx.n() + ")",
                    Long.toUnsignedString(coeffCount));
        }
        double scale = r.f64(what + " scale");
        if (secretKey && scale != 1.0) {
            throw SealFormatException.mismatch(what + " scale", "1.0", scale);
        }
        Scales.check(scale, what);
        int[] end = new int[1];
        String field = what + " coefficient array";
        CoefficientArray.begin(r, field, words, -1, end);
        long[] data = new long[words];
        r.coefficients(data, 0, 1, level.primes(), ctx.n(), field);
        r.endNested(end[0], field);
        return new Plaintext(id, scale, data);
    }
}
