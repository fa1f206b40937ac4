package io.umbra.he.serial;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.KSwitchKeys;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.ckks.SecretKey;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Saves and loads the engine's objects in Microsoft SEAL 4.1's binary format, byte-identical to
 * what SEAL and node-seal write, and describes any SEAL file for {@code he inspect}.
 *
 * <p>Saving: {@code save(x)} writes compression none, and a ciphertext or key that remembers its
 * seed (symmetric encryption, "serializable" keys) in SEAL's seed-compressed form: c0 and the 64-byte
 * seed, half the bytes. {@code save(x, options)} picks zlib or zstd and may write seeds expanded.
 * The seed is trusted: code that changes c1 of a seeded ciphertext in place must drop it first.
 *
 * <p>Loading: every {@code load…} treats its bytes as hostile. It checks the header (magic, header
 * size, version 4.1, compression mode, reserved bytes, a size equal to the bytes given), decompresses
 * into no more than the object can need under the context, bounds every count before allocating,
 * requires parms_ids of this context at the right level (keys at the key level, data below it), the
 * NTT flag, a finite positive scale, correction factor 1, reduced coefficients and a BLAKE2xb seed,
 * and regenerates a seeded c1 exactly as SEAL does. Anything else ends in a {@link SealFormatException}.
 * Thread-safe: there is no state.
 */
public final class Seal {
    /** SEAL_CIPHERTEXT_SIZE_MAX: the most polynomials a ciphertext may have. */
    public static final int MAX_CIPHERTEXT_SIZE = 16;
    /** Relinearization keys for s^2 … s^15, the powers a ciphertext of the largest size needs. */
    public static final int MAX_RELIN_KEYS = MAX_CIPHERTEXT_SIZE - 2;
    /**
     * The most bytes a compressed object may inflate to (Galois keys; every other kind is bounded
     * far tighter by its shape under the context). Uncompressed input is bounded by its own length.
     */
    public static final long MAX_DECOMPRESSED_BYTES = 1L << 30;

    private Seal() {
    }

    // ---- saving -----------------------------------------------------------------------------------

    public static byte[] save(EncryptionParameters params) {
        return save(params, SaveOptions.DEFAULT);
    }

    public static byte[] save(EncryptionParameters params, SaveOptions options) {
        return envelope(ParametersCodec.bodySize(params), w -> ParametersCodec.write(w, params), options);
    }

    public static byte[] save(Ciphertext ct) {
        return save(ct, SaveOptions.DEFAULT);
    }

    /** Seed-compressed when {@code ct} remembers its seed and has two polynomials, unless {@code options} expand seeds. */
    public static byte[] save(Ciphertext ct, SaveOptions options) {
        boolean seeded = CiphertextCodec.seeded(ct, options);
        return envelope(CiphertextCodec.bodySize(ct, seeded), w -> CiphertextCodec.write(w, ct, seeded), options);
    }

    public static byte[] save(Plaintext pt) {
        return save(pt, SaveOptions.DEFAULT);
    }

    public static byte[] save(Plaintext pt, SaveOptions options) {
        return envelope(PlaintextCodec.bodySize(pt), w -> PlaintextCodec.write(w, pt), options);
    }

    public static byte[] save(SecretKey sk) {
        return save(sk, SaveOptions.DEFAULT);
    }

    public static byte[] save(SecretKey sk, SaveOptions options) {
        return save(sk.data(), options);
    }

    public static byte[] save(PublicKey pk) {
        return save(pk, SaveOptions.DEFAULT);
    }

    public static byte[] save(PublicKey pk, SaveOptions options) {
        return save(pk.data(), options);
    }

    /** Relinearization or Galois keys (one layout). */
    public static byte[] save(KSwitchKeys keys) {
        return save(keys, SaveOptions.DEFAULT);
    }

    public static byte[] save(KSwitchKeys keys, SaveOptions options) {
        return envelope(KSwitchKeysCodec.bodySize(keys, options), w -> KSwitchKeysCodec.write(w, keys, options), options);
    }

    private static byte[] envelope(long bodySize, Consumer<WireWriter> body, SaveOptions options) {
        Objects.requireNonNull(options, "options");
        Compression mode = options.compression();
        if (mode == Compression.NONE) {
            WireWriter w = new WireWriter(SealHeader.BYTES + bodySize);
            w.header(Compression.NONE, SealHeader.BYTES + bodySize);
            body.accept(w);
            return w.finish();
        }
        WireWriter w = new WireWriter(bodySize);
        body.accept(w);
        byte[] packed = Payload.compress(mode, w.finish());
        byte[] out = new byte[SealHeader.BYTES + packed.length];
        SealHeader.of(mode, out.length).write(out, 0);
        System.arraycopy(packed, 0, out, SealHeader.BYTES, packed.length);
        return out;
    }

