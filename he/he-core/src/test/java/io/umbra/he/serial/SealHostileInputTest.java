package io.umbra.he.serial;

import com.github.luben.zstd.Zstd;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.EncryptionParameters;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.Deflater;

import static io.umbra.he.serial.SealTestObjects.A;
import static io.umbra.he.serial.SealTestObjects.B;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every loader against deliberately broken input: each case must end in a {@link SealFormatException}
 * whose message names what was wrong, quickly and without large allocations.
 */
class SealHostileInputTest {
    // Offsets in an uncompressed file (header at 0, body from 16).
    static final int CT_PARMS = 16, CT_NTT = 48, CT_SIZE = 49, CT_N = 57, CT_K = 65, CT_SCALE = 73, CT_CORR = 81;
    static final int CT_ARRAY = 89, CT_ARRAY_SIZE = 97, CT_ARRAY_COUNT = 105, CT_DATA = 113;
    static final int PT_PARMS = 16, PT_COUNT = 48, PT_SCALE = 56, PT_ARRAY = 64, PT_ARRAY_SIZE = 72, PT_ARRAY_COUNT = 80, PT_DATA = 88;
    static final int KS_PARMS = 16, KS_DIM1 = 48, KS_DIM2 = 56, KS_PART = 64;
    /** Where a standalone ciphertext's fields move to inside the first part of key-switching keys. */
    static final int KS_SHIFT = KS_PART - 0;
    static final int PA_SCHEME = 16, PA_N = 17, PA_K = 25, PA_MOD0 = 33;

    record Sample(String name, byte[] bytes, Function<byte[], Object> loader) {
    }

