package io.umbra.he.serial;

import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.ParmsId;
import io.umbra.he.hash.ParmsIdHash;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@link Seal#inspect}: guesses the kind of a SEAL object from its structure alone (each kind is
 * tried in turn; the first that reads to the last byte wins) and describes its shape. Structure
 * only, with SEAL's generic bounds; coefficients are skipped, never allocated. Given a context, it
 * also resolves levels and runs the real loader to say whether the object is valid there.
 */
final class Inspector {
    private static final String WHAT = "SEAL object";

    private Inspector() {
    }

    /** What a probe found: the kind, its description lines, and the full loader to validate it with. */
    private record Found(String kind, List<String> lines, Function<byte[], ?> loader) {
    }

    @FunctionalInterface
    private interface Probe {
        Found read(WireReader r, CkksContext ctx);
    }

    static String describe(byte[] bytes, CkksContext ctx) {
        WireReader body = Seal.open(bytes, WHAT, Seal.MAX_DECOMPRESSED_BYTES);
        SealHeader h = SealHeader.read(bytes, 0, bytes.length, WHAT);
        StringBuilder out = new StringBuilder();
        out.append("SEAL ").append(h.versionMajor()).append('.').append(h.versionMinor()).append(" object: ")
                .append(bytes.length).append(" bytes, compression ").append(h.compression().name().toLowerCase());
        if (h.compression() != Compression.NONE) {
            out.append(" (").append(SealHeader.BYTES + body.length()).append(" bytes uncompressed)");
        }
        out.append('\n');

        Probe[] probes = {Inspector::parameters, Inspector::ciphertext, Inspector::plaintext, Inspector::keys};
        SealFormatException furthest = null;
        int furthestAt = -1;
        for (Probe p : probes) {
            WireReader r = body.restart();
            Found f;
            try {
                f = p.read(r, ctx);
                r.expectEnd(WHAT);
            } catch (SealFormatException e) {
                if (r.position() > furthestAt) {
                    furthestAt = r.position();
                    furthest = e;
                }
                continue;
            }
            out.append("kind: ").append(f.kind()).append('\n');
            for (String line : f.lines()) {
                out.append("  ").append(line).append('\n');
            }
            if (ctx != null && f.loader() != null) {
                try {
                    f.loader().apply(bytes);
                    out.append("  valid for the given context: yes\n");
                } catch (SealFormatException e) {
                    out.append("  valid for the given context: no: ").append(e.getMessage()).append('\n');
                }
            }
            return out.toString();
        }
        out.append("kind: unrecognised (not parameters, a ciphertext, a plaintext or key-switching keys)\n");
        if (furthest != null) {
            out.append("  closest reading failed: ").append(furthest.getMessage()).append('\n');
        }
        return out.toString();
    }

    // ---- parameters -------------------------------------------------------------------------------

    private static Found parameters(WireReader r, CkksContext ctx) {
        ParametersCodec.Fields f = ParametersCodec.readFields(r, "parameters");
        List<String> lines = new ArrayList<>();
        lines.add("scheme: " + ParametersCodec.SCHEMES[f.scheme()] + " (" + f.scheme() + ")");
        lines.add("poly modulus degree N: " + f.n());
        int bits = 0;
        StringBuilder primes = new StringBuilder();
        for (long q : f.primes()) {
            int b = 64 - Long.numberOfLeadingZeros(q);
            bits += b;
            primes.append(primes.isEmpty() ? "" : ", ").append(Long.toUnsignedString(q)).append(" (").append(b).append(" bits)");
        }
        lines.add("coefficient modulus: " + f.primes().length + " primes, " + bits + " bits: " + primes);
        lines.add("plain modulus: " + Long.toUnsignedString(f.plainModulus()));
        long[] id = ParmsIdHash.compute(f.scheme(), f.n(), f.primes(), f.plainModulus());
        lines.add("parms_id of the key level: " + ParmsId.of(id));
        String verdict;
        try {
            EncryptionParameters p = ParametersCodec.read(r.restart(), "parameters");
            verdict = "accepted by Umbra (CKKS, 128-bit security)";
            if (ctx != null) {
                verdict += ctx.params().equals(p) ? "; the same as the given context's" : "; not the given context's parameters";
            }
        } catch (SealFormatException e) {
            verdict = "not accepted by Umbra: " + e.getMessage();
        }
        lines.add(verdict);
        return new Found("encryption parameters", lines, null);
    }

