package io.umbra.he.interop;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.ckks.SecretKey;
import io.umbra.he.serial.Seal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine against real SEAL 4.1.2 (node-seal), both directions, at sets (a) and (b): SEAL's keys
 * and ciphertexts work in Umbra, Umbra's keys and ciphertexts work in SEAL, and the results of
 * Umbra's multiply_plain, multiply + relinearize, rescale and rotate decrypt correctly in SEAL.
 */
class EngineInteropTest {

    static Stream<Arguments> sets() {
        // name, N, bits, scale, tolerance for fresh values, tolerance after a multiplication and rescale
        return Stream.of(
                Arguments.of("a", 8192, new int[]{60, 40, 40, 60}, 0x1p40, 1e-6, 1e-5),
                Arguments.of("b", 4096, new int[]{36, 36, 37}, 0x1p30, 1e-4, 1e-2));
    }

    private static double[] randomValues(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return v;
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        for (int i = expected.length; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i])); // unused slots decrypt to zero
        }
        assertTrue(worst <= tolerance, what + ": worst slot error " + worst + " > " + tolerance);
    }

    private static double[] rotateLeft(double[] v, int slots, int steps) {
        double[] full = new double[slots];
        System.arraycopy(v, 0, full, 0, v.length);
        double[] out = new double[slots];
        for (int i = 0; i < slots; i++) {
            out[i] = full[Math.floorMod(i + steps, slots)];
        }
        return out;
    }

    @ParameterizedTest(name = "set {0}")
    @MethodSource("sets")
    void sealKeysAndCiphertextsWorkInUmbra(String name, int n, int[] bits, double scale, double fresh, double deep) {
        NodeSeal seal = NodeSeal.shared();
        byte[] params = seal.params(n, bits);
        CkksContext ctx = CkksContext.create(Seal.loadParameters(params));
        NodeSeal.Keys keys = seal.keygenSeeded(params, true, 1);
        SecretKey sk = Seal.loadSecretKey(ctx, keys.secretKey());
        PublicKey pk = Seal.loadPublicKey(ctx, keys.publicKey());
        RelinKeys rk = Seal.loadRelinKeys(ctx, keys.relinKeys());
        GaloisKeys gk = Seal.loadGaloisKeys(ctx, keys.galoisKeys());
        CkksEncoder encoder = new CkksEncoder(ctx);
        Decryptor decryptor = new Decryptor(ctx, sk);
        Evaluator ev = new Evaluator(ctx);
        Random rnd = new Random(n);
        int slots = ctx.slotCount();
        double[] x = randomValues(rnd, slots);
        double[] y = randomValues(rnd, slots);

        // SEAL encrypts (public key and seeded symmetric); Umbra decrypts.
        byte[] sealPk = seal.encrypt(params, keys.publicKey(), scale, x);
        assertClose(x, encoder.decode(decryptor.decrypt(Seal.loadCiphertext(ctx, sealPk))), fresh, "SEAL public-key ciphertext in Umbra");
        byte[] sealSym = seal.encryptSymmetric(params, keys.secretKey(), scale, y);
        assertClose(y, encoder.decode(decryptor.decrypt(Seal.loadCiphertext(ctx, sealSym))), fresh, "SEAL seeded ciphertext in Umbra");

        // Umbra encrypts under SEAL's public key; SEAL decrypts.
        Encryptor enc = new Encryptor(ctx, pk);
        Ciphertext cx = enc.encrypt(encoder.encode(x, scale));
        Ciphertext cy = enc.encrypt(encoder.encode(y, scale));
        assertClose(x, seal.decrypt(params, keys.secretKey(), Seal.save(cx)), fresh, "Umbra ciphertext in SEAL");

        // Umbra evaluates with SEAL's keys; SEAL decrypts every result.
        double[] w = randomValues(rnd, slots);
        double[] xw = new double[slots];
        double[] xy = new double[slots];
        for (int i = 0; i < slots; i++) {
            xw[i] = x[i] * w[i];
            xy[i] = x[i] * y[i];
        }
        Ciphertext prodPlain = ev.rescaleToNext(ev.multiplyPlain(cx, encoder.encode(w, scale)));
        assertClose(xw, seal.decrypt(params, keys.secretKey(), Seal.save(prodPlain)), deep, "Umbra multiply_plain + rescale in SEAL");
        Ciphertext prod = ev.relinearize(ev.multiply(cx, cy), rk);
        assertClose(xy, seal.decrypt(params, keys.secretKey(), Seal.save(prod)), deep, "Umbra multiply + relinearize in SEAL");
        Ciphertext rescaled = ev.rescaleToNext(prod);
        assertClose(xy, seal.decrypt(params, keys.secretKey(), Seal.save(rescaled)), deep, "Umbra rescale in SEAL");
        Ciphertext rotated = ev.rotate(cx, 1, gk);
        assertClose(rotateLeft(x, slots, 1), seal.decrypt(params, keys.secretKey(), Seal.save(rotated)), fresh * 10, "Umbra rotate in SEAL");

        // SEAL's evaluation of the same product agrees with Umbra's result.
        byte[] sealProd = seal.rescale(params, seal.relinearize(params, seal.multiply(params, Seal.save(cx), Seal.save(cy)), keys.relinKeys()));
        assertClose(xy, encoder.decode(decryptor.decrypt(Seal.loadCiphertext(ctx, sealProd))), deep, "SEAL evaluation of Umbra ciphertexts");
    }

    /**
     * Stronger than "decrypts correctly": on the same input ciphertexts and keys, Umbra's evaluator
     * writes exactly the bytes SEAL's evaluator writes. Public-key encryption is randomized, so the
     * inputs come from SEAL; every operation after that is deterministic.
     */
    @ParameterizedTest(name = "set {0}")
    @MethodSource("sets")
    void evaluatorOutputsAreSealsBytes(String name, int n, int[] bits, double scale, double fresh, double deep) {
        NodeSeal seal = NodeSeal.shared();
        byte[] params = seal.params(n, bits);
        CkksContext ctx = CkksContext.create(Seal.loadParameters(params));
        NodeSeal.Keys keys = seal.keygen(params, true, 1, -3);
        RelinKeys rk = Seal.loadRelinKeys(ctx, keys.relinKeys());
        GaloisKeys gk = Seal.loadGaloisKeys(ctx, keys.galoisKeys());
        Evaluator ev = new Evaluator(ctx);
        Random rnd = new Random(3L * n);
        int slots = ctx.slotCount();
        double[] x = randomValues(rnd, slots);
        double[] y = randomValues(rnd, slots);
        byte[] sx = seal.encrypt(params, keys.publicKey(), scale, x);
        byte[] sy = seal.encrypt(params, keys.publicKey(), scale, y);
        Ciphertext cx = Seal.loadCiphertext(ctx, sx);
        Ciphertext cy = Seal.loadCiphertext(ctx, sy);
        byte[] plain = seal.encode(params, scale, y);
        assertArrayEquals(plain, Seal.save(new CkksEncoder(ctx).encode(y, scale)), "encode");
        assertArrayEquals(seal.add(params, sx, sy), Seal.save(ev.add(cx, cy)), "add");
        assertArrayEquals(seal.multiplyPlain(params, sx, plain), Seal.save(ev.multiplyPlain(cx, Seal.loadPlaintext(ctx, plain))), "multiply_plain");
        byte[] sealProduct = seal.multiply(params, sx, sy);
        assertArrayEquals(sealProduct, Seal.save(ev.multiply(cx, cy)), "multiply");
        byte[] sealRelin = seal.relinearize(params, sealProduct, keys.relinKeys());
        assertArrayEquals(sealRelin, Seal.save(ev.relinearize(ev.multiply(cx, cy), rk)), "relinearize");
        assertArrayEquals(seal.rescale(params, sealRelin), Seal.save(ev.rescaleToNext(Seal.loadCiphertext(ctx, sealRelin))), "rescale_to_next");
        assertArrayEquals(seal.modSwitch(params, sx), Seal.save(ev.modSwitchToNext(cx)), "mod_switch_to_next");
        for (int step : new int[]{1, -3}) {
            assertArrayEquals(seal.rotate(params, sx, keys.galoisKeys(), step), Seal.save(ev.rotate(cx, step, gk)), "rotate " + step);
        }
    }

    @ParameterizedTest(name = "set {0}")
    @MethodSource("sets")
    void umbraKeysWorkInSeal(String name, int n, int[] bits, double scale, double fresh, double deep) {
        NodeSeal seal = NodeSeal.shared();
        CkksContext ctx = CkksContext.create(io.umbra.he.ckks.EncryptionParameters.create(n, bits));
        byte[] params = Seal.save(ctx.params());
        assertArrayEquals(seal.params(n, bits), params, "parameters are SEAL's bytes");
        KeyGenerator keygen = new KeyGenerator(ctx);
        byte[] sk = Seal.save(keygen.secretKey());
        byte[] pk = Seal.save(keygen.createPublicKey());
        byte[] rk = Seal.save(keygen.createRelinKeys(true));
        byte[] gk = Seal.save(keygen.createGaloisKeysForSteps(new int[]{1, -2}, true));
        // SEAL re-saves our secret key to the same bytes: same format, same NTT form.
        assertArrayEquals(sk, seal.loadSave(params, NodeSeal.Kind.SECRET_KEY, sk), "secret key round trip through SEAL");
        CkksEncoder encoder = new CkksEncoder(ctx);
        Decryptor decryptor = new Decryptor(ctx, keygen.secretKey());
        Random rnd = new Random(n + 1);
        int slots = ctx.slotCount();
        double[] x = randomValues(rnd, slots);
        double[] y = randomValues(rnd, slots);

        // SEAL encrypts under Umbra's public key and evaluates with Umbra's relinearization and Galois keys.
        byte[] cx = seal.encrypt(params, pk, scale, x);
        byte[] cy = seal.encrypt(params, pk, scale, y);
        assertClose(x, encoder.decode(decryptor.decrypt(Seal.loadCiphertext(ctx, cx))), fresh, "SEAL encryption under Umbra's public key");
        double[] xy = new double[slots];
        for (int i = 0; i < slots; i++) {
            xy[i] = x[i] * y[i];
        }
        byte[] prod = seal.rescale(params, seal.relinearize(params, seal.multiply(params, cx, cy), rk));
        assertClose(xy, encoder.decode(decryptor.decrypt(Seal.loadCiphertext(ctx, prod))), deep, "SEAL relinearize with Umbra's keys");
        for (int step : new int[]{1, -2}) {
            byte[] rot = seal.rotate(params, cx, gk, step);
            assertClose(rotateLeft(x, slots, step), encoder.decode(decryptor.decrypt(Seal.loadCiphertext(ctx, rot))), fresh * 10,
                    "SEAL rotate by " + step + " with Umbra's Galois keys");
        }
        // Umbra's seeded symmetric ciphertext decrypts in SEAL with Umbra's secret key.
        Ciphertext sym = Encryptor.symmetric(ctx, keygen.secretKey()).encryptSymmetric(encoder.encode(y, scale));
        assertClose(y, seal.decrypt(params, sk, Seal.save(sym)), fresh, "Umbra seeded ciphertext in SEAL");
    }
}
