package io.umbra.he.ckks;

import io.umbra.he.random.Blake2xbPrng;
import io.umbra.he.ring.Ntt;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Every word the engine computes must stay what it was before the performance work: the outputs of
 * encryption (for a given PRNG stream), of every evaluator operation and of decryption on fixed
 * pseudo-random inputs, for sets (a), (b) and (c), are hashed and compared with digests recorded
 * from the straightforward implementation ({@code fixtures/golden/engine-digests.txt}). Inputs are
 * plain reduced words from a seeded generator: the arithmetic does not care whether they are valid
 * keys or ciphertexts, and random words exercise every carry and reduction edge far better.
 *
 * <p>To re-record after an intended change of output (there should be none):
 * {@code -Dumbra.golden.write=/path/engine-digests.txt}.
 */
class BitIdentityTest {
    private static final String FIXTURE = "/fixtures/golden/engine-digests.txt";

    static Map<String, CkksContext> sets() {
        Map<String, CkksContext> sets = new LinkedHashMap<>();
        sets.put("b", CkksContext.create(EncryptionParameters.create(4096, 36, 36, 37)));
        sets.put("a", CkksContext.create(EncryptionParameters.create(8192, 60, 40, 40, 60)));
        sets.put("c", CkksContext.create(EncryptionParameters.create(16384, 60, 40, 40, 40, 40, 40, 40, 60)));
        return sets;
    }

    private static long[] uniform(SplittableRandom rnd, ContextData level, int polys) {
        int n = level.n();
        long[] primes = level.primes();
        long[] data = new long[polys * primes.length * n];
        int d = 0;
        for (int p = 0; p < polys; p++) {
            for (long q : primes) {
                for (int i = 0; i < n; i++) {
                    data[d++] = rnd.nextLong(q);
                }
            }
        }
        return data;
    }

    private static Ciphertext ciphertext(SplittableRandom rnd, ContextData level, int size, double scale) {
        return new Ciphertext(level.parmsId(), size, level.n(), level.primeCount(), scale, uniform(rnd, level, size));
    }

    private static Plaintext plaintext(SplittableRandom rnd, ContextData level, double scale) {
        return new Plaintext(level.parmsId(), scale, uniform(rnd, level, 1));
    }

    /** A ternary secret key in NTT form, as key generation makes one. */
    private static SecretKey secretKey(SplittableRandom rnd, CkksContext ctx) {
        ContextData key = ctx.keyLevel();
        int n = ctx.n();
        long[] s = new long[key.primeCount() * n];
        for (int i = 0; i < n; i++) {
            long v = rnd.nextInt(3) - 1;
            for (int j = 0; j < key.primeCount(); j++) {
                s[j * n + i] = key.moduli()[j].fromSigned(v);
            }
        }
        for (int j = 0; j < key.primeCount(); j++) {
            Ntt.forward(s, j * n, key.ntt()[j]);
        }
        return new SecretKey(new Plaintext(key.parmsId(), 1.0, s));
    }

    /** A switching key of random words: one key-level ciphertext per data prime. */
    private static PublicKey[] switchingKey(SplittableRandom rnd, CkksContext ctx) {
        ContextData key = ctx.keyLevel();
        PublicKey[] parts = new PublicKey[key.primeCount() - 1];
        for (int j = 0; j < parts.length; j++) {
            parts[j] = new PublicKey(ciphertext(rnd, key, 2, 1.0));
        }
        return parts;
    }