    // ---- ciphertexts and public keys --------------------------------------------------------------

    /** The fixed fields of a ciphertext, structurally checked. */
    private record CtShape(ParmsId parmsId, int ntt, long size, long n, long k, double scale, long correction, boolean seeded, int prngType) {
    }

    private static CtShape ciphertextShape(WireReader r, String what) {
        ParmsId id = r.parmsId(what + " parms_id");
        int ntt = r.u8(what + " NTT-form flag");
        long size = r.count(what + " size", 0, Seal.MAX_CIPHERTEXT_SIZE);
        long n = r.count(what + " poly modulus degree", 1, ParametersCodec.MAX_DEGREE);
        long k = r.count(what + " prime count", 1, ParametersCodec.MAX_PRIMES);
        double scale = r.f64(what + " scale");
        long correction = r.u64(what + " correction factor");
        int[] end = new int[1];
        long polyWords = n * k;
        long count = CoefficientArray.begin(r, what + " coefficient array", size * polyWords, size == 2 ? polyWords : -1, end);
        r.skip(8 * count, what + " coefficients");
        r.endNested(end[0], what + " coefficient array");
        boolean seeded = count != size * polyWords;
        int prng = seeded ? SeedCodec.peekType(r, what) : -1;
        return new CtShape(id, ntt, size, n, k, scale, correction, seeded, prng);
    }

    private static Found ciphertext(WireReader r, CkksContext ctx) {
        CtShape s = ciphertextShape(r, "ciphertext");
        List<String> lines = new ArrayList<>();
        String kind = "ciphertext (a public key is a size-2 ciphertext at the key level)";
        Function<byte[], ?> loader = null;
        if (ctx != null) {
            ContextData level = ctx.get(s.parmsId());
            if (level == null) {
                lines.add("level: parms_id not in the given context");
                kind = "ciphertext";
                loader = b -> Seal.loadCiphertext(ctx, b);
            } else if (level == ctx.keyLevel() && ctx.usingKeySwitching()) {
                kind = "public key";
                lines.add("level: the key level (" + level.primeCount() + " primes)");
                loader = b -> Seal.loadPublicKey(ctx, b);
            } else {
                kind = "ciphertext";
                lines.add("level: chain index " + level.chainIndex() + " (" + level.primeCount() + " primes)");
                loader = b -> Seal.loadCiphertext(ctx, b);
            }
        }
        lines.add("parms_id: " + s.parmsId());
        lines.add("size: " + s.size() + " polynomials, N = " + s.n() + ", " + s.k() + " primes");
        lines.add("scale: " + scale(s.scale()));
        lines.add("NTT form: " + (s.ntt() == 1 ? "yes" : "flag " + s.ntt()) + ", correction factor " + Long.toUnsignedString(s.correction()));
        lines.add("seeded: " + (s.seeded() ? "yes, c1 is regenerated from a " + prngName(s.prngType()) + " seed" : "no"));
        return new Found(kind, lines, loader);
    }

    // ---- plaintexts and secret keys ---------------------------------------------------------------

    private static Found plaintext(WireReader r, CkksContext ctx) {
        String what = "plaintext";
        ParmsId id = r.parmsId(what + " parms_id");
        long coeffCount = r.count(what + " coefficient count", 0, ParametersCodec.MAX_PRIMES * ParametersCodec.MAX_DEGREE);
        double scale = r.f64(what + " scale");
        int[] end = new int[1];
        CoefficientArray.begin(r, what + " coefficient array", coeffCount, -1, end);
        r.skip(8 * coeffCount, what + " coefficients");
        r.endNested(end[0], what + " coefficient array");
        List<String> lines = new ArrayList<>();
        String kind = scale == 1.0 ? "plaintext (scale 1: perhaps a secret key, which is a key-level plaintext)" : "plaintext";
        Function<byte[], ?> loader = null;
        if (ctx != null) {
            ContextData level = ctx.get(id);
            if (level == null) {
                lines.add("level: parms_id not in the given context");
                kind = "plaintext";
                loader = b -> Seal.loadPlaintext(ctx, b);
            } else if (level == ctx.keyLevel() && ctx.usingKeySwitching()) {
                kind = "secret key";
                lines.add("level: the key level (" + level.primeCount() + " primes)");
                loader = b -> Seal.loadSecretKey(ctx, b);
            } else {
                kind = "plaintext";
                lines.add("level: chain index " + level.chainIndex() + " (" + level.primeCount() + " primes)");
                loader = b -> Seal.loadPlaintext(ctx, b);
            }
        }
        lines.add("parms_id: " + id + (id.equals(ParmsId.ZERO) ? " (zero: not NTT form, a BFV/BGV plaintext)" : ""));
        lines.add("coefficients: " + coeffCount);
        lines.add("scale: " + scale(scale));
        return new Found(kind, lines, loader);
    }