    static List<Sample> samples() {
        Random rnd = new Random(99);
        ContextData data = B.firstData();
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("parameters", Seal.save(B.params()), Seal::loadParameters));
        s.add(new Sample("ciphertext", Seal.save(SealTestObjects.ciphertext(rnd, data, 2, 0x1p30)), b -> Seal.loadCiphertext(B, b)));
        s.add(new Sample("seeded ciphertext", Seal.save(SealTestObjects.seededCiphertext(rnd, data, 0x1p30)), b -> Seal.loadCiphertext(B, b)));
        s.add(new Sample("plaintext", Seal.save(SealTestObjects.plaintext(rnd, data, 0x1p30)), b -> Seal.loadPlaintext(B, b)));
        s.add(new Sample("secret key", Seal.save(SealTestObjects.secretKey(rnd, B)), b -> Seal.loadSecretKey(B, b)));
        s.add(new Sample("public key", Seal.save(SealTestObjects.publicKey(rnd, B, false)), b -> Seal.loadPublicKey(B, b)));
        s.add(new Sample("seeded public key", Seal.save(SealTestObjects.publicKey(rnd, B, true)), b -> Seal.loadPublicKey(B, b)));
        s.add(new Sample("relinearization keys", Seal.save(SealTestObjects.relinKeys(rnd, B, true)), b -> Seal.loadRelinKeys(B, b)));
        s.add(new Sample("Galois keys", Seal.save(SealTestObjects.galoisKeys(rnd, B, true, 3)), b -> Seal.loadGaloisKeys(B, b)));
        return s;
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] u64(byte[] b, int at, long v) {
        byte[] c = b.clone();
        le(c).putLong(at, v);
        return c;
    }

    static byte[] u8(byte[] b, int at, int v) {
        byte[] c = b.clone();
        c[at] = (byte) v;
        return c;
    }

    static byte[] f64(byte[] b, int at, double v) {
        byte[] c = b.clone();
        le(c).putDouble(at, v);
        return c;
    }

    /** The outer header's size field set to the array's length, so the check inside is reached. */
    static byte[] sized(byte[] b) {
        if (b.length >= 16) {
            le(b).putLong(8, b.length);
        }
        return b;
    }

    static void refused(Sample s, byte[] bytes, String... fragments) {
        refused(s.name(), s.loader(), bytes, fragments);
    }

    static void refused(String name, Function<byte[], Object> loader, byte[] bytes, String... fragments) {
        SealFormatException e = assertThrows(SealFormatException.class, () -> loader.apply(bytes), name + " should be refused");
        String m = e.getMessage().toLowerCase(Locale.ROOT);
        for (String f : fragments) {
            assertTrue(m.contains(f.toLowerCase(Locale.ROOT)), name + ": message should mention '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void everySampleLoads() {
        for (Sample s : samples()) {
            s.loader().apply(s.bytes());
        }
    }

    @Test
    void headers() {
        for (Sample s : samples()) {
            byte[] b = s.bytes();
            refused(s, new byte[0], "truncated");
            refused(s, Arrays.copyOf(b, 15), "truncated");
            refused(s, u8(b, 0, 0x5F), "magic", "0xa15e", "0xa15f");
            refused(s, u8(b, 1, 0), "magic");
            refused(s, u8(b, 2, 0x11), "header size byte", "expected 16, found 17");
            refused(s, u8(b, 2, 0), "seal 3.4 header");
            refused(s, u8(u8(b, 3, 4), 4, 0), "version", "expected 4.1, found 4.0");
            refused(s, u8(b, 4, 2), "version", "found 4.2");
            refused(s, u8(u8(b, 3, 3), 4, 6), "version", "found 3.6", "seal 3.x");
            refused(s, u8(b, 3, 5), "version", "found 5.1");
            refused(s, u8(b, 5, 3), "compression mode", "found 3");
            refused(s, u8(b, 5, 255), "compression mode", "found 255");
            refused(s, u8(b, 6, 1), "reserved");
            refused(s, u8(b, 7, 0x80), "reserved");
            refused(s, u64(b, 8, b.length + 1L), "header size field");
            refused(s, u64(b, 8, b.length - 1L), "header size field", "expected " + b.length);
            refused(s, u64(b, 8, 0), "header size field");
            refused(s, u64(b, 8, 1L << 62), "header size field");
            refused(s, u64(b, 8, -1), "header size field");
            byte[] longer = Arrays.copyOf(b, b.length + 1);
            refused(s, longer, "header size field", "expected " + (b.length + 1));
            refused(s, sized(longer.clone()), "trailing");
            refused(s, sized(Arrays.copyOf(b, b.length + 4096)), "trailing");
            // A compressed mode flag on uncompressed bytes: not a valid stream.
            refused(s, u8(b, 5, 1), "zlib");
            refused(s, u8(b, 5, 2), "zstd");
        }
    }

    @Test
    void truncationAtEveryLengthClass() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (Sample s : samples()) {
                byte[] b = s.bytes();
                List<Integer> cuts = new ArrayList<>();
                for (int i = 0; i < Math.min(b.length, 400); i++) {
                    cuts.add(i);
                }
                for (int i = 400; i < b.length - 200; i += 997) {
                    cuts.add(i);
                }
                for (int i = Math.max(400, b.length - 200); i < b.length; i++) {
                    cuts.add(i);
                }
                for (int cut : cuts) {
                    byte[] t = Arrays.copyOf(b, cut);
                    refused(s, t);                 // the header no longer matches the length
                    refused(s, sized(t.clone()));  // header fixed up: the body itself is cut short
                }
            }
        });
    }

    @Test
    void oversizedAndWrongCountFields() {
        long[] values = {1L << 62, Long.MIN_VALUE, -1, 1L << 32, Integer.MAX_VALUE, 0};
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (Sample s : samples()) {
                List<Integer> fields = switch (s.name()) {
                    case "parameters" -> List.of(PA_N, PA_K, PA_MOD0 + 8);
                    case "ciphertext", "seeded ciphertext", "public key", "seeded public key" ->
                            List.of(CT_SIZE, CT_N, CT_K, CT_CORR, CT_ARRAY_SIZE, CT_ARRAY_COUNT);
                    case "plaintext", "secret key" -> List.of(PT_COUNT, PT_ARRAY_SIZE, PT_ARRAY_COUNT);
                    default -> List.of(KS_DIM1, KS_DIM2, KS_PART + 8, CT_SIZE + KS_SHIFT, CT_N + KS_SHIFT, CT_K + KS_SHIFT,
                            CT_ARRAY_SIZE + KS_SHIFT, CT_ARRAY_COUNT + KS_SHIFT);
                };
                for (int at : fields) {
                    long original = le(s.bytes()).getLong(at);
                    for (long v : values) {
                        if (v != original) {
                            refused(s, u64(s.bytes(), at, v));
                        }
                    }
                    refused(s, u64(s.bytes(), at, original + 1));
                    refused(s, u64(s.bytes(), at, original - 1));
                }
            }
        });
        Sample ct = samples().get(1);
        refused(ct, u64(ct.bytes(), CT_SIZE, 1L << 62), "size", "expected 2 to 16", "found 4611686018427387904");
        refused(ct, u64(ct.bytes(), CT_ARRAY_COUNT, 1L << 62), "coefficient array count", "found 4611686018427387904");
        refused(ct, u64(ct.bytes(), CT_N, 8192), "poly modulus degree", "expected 4096, found 8192");
        refused(ct, u64(ct.bytes(), CT_K, 3), "prime count", "expected 2");
        refused(ct, u64(ct.bytes(), CT_ARRAY_SIZE, 1L << 40), "coefficient array header size field");
        refused(ct, u64(ct.bytes(), CT_SIZE, 3), "coefficient array count", "expected 24576");
        Sample ks = samples().get(7);
        refused(ks, u64(ks.bytes(), KS_DIM1, 1L << 62), "entry count (dim1)", "expected 0 to 14");
        refused(ks, u64(ks.bytes(), KS_DIM2, 1), "key count (dim2)", "0 (no key) or 2");
        Sample pa = samples().get(0);
        refused(pa, u64(pa.bytes(), PA_N, 1L << 62), "poly modulus degree", "expected 0 to 131072");
        refused(pa, u64(pa.bytes(), PA_K, 1L << 62), "coefficient modulus count", "expected 0 to 64");
    }

    @Test
    void unreducedCoefficients() {
        ContextData data = B.firstData();
        long[] q = data.primes();
        long[] qk = B.keyLevel().primes();
        int n = B.n();
        for (Sample s : samples()) {
            switch (s.name()) {
                case "ciphertext" -> {
                    refused(s, u64(s.bytes(), CT_DATA, q[0]), "coefficient 0 of prime 0", "expected below the prime " + q[0]);
                    int last = CT_DATA + 8 * (2 * q.length * n - 1);
                    refused(s, u64(s.bytes(), last, q[1]), "coefficient 4095 of prime 1 (polynomial 1)");
                    refused(s, u64(s.bytes(), CT_DATA + 8 * n, -1), "coefficient 0 of prime 1", "18446744073709551615");
                }
                case "seeded ciphertext" -> refused(s, u64(s.bytes(), CT_DATA + 8 * (n - 1), q[0] + 1), "coefficient 4095 of prime 0");
                case "plaintext" -> refused(s, u64(s.bytes(), PT_DATA + 8 * n, q[1]), "coefficient 0 of prime 1");
                case "secret key" -> refused(s, u64(s.bytes(), PT_DATA + 8 * (3 * n - 1), qk[2]), "coefficient 4095 of prime 2");
                case "public key" -> refused(s, u64(s.bytes(), CT_DATA + 8 * 3 * n, qk[0]), "coefficient 0 of prime 0 (polynomial 1)");
                case "relinearization keys" -> refused(s, u64(s.bytes(), CT_DATA + KS_SHIFT, qk[0]), "entry 0 part 0", "coefficient 0");
                default -> {
                }
            }
        }
    }

    @Test
    void parmsIdsAndLevels() {
        List<Sample> all = samples();
        for (Sample s : all.subList(1, all.size())) {
            refused(s, u8(s.bytes(), CT_PARMS + 5, s.bytes()[CT_PARMS + 5] ^ 1), "parms_id", "is not a level of this context");
            byte[] zero = s.bytes().clone();
            Arrays.fill(zero, CT_PARMS, CT_PARMS + 32, (byte) 0);
            refused(s, zero, "parms_id", "all zero");
        }
        Random rnd = new Random(5);
        byte[] ctA = Seal.save(SealTestObjects.ciphertext(rnd, A.firstData(), 2, 0x1p40));
        refused("ciphertext of another context", b -> Seal.loadCiphertext(B, b), ctA, "is not a level of this context");
        byte[] pk = all.get(5).bytes();
        byte[] ct = all.get(1).bytes();
        byte[] pt = all.get(3).bytes();
        byte[] sk = all.get(4).bytes();
        refused("public key as ciphertext", b -> Seal.loadCiphertext(B, b), pk, "is the key level", "must be at a data level");
        refused("ciphertext as public key", b -> Seal.loadPublicKey(B, b), ct, "expected the key level");
        refused("plaintext as secret key", b -> Seal.loadSecretKey(B, b), pt, "expected the key level");
        refused("secret key as plaintext", b -> Seal.loadPlaintext(B, b), sk, "is the key level");
        byte[] ks = all.get(7).bytes().clone();
        ByteBuffer.wrap(ks).order(ByteOrder.LITTLE_ENDIAN).position(KS_PARMS);
        long[] w = B.firstData().parmsId().words();
        for (int i = 0; i < 4; i++) {
            le(ks).putLong(KS_PARMS + 8 * i, w[i]);
        }
        refused("relinearization keys at a data level", b -> Seal.loadRelinKeys(B, b), ks, "expected the key level");
        refused("relinearization keys as Galois keys with dim1 > N", b -> Seal.loadGaloisKeys(B, b),
                u64(all.get(7).bytes(), KS_DIM1, B.n() + 1L), "entry count", "expected 0 to 4096");
        CkksContext single = CkksContext.create(EncryptionParameters.create(4096, 40));
        refused("keys under a context without a special prime", b -> Seal.loadRelinKeys(single, b), all.get(7).bytes(), "no key switching");
    }

    @Test
    void fields() {
        List<Sample> all = samples();
        Sample ct = all.get(1);
        refused(ct, u8(ct.bytes(), CT_NTT, 0), "ntt-form flag", "expected 1", "found 0");
        refused(ct, u8(ct.bytes(), CT_NTT, 2), "ntt-form flag", "found 2");
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -1.0}) {
            refused(ct, f64(ct.bytes(), CT_SCALE, bad), "scale", "a finite positive number");
        }
        refused(ct, u64(ct.bytes(), CT_CORR, 2), "correction factor", "expected 1", "found 2");
        refused(ct, u64(ct.bytes(), CT_CORR, 0), "correction factor");
        refused(ct, u64(ct.bytes(), CT_SIZE, 1), "size (polynomials)", "expected 2 to 16", "found 1");
        refused(ct, u64(ct.bytes(), CT_SIZE, 17), "found 17");
        refused(ct, u8(ct.bytes(), CT_ARRAY + 5, 2), "coefficient array header compression mode", "0 (none)");
        refused(ct, u8(u8(ct.bytes(), CT_ARRAY + 3, 3), CT_ARRAY + 4, 6), "coefficient array header version", "found 3.6");
        refused(ct, u8(ct.bytes(), CT_ARRAY, 0), "coefficient array header magic");

        Sample seeded = all.get(2);
        int type = seeded.bytes().length - 65;
        refused(seeded, u8(seeded.bytes(), type, 0), "prng type", "expected 1 (blake2xb)", "found 0");
        refused(seeded, u8(seeded.bytes(), type, 2), "prng type", "shake256");
        refused(seeded, u8(seeded.bytes(), type, 3), "prng type", "found 3");
        refused(seeded, u64(seeded.bytes(), type - 8, 80), "seed header size field");
        refused(seeded, u64(seeded.bytes(), CT_SIZE, 3), "coefficient array count", "expected 24576", "found 8192");

        Sample pk = all.get(6);
        refused(pk, u64(pk.bytes(), CT_SIZE, 3), "public key size (polynomials)", "expected 2", "found 3");

        Sample pt = all.get(3);
        refused(pt, f64(pt.bytes(), PT_SCALE, Double.NaN), "plaintext scale");
        refused(pt, u64(pt.bytes(), PT_COUNT, 4096), "coefficient count", "expected 8192");
        Sample sk = all.get(4);
        refused(sk, f64(sk.bytes(), PT_SCALE, 2.0), "secret key scale", "expected 1.0", "found 2.0");

        Sample pa = all.get(0);
        refused(pa, u8(pa.bytes(), PA_SCHEME, 1), "scheme", "expected 2 (ckks)", "found 1 (bfv)");
        refused(pa, u8(pa.bytes(), PA_SCHEME, 4), "scheme", "found 4");
        int plain = pa.bytes().length - 8;
        refused(pa, u64(pa.bytes(), plain, 65537), "plain modulus", "expected 0", "found 65537");
        refused(pa, u64(pa.bytes(), PA_MOD0 + 16, 1L << 62), "coefficient modulus 0 value", "at most 61 bits");
        refused(pa, u64(pa.bytes(), PA_N, 2048), "not parameters umbra accepts");
        refused(pa, u64(pa.bytes(), PA_MOD0 + 16, 68719230979L), "not parameters umbra accepts");
        byte[] noPrimes = Arrays.copyOfRange(pa.bytes(), 0, PA_MOD0);
        noPrimes = concat(noPrimes, Arrays.copyOfRange(pa.bytes(), pa.bytes().length - 24, pa.bytes().length));
        refused(pa, sized(u64(noPrimes, PA_K, 0)), "not parameters umbra accepts");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static byte[] withBody(Compression mode, byte[] payload) {
        byte[] out = new byte[16 + payload.length];
        SealHeader.of(mode, out.length).write(out, 0);
        System.arraycopy(payload, 0, out, 16, payload.length);
        return out;
    }

    static byte[] zlib(byte[] data) {
        Deflater d = new Deflater(9);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length / 100 + 4096];
        int n = 0;
        while (!d.finished()) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            n += d.deflate(buf, n, buf.length - n);
        }
        d.end();
        return Arrays.copyOf(buf, n);
    }

    @Test
    void compressionBombsAndBrokenStreams() {
        Function<byte[], Object> loadCt = b -> Seal.loadCiphertext(B, b);
        byte[] zeros = new byte[64 << 20]; // 64 MiB of zeros: a few KB compressed, far beyond any ciphertext of B
        byte[] zstdBomb = Zstd.compress(zeros, 19);
        byte[] zlibBomb = zlib(zeros);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            refused("zstd bomb", loadCt, withBody(Compression.ZSTD, zstdBomb), "zstd frame content size", "expected at most");
            refused("zlib bomb", loadCt, withBody(Compression.ZLIB, zlibBomb), "decompressed size", "expected at most");
            refused("zstd bomb as parameters", Seal::loadParameters, withBody(Compression.ZSTD, zstdBomb), "expected at most 1577");
        });
        // A frame without a declared size inflates only up to the bound, then stops.
        byte[] noSize;
        try (var ctx = new com.github.luben.zstd.ZstdCompressCtx()) {
            ctx.setContentSize(false);
            ctx.setLevel(3);
            noSize = ctx.compress(zeros);
        }
        refused("zstd bomb without content size", loadCt, withBody(Compression.ZSTD, noSize), "decompressed size", "expected at most");

        Sample ct = samples().get(1);
        byte[] body = Arrays.copyOfRange(ct.bytes(), 16, ct.bytes().length);
        byte[] z = Zstd.compress(body, 3);
        loadCt.apply(withBody(Compression.ZSTD, z)); // one-shot frames are fine too
        refused("zstd truncated", loadCt, withBody(Compression.ZSTD, Arrays.copyOf(z, z.length - 1)), "zstd payload");
        refused("zstd trailing", loadCt, withBody(Compression.ZSTD, concat(z, new byte[]{1, 2, 3})), "3 trailing bytes");
        refused("zstd two frames", loadCt, withBody(Compression.ZSTD, concat(z, Zstd.compress(new byte[10], 3))), "trailing");
        byte[] badMagic = z.clone();
        badMagic[0] ^= 0x55;
        refused("zstd bad frame magic", loadCt, withBody(Compression.ZSTD, badMagic), "zstd payload");
        // SEAL's frames carry no checksum: a flipped literal may still decode to a valid ciphertext;
        // either way nothing but a SealFormatException may come out.
        byte[] corrupt = z.clone();
        corrupt[z.length / 2] ^= 0x55;
        try {
            loadCt.apply(withBody(Compression.ZSTD, corrupt));
        } catch (SealFormatException expected) {
            // fine
        }
        refused("zstd garbage", loadCt, withBody(Compression.ZSTD, new byte[]{1, 2, 3, 4, 5, 6, 7, 8}), "zstd payload");
        refused("zstd empty", loadCt, withBody(Compression.ZSTD, new byte[0]), "zstd payload");
        refused("zstd of a body with trailing bytes", loadCt, withBody(Compression.ZSTD, Zstd.compress(concat(body, new byte[7]), 3)), "7 unexpected trailing bytes");

        byte[] zl = zlib(body);
        loadCt.apply(withBody(Compression.ZLIB, zl));
        refused("zlib truncated", loadCt, withBody(Compression.ZLIB, Arrays.copyOf(zl, zl.length - 5)), "zlib payload", "truncated");
        refused("zlib trailing", loadCt, withBody(Compression.ZLIB, concat(zl, new byte[]{9})), "trailing bytes after the end of the zlib stream");
        refused("zlib garbage", loadCt, withBody(Compression.ZLIB, new byte[]{1, 2, 3, 4, 5, 6, 7, 8}), "zlib");
        refused("zlib empty", loadCt, withBody(Compression.ZLIB, new byte[0]), "zlib");
        refused("zlib preset dictionary", loadCt, withBody(Compression.ZLIB, new byte[]{0x78, (byte) 0xBB, 0, 0, 0, 1, 0, 0}), "dictionary");
    }

    @Test
    void decompressionNeverPassesTheCallersBound() {
        byte[] z = Zstd.compress(new byte[100_000], 3);
        refused("bounded zstd", b -> Payload.decompress(Compression.ZSTD, b, 0, b.length, 99_999, "x"), z, "expected at most 99999");
        byte[] zl = zlib(new byte[100_000]);
        refused("bounded zlib", b -> Payload.decompress(Compression.ZLIB, b, 0, b.length, 99_999, "x"), zl, "expected at most 99999");
        // exactly at the bound is fine
        if (Payload.decompress(Compression.ZSTD, z, 0, z.length, 100_000, "x").length != 100_000
                || Payload.decompress(Compression.ZLIB, zl, 0, zl.length, 100_000, "x").length != 100_000) {
            fail("output at the bound must be returned whole");
        }
    }
}