    // ---- loading ----------------------------------------------------------------------------------

    /** Parameters need no context; they must be CKKS and pass {@link EncryptionParameters}' own checks (128-bit security). */
    public static EncryptionParameters loadParameters(byte[] bytes) {
        String what = "encryption parameters";
        WireReader r = open(bytes, what, ParametersCodec.MAX_BODY);
        EncryptionParameters p = ParametersCodec.read(r, what);
        r.expectEnd(what);
        return p;
    }

    /** A ciphertext at a data level of {@code ctx}; a seed-compressed one comes back expanded and remembering its seed. */
    public static Ciphertext loadCiphertext(CkksContext ctx, byte[] bytes) {
        String what = "ciphertext";
        WireReader r = open(bytes, what, CiphertextCodec.maxBodySize(ctx, false));
        Ciphertext ct = CiphertextCodec.read(r, ctx, false, what);
        r.expectEnd(what);
        return ct;
    }

    /** A plaintext at a data level of {@code ctx}. */
    public static Plaintext loadPlaintext(CkksContext ctx, byte[] bytes) {
        String what = "plaintext";
        WireReader r = open(bytes, what, PlaintextCodec.maxBodySize(ctx, false));
        Plaintext pt = PlaintextCodec.read(r, ctx, false, what);
        r.expectEnd(what);
        return pt;
    }

    public static SecretKey loadSecretKey(CkksContext ctx, byte[] bytes) {
        String what = "secret key";
        WireReader r = open(bytes, what, PlaintextCodec.maxBodySize(ctx, true));
        Plaintext pt = PlaintextCodec.read(r, ctx, true, what);
        r.expectEnd(what);
        return new SecretKey(pt);
    }

    public static PublicKey loadPublicKey(CkksContext ctx, byte[] bytes) {
        String what = "public key";
        WireReader r = open(bytes, what, CiphertextCodec.maxBodySize(ctx, true));
        Ciphertext ct = CiphertextCodec.read(r, ctx, true, what);
        r.expectEnd(what);
        return new PublicKey(ct);
    }

    /** At most {@link #MAX_RELIN_KEYS} entries. */
    public static RelinKeys loadRelinKeys(CkksContext ctx, byte[] bytes) {
        String what = "relinearization keys";
        WireReader r = open(bytes, what, KSwitchKeysCodec.maxBodySize(ctx, MAX_RELIN_KEYS));
        KSwitchKeysCodec.Table t = KSwitchKeysCodec.read(r, ctx, MAX_RELIN_KEYS, what);
        r.expectEnd(what);
        return new RelinKeys(t.parmsId(), t.keys());
    }

    /** At most N entries (index g/2 for each odd Galois element g below 2N). */
    public static GaloisKeys loadGaloisKeys(CkksContext ctx, byte[] bytes) {
        String what = "Galois keys";
        WireReader r = open(bytes, what, KSwitchKeysCodec.maxBodySize(ctx, ctx.n()));
        KSwitchKeysCodec.Table t = KSwitchKeysCodec.read(r, ctx, ctx.n(), what);
        r.expectEnd(what);
        return new GaloisKeys(t.parmsId(), t.keys());
    }

    /** Checks the outer header and returns a reader over the (decompressed) body. */
    static WireReader open(byte[] bytes, String what, long maxBody) {
        Objects.requireNonNull(bytes, "bytes");
        SealHeader h = SealHeader.read(bytes, 0, bytes.length, what);
        if (h.size() != bytes.length) {
            throw SealFormatException.mismatch(what + " header size field", bytes.length + " (the bytes given)", h.size());
        }
        int len = bytes.length - SealHeader.BYTES;
        if (h.compression() == Compression.NONE) {
            return new WireReader(bytes, SealHeader.BYTES, len);
        }
        byte[] body = Payload.decompress(h.compression(), bytes, SealHeader.BYTES, len, maxBody, what);
        return new WireReader(body, 0, body.length);
    }

    // ---- inspection -------------------------------------------------------------------------------

    /**
     * A human-readable description of a SEAL object: header, and the kind guessed from its structure
     * (parameters, ciphertext, plaintext, relinearization or Galois keys) with its shape. Throws
     * {@link SealFormatException} when the header is not a SEAL 4.1 header.
     */
    public static String inspect(byte[] bytes) {
        return Inspector.describe(bytes, null);
    }

    /** As {@link #inspect(byte[])}, with levels resolved against {@code ctx} and the object fully validated. */
    public static String inspect(CkksContext ctx, byte[] bytes) {
        return Inspector.describe(bytes, Objects.requireNonNull(ctx, "ctx"));
    }
}