    // ---- relinearization and Galois keys ----------------------------------------------------------

    private static Found keys(WireReader r, CkksContext ctx) {
        String what = "keys";
        ParmsId id = r.parmsId(what + " parms_id");
        long dim1 = r.count(what + " entry count", 0, ParametersCodec.MAX_DEGREE);
        List<Long> present = new ArrayList<>();
        long parts = 0;
        long seededParts = 0;
        CtShape first = null;
        long firstDim2 = -1;
        for (long i = 0; i < dim1; i++) {
            long dim2 = r.count(what + " entry " + i + " key count", 0, ParametersCodec.MAX_PRIMES);
            if (dim2 > 0) {
                present.add(i);
                if (firstDim2 < 0) {
                    firstDim2 = dim2;
                }
            }
            for (long j = 0; j < dim2; j++) {
                String part = what + " entry " + i + " part " + j;
                int end = r.beginNested(part);
                CtShape s = ciphertextShape(r, part);
                r.endNested(end, part);
                parts++;
                seededParts += s.seeded() ? 1 : 0;
                if (first == null) {
                    first = s;
                }
            }
        }
        boolean relin = dim1 >= 1 && dim1 <= Seal.MAX_RELIN_KEYS && !present.isEmpty() && present.get(0) == 0;
        List<String> lines = new ArrayList<>();
        lines.add("parms_id: " + id);
        lines.add("entries: " + dim1 + ", of which " + present.size() + " hold a key");
        if (first != null) {
            lines.add("each key: " + firstDim2 + " parts (one per data prime), each a size-" + first.size() + " ciphertext with "
                    + first.k() + " primes, N = " + first.n());
        }
        if (relin) {
            StringBuilder powers = new StringBuilder();
            for (long i : present) {
                powers.append(powers.isEmpty() ? "" : ", ").append("s^").append(i + 2);
            }
            lines.add("keys for: " + powers);
        } else if (first != null) {
            long n = first.n();
            StringBuilder elts = new StringBuilder();
            for (long i : present) {
                long g = 2 * i + 1;
                elts.append(elts.isEmpty() ? "" : ", ").append(g).append(galoisMeaning(g, n));
            }
            lines.add("Galois elements: " + elts);
        }
        lines.add("seeded: " + (parts == 0 ? "no keys" : seededParts == parts ? "yes (every part)" : seededParts == 0 ? "no" : seededParts + " of " + parts + " parts"));
        Function<byte[], ?> loader = null;
        if (ctx != null) {
            loader = relin ? b -> Seal.loadRelinKeys(ctx, b) : b -> Seal.loadGaloisKeys(ctx, b);
        }
        return new Found(relin ? "relinearization keys" : "Galois keys", lines, loader);
    }

    /** " (rotation by s)" or " (conjugation)" for a Galois element under degree n, when it is one. */
    private static String galoisMeaning(long g, long n) {
        long m = 2 * n;
        if (g == m - 1) {
            return " (conjugation)";
        }
        long slots = n / 2;
        long e = 1;
        for (long s = 0; s < slots && n <= (1 << 17); s++) {
            if (e == g) {
                long step = s <= slots / 2 ? s : s - slots;
                return " (rotation by " + step + ")";
            }
            e = e * 3 % m;
        }
        return "";
    }

    private static String prngName(int type) {
        return switch (type) {
            case SeedCodec.PRNG_BLAKE2XB -> "BLAKE2xb";
            case SeedCodec.PRNG_SHAKE256 -> "SHAKE256";
            default -> "type-" + type;
        };
    }

    static String scale(double scale) {
        if (scale > 0 && Double.isFinite(scale)) {
            int e = Math.getExponent(scale);
            if (e >= Double.MIN_EXPONENT && scale == Math.scalb(1.0, e)) {
                return "2^" + e + " (" + scale + ")";
            }
            return "2^" + String.format("%.3f", Math.log(scale) / Math.log(2)) + " (" + scale + ")";
        }
        return String.valueOf(scale);
    }
}