    private static String digest(Ciphertext ct) {
        MessageDigest md = sha256();
        update(md, ct.data());
        update(md, new long[] {ct.size(), ct.primeCount(), Double.doubleToLongBits(ct.scale())});
        if (ct.seed() != null) {
            update(md, ct.seed());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String digest(Plaintext p) {
        MessageDigest md = sha256();
        update(md, p.data());
        update(md, new long[] {Double.doubleToLongBits(p.scale())});
        return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, long[] words) {
        byte[] b = new byte[8 * words.length];
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            for (int k = 0; k < 8; k++) {
                b[8 * i + k] = (byte) (w >>> (8 * k));
            }
        }
        md.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long[] seed(long first) {
        long[] s = new long[Blake2xbPrng.SEED_WORDS];
        for (int i = 0; i < s.length; i++) {
            s[i] = first + 0x9E3779B97F4A7C15L * i;
        }
        return s;
    }

    /** The digests of one parameter set, in a fixed order. */
    static Map<String, String> compute(String name, CkksContext ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        ContextData first = ctx.firstData();
        ContextData key = ctx.keyLevel();
        double scale = Math.pow(2, 12);
        SecretKey sk = secretKey(rnd, ctx);
        PublicKey pk = new PublicKey(ciphertext(rnd, key, 2, 1.0));
        Encryptor encryptor = new Encryptor(ctx, pk, sk);
        Evaluator ev = new Evaluator(ctx);
        Decryptor dec = new Decryptor(ctx, sk);

        for (ContextData level : ctx.levels()) {
            String at = "@" + level.chainIndex();
            out.put("encrypt.pk" + at, digest(Encryptions.asymmetric(encryptor, level, Blake2xbPrng.ofSeed(seed(7 + level.chainIndex())))));
            out.put("encrypt.sym" + at, digest(Encryptions.symmetric(ctx, sk, level, Blake2xbPrng.ofSeed(seed(70 + level.chainIndex())))));
        }

        RelinKeys relin = new RelinKeys(key.parmsId(), new PublicKey[][] {switchingKey(rnd, ctx)});
        int n = ctx.n();
        PublicKey[][] galois = new PublicKey[n][];
        for (int i = 0; i < n; i++) {
            galois[i] = new PublicKey[0];
        }
        int[] steps = {1, -3};
        for (int step : steps) {
            galois[GaloisKeys.indexOf(ctx.galoisTool().eltFromStep(step))] = switchingKey(rnd, ctx);
        }
        GaloisKeys gk = new GaloisKeys(key.parmsId(), galois);

        List<ContextData> dataLevels = ctx.levels().subList(1, ctx.levels().size());
        for (ContextData level : dataLevels) {
            String at = "@" + level.chainIndex();
            Ciphertext a = ciphertext(rnd, level, 2, scale);
            Ciphertext b = ciphertext(rnd, level, 2, scale);
            Ciphertext a3 = ciphertext(rnd, level, 3, scale);
            Plaintext p = plaintext(rnd, level, scale);
            out.put("add" + at, digest(ev.add(a, b)));
            out.put("add23" + at, digest(ev.add(a, a3)));
            out.put("sub32" + at, digest(ev.sub(a3, b)));
            out.put("sub23" + at, digest(ev.sub(b, a3)));
            out.put("negate" + at, digest(ev.negate(a3)));
            out.put("addPlain" + at, digest(ev.addPlain(a, p)));
            out.put("subPlain" + at, digest(ev.subPlain(a, p)));
            out.put("multiplyPlain" + at, digest(ev.multiplyPlain(a, p)));
            out.put("multiplyConstant" + at, digest(ev.multiplyConstant(a, -0.7182818, scale)));
            out.put("multiply" + at, digest(ev.multiply(a, b)));
            out.put("multiply32" + at, digest(ev.multiply(a3, b)));
            out.put("relinearize" + at, digest(ev.relinearize(a3, relin)));
            out.put("rotate1" + at, digest(ev.rotate(a, 1, gk)));
            out.put("rotate-3" + at, digest(ev.rotate(b, -3, gk)));
            out.put("decrypt" + at, digest(dec.decrypt(a)));
            out.put("decrypt3" + at, digest(dec.decrypt(a3)));
            if (level.next() != null) {
                out.put("rescale" + at, digest(ev.rescaleToNext(a)));
                out.put("rescale3" + at, digest(ev.rescaleToNext(a3)));
                out.put("modSwitch" + at, digest(ev.modSwitchToNext(a)));
            }
            Ciphertext[] inputs = new Ciphertext[30];
            double[] weights = new double[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = ciphertext(rnd, level, 2, scale);
                weights[i] = rnd.nextDouble() * 4 - 2;
            }
            {
                out.put("weightedSum" + at, digest(ev.weightedSum(inputs, weights, 0.125, scale)));
                out.put("weightedSumNoBias" + at, digest(ev.weightedSum(inputs, weights, 0.0, scale)));
            }
        }
        return out;
    }

    @Test
    void everyOutputWordIsUnchanged() throws IOException {
        Map<String, String> got = new LinkedHashMap<>();
        for (Map.Entry<String, CkksContext> e : sets().entrySet()) {
            compute(e.getKey(), e.getValue()).forEach((op, d) -> got.put(e.getKey() + " " + op, d));
        }
        String write = System.getProperty("umbra.golden.write");
        if (write != null && !write.isBlank()) {
            StringBuilder sb = new StringBuilder();
            got.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
            Files.writeString(Path.of(write), sb.toString());
        }
        Map<String, String> want = new LinkedHashMap<>();
        try (InputStream in = BitIdentityTest.class.getResourceAsStream(FIXTURE)) {
            assertNotNull(in, FIXTURE);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    int cut = line.lastIndexOf(' ');
                    want.put(line.substring(0, cut), line.substring(cut + 1));
                }
            }
        }
        assertEquals(want.keySet(), got.keySet(), "the recorded operations");
        for (String op : want.keySet()) {
            assertEquals(want.get(op), got.get(op), op);
        }
    }
}
