package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.KSwitchKeys;
import io.umbra.he.ckks.ParmsId;
import io.umbra.he.ckks.PublicKey;

/**
 * SEAL's {@code KSwitchKeys} (relinearization and Galois keys): parms_id, u64 dim1, then per entry a
 * u64 dim2 followed by that many public keys, each a complete nested ciphertext object with its own
 * header (seed-compressed when the keys were made "serializable").
 */
final class KSwitchKeysCodec {
    /** parms_id and dim1. */
    static final int FIXED_BYTES = 32 + 8;

    private KSwitchKeysCodec() {
    }

    /** The loaded table and the parms_id it was saved with. */
    record Table(ParmsId parmsId, PublicKey[][] keys) {
    }

    static long bodySize(KSwitchKeys keys, SaveOptions options) {
        long size = FIXED_BYTES;
        for (PublicKey[] entry : keys.keys()) {
            size += 8;
            for (PublicKey pk : entry) {
                Ciphertext ct = pk.data();
                size += SealHeader.BYTES + CiphertextCodec.bodySize(ct, CiphertextCodec.seeded(ct, options));
            }
        }
        return size;
    }

    static void write(WireWriter w, KSwitchKeys keys, SaveOptions options) {
        w.parmsId(keys.parmsId());
        w.u64(keys.keys().length);
        for (PublicKey[] entry : keys.keys()) {
            w.u64(entry.length);
            for (PublicKey pk : entry) {
                Ciphertext ct = pk.data();
                boolean seeded = CiphertextCodec.seeded(ct, options);
                w.nestedHeader(SealHeader.BYTES + CiphertextCodec.bodySize(ct, seeded));
                CiphertextCodec.write(w, ct, seeded);
            }
        }
    }

    /** Largest body with at most {@code maxEntries} entries, every one full, capped at what we ever decompress. */
    static long maxBodySize(CkksContext ctx, long maxEntries) {
        long perKey = SealHeader.BYTES + CiphertextCodec.maxBodySize(ctx, true);
        long decomp = ctx.firstData().primeCount();
        double size = FIXED_BYTES + maxEntries * (8 + (double) decomp * perKey);
        return (long) Math.min(size, Seal.MAX_DECOMPRESSED_BYTES);
    }

    /** Reads the table; entries must be empty or hold one key per data prime, all at the key level. */
    static Table read(WireReader r, CkksContext ctx, long maxEntries, String what) {
        if (!ctx.usingKeySwitching()) {
            throw new SealFormatException(what + ": this context has a single prime, so no special prime and no key switching;"
                    + " it cannot hold " + what);
        }
        ParmsId id = r.parmsId(what + " parms_id");
        Levels.require(ctx, id, true, what);
        int dim1 = (int) r.count(what + " entry count (dim1)", 0, maxEntries);
        int decomp = ctx.firstData().primeCount();
        PublicKey[][] keys = new PublicKey[dim1][];
        for (int i = 0; i < dim1; i++) {
            long dim2 = r.u64(what + " entry " + i + " key count (dim2)");
            if (dim2 != 0 && dim2 != decomp) {
                throw SealFormatException.mismatch(what + " entry " + i + " key count (dim2)",
                        "0 (no key) or " + decomp + " (one per data prime)", Long.toUnsignedString(dim2));
            }
            keys[i] = new PublicKey[(int) dim2];
            for (int j = 0; j < dim2; j++) {
                String part = what + " entry " + i + " part " + j;
                int end = r.beginNested(part);
                keys[i][j] = new PublicKey(CiphertextCodec.read(r, ctx, true, part));
                r.endNested(end, part);
            }
        }
        return new Table(id, keys);
    }
}
