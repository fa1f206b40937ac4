package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.ParmsId;
import io.umbra.he.random.Blake2xbPrng;
import io.umbra.he.random.Sampler;

/**
 * SEAL's {@code Ciphertext} (also the body of a public key): parms_id, NTT flag, size, N, prime
 * count, scale, correction factor, the coefficient array, and for a seed-compressed ciphertext only
 * c0 in the array followed by the seed object, from which c1 is regenerated with SEAL's sampler.
 */
final class CiphertextCodec {
    /** parms_id, NTT flag, size, N, prime count, scale, correction factor. */
    static final int FIXED_BYTES = 32 + 1 + 8 + 8 + 8 + 8 + 8;

    private CiphertextCodec() {
    }

    /** Whether {@code ct} is written seed-compressed under these options. */
    static boolean seeded(Ciphertext ct, SaveOptions options) {
        return !options.expandSeeds() && ct.size() == 2 && ct.seed() != null;
    }

    static long bodySize(Ciphertext ct, boolean seeded) {
        long words = seeded ? (long) ct.primeCount() * ct.n() : ct.data().length;
        return FIXED_BYTES + CoefficientArray.bytes(words) + (seeded ? SeedCodec.BYTES : 0);
    }

    static void write(WireWriter w, Ciphertext ct, boolean seeded) {
        w.parmsId(ct.parmsId());
        w.u8(1);
        w.u64(ct.size());
        w.u64(ct.n());
        w.u64(ct.primeCount());
        w.f64(ct.scale());
        w.u64(1);
        int words = seeded ? ct.primeCount() * ct.n() : ct.data().length;
        CoefficientArray.write(w, ct.data(), 0, words);
        if (seeded) {
            SeedCodec.write(w, ct.seed());
        }
    }

    /** Largest body a ciphertext (or, with {@code publicKey}, a public key) can have under {@code ctx}. */
    static long maxBodySize(CkksContext ctx, boolean publicKey) {
        ContextData level = publicKey ? ctx.keyLevel() : ctx.firstData();
        long polys = publicKey ? 2 : Seal.MAX_CIPHERTEXT_SIZE;
        return FIXED_BYTES + CoefficientArray.bytes(polys * level.primeCount() * ctx.n()) + SeedCodec.BYTES;
    }

    /** Reads a ciphertext at a data level, or with {@code publicKey} a size-2 one at the key level. */
    static Ciphertext read(WireReader r, CkksContext ctx, boolean publicKey, String what) {
        ParmsId id = r.parmsId(what + " parms_id");
        ContextData level = Levels.require(ctx, id, publicKey, what);
        int ntt = r.u8(what + " NTT-form flag");
        if (ntt != 1) {
            throw SealFormatException.mismatch(what + " NTT-form flag", "1 (CKKS data is kept in NTT form)", ntt);
        }
        int size = (int) r.count(what + " size (polynomials)", 2, publicKey ? 2 : Seal.MAX_CIPHERTEXT_SIZE);
        long n = r.u64(what + " poly modulus degree");
        if (n != ctx.n()) {
            throw SealFormatException.mismatch(what + " poly modulus degree", ctx.n(), Long.toUnsignedString(n));
        }
        long k = r.u64(what + " prime count");
        if (k != level.primeCount()) {
            throw SealFormatException.mismatch(what + " prime count", level.primeCount() + " (the primes of its level)", Long.toUnsignedString(k));
        }
        double scale = r.f64(what + " scale");
        Scales.check(scale, what);
        long correction = r.u64(what + " correction factor");
        if (correction != 1) {
            throw SealFormatException.mismatch(what + " correction factor", "1 (only BGV uses another)", Long.toUnsignedString(correction));
        }
        int polyWords = level.primeCount() * ctx.n();
        int[] end = new int[1];
        String field = what + " coefficient array";
        long count = CoefficientArray.begin(r, field, (long) size * polyWords, size == 2 ? polyWords : -1, end);
        long[] data = new long[size * polyWords];
        int polys = (int) (count / polyWords);
        r.coefficients(data, 0, polys, level.primes(), ctx.n(), field);
        r.endNested(end[0], field);
        long[] seed = null;
        if (polys < size) {
            seed = SeedCodec.read(r, what);
            Sampler.uniform(Blake2xbPrng.ofSeed(seed), level.primes(), ctx.n(), data, polyWords);
        }
        Ciphertext ct = new Ciphertext(id, size, ctx.n(), level.primeCount(), scale, data);
        ct.seed(seed);
        return ct;
    }
}
