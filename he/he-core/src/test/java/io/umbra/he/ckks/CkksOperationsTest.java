package io.umbra.he.ckks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every evaluator operation in the slot domain, against the same computation on doubles, at sets
 * (a), (b) and (c) over several random seeds: the error bounds a user of the engine relies on.
 * Bounds are set from the noise analysis (fresh noise ≈ √N·σ/Δ, growing by the operand sizes),
 * with a margin, and far below what any wrong result would give (errors of order 1).
 */
class CkksOperationsTest {

    record Set(String name, int n, int[] bits, double scale, double fresh, double afterMultiply, double rotation) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        // Rotation noise is (digit·e)/P summed over digits: with a 60-bit first prime it is about
        // 1e-6 at (a) and twice that at (c), exactly as in SEAL (whose rotations we match byte for byte).
        Set a = new Set("a", 8192, new int[]{60, 40, 40, 60}, 0x1p40, 1e-7, 1e-6, 5e-6);
        Set b = new Set("b", 4096, new int[]{36, 36, 37}, 0x1p30, 1e-4, 2e-3, 4e-3);
        Set c = new Set("c", 16384, new int[]{60, 40, 40, 40, 40, 40, 40, 60}, 0x1p40, 1e-7, 1e-6, 1e-5);
        return Stream.of(a, b, c).flatMap(s -> IntStream.range(0, s == c ? 1 : 3).mapToObj(seed -> Arguments.of(s, seed)));
    }

    private static double[] values(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return v;
    }

    private static double worst(double[] expected, double[] actual) {
        double w = 0;
        for (int i = 0; i < expected.length; i++) {
            w = Math.max(w, Math.abs(expected[i] - actual[i]));
        }
        return w;
    }

    private static void check(String what, double[] expected, double[] actual, double bound) {
        double w = worst(expected, actual);
        assertTrue(w <= bound, what + ": worst slot error " + w + " > " + bound);
    }

    @ParameterizedTest(name = "set {0}, seed {1}")
    @MethodSource("cases")
    void operationsMatchPlaintextArithmetic(Set set, int seed) {
        CkksContext ctx = CkksContext.create(EncryptionParameters.create(set.n, set.bits));
        KeyGenerator keygen = new KeyGenerator(ctx);
        CkksEncoder encoder = new CkksEncoder(ctx);
        Encryptor enc = new Encryptor(ctx, keygen.createPublicKey());
        Decryptor dec = new Decryptor(ctx, keygen.secretKey());
        Evaluator ev = new Evaluator(ctx);
        RelinKeys rk = keygen.createRelinKeys(true);
        int[] steps = {1, 5, -1, -7};
        GaloisKeys gk = keygen.createGaloisKeysForSteps(steps, true);
        int slots = ctx.slotCount();
        Random rnd = new Random(1000L * set.n + seed);
        double[] x = values(rnd, slots);
        double[] y = values(rnd, slots);
        double scale = set.scale;
        Ciphertext cx = enc.encrypt(encoder.encode(x, scale));
        Ciphertext cy = enc.encrypt(encoder.encode(y, scale));
        Plaintext py = encoder.encode(y, scale);

        check("encrypt/decrypt", x, encoder.decode(dec.decrypt(cx)), set.fresh);
        double[] sum = new double[slots];
        double[] diff = new double[slots];
        double[] prod = new double[slots];
        double[] neg = new double[slots];
        double[] sq = new double[slots];
        for (int i = 0; i < slots; i++) {
            sum[i] = x[i] + y[i];
            diff[i] = x[i] - y[i];
            prod[i] = x[i] * y[i];
            neg[i] = -x[i];
            sq[i] = x[i] * x[i];
        }
        check("add", sum, encoder.decode(dec.decrypt(ev.add(cx, cy))), 2 * set.fresh);
        check("sub", diff, encoder.decode(dec.decrypt(ev.sub(cx, cy))), 2 * set.fresh);
        check("negate", neg, encoder.decode(dec.decrypt(ev.negate(cx))), set.fresh);
        check("add_plain", sum, encoder.decode(dec.decrypt(ev.addPlain(cx, py))), 2 * set.fresh);
        check("sub_plain", diff, encoder.decode(dec.decrypt(ev.subPlain(cx, py))), 2 * set.fresh);
        check("multiply_plain + rescale", prod, encoder.decode(dec.decrypt(ev.rescaleToNext(ev.multiplyPlain(cx, py)))), set.afterMultiply);
        double k = -0.3125;
        double[] kx = new double[slots];
        for (int i = 0; i < slots; i++) {
            kx[i] = k * x[i];
        }
        check("multiply by a constant + rescale", kx, encoder.decode(dec.decrypt(ev.rescaleToNext(ev.multiplyConstant(cx, k, scale)))), set.afterMultiply);
        Ciphertext product = ev.multiply(cx, cy);
        assertEquals(3, product.size());
        check("multiply (size 3)", prod, encoder.decode(dec.decrypt(product)), set.afterMultiply);
        Ciphertext relin = ev.relinearize(product, rk);
        assertEquals(2, relin.size());
        check("relinearize", prod, encoder.decode(dec.decrypt(relin)), set.afterMultiply);
        check("rescale", prod, encoder.decode(dec.decrypt(ev.rescaleToNext(relin))), set.afterMultiply);
        check("square", sq, encoder.decode(dec.decrypt(ev.rescaleToNext(ev.relinearize(ev.square(cx), rk)))), set.afterMultiply);
        for (int step : steps) {
            double[] rotated = new double[slots];
            for (int i = 0; i < slots; i++) {
                rotated[i] = x[Math.floorMod(i + step, slots)];
            }
            check("rotate " + step, rotated, encoder.decode(dec.decrypt(ev.rotate(cx, step, gk))), set.rotation);
        }
        assertThrows(IllegalArgumentException.class, () -> ev.rotate(cx, 2, gk), "no key for step 2");
    }

    @ParameterizedTest(name = "set {0}, seed {1}")
    @MethodSource("cases")
    void rescalingWalksDownToTheLastLevel(Set set, int seed) {
        CkksContext ctx = CkksContext.create(EncryptionParameters.create(set.n, set.bits));
        KeyGenerator keygen = new KeyGenerator(ctx);
        CkksEncoder encoder = new CkksEncoder(ctx);
        Encryptor enc = new Encryptor(ctx, keygen.createPublicKey());
        Decryptor dec = new Decryptor(ctx, keygen.secretKey());
        Evaluator ev = new Evaluator(ctx);
        RelinKeys rk = keygen.createRelinKeys(false);
        int slots = ctx.slotCount();
        Random rnd = new Random(77L * set.n + seed);
        // values near 1 in magnitude keep repeated squaring well-conditioned
        double[] x = new double[slots];
        for (int i = 0; i < slots; i++) {
            x[i] = 0.9 + 0.2 * rnd.nextDouble();
        }
        Ciphertext c = enc.encrypt(encoder.encode(x, set.scale));
        double[] expected = x.clone();
        int multiplications = 0;
        while (ctx.require(c.parmsId()).next() != null) {
            c = ev.rescaleToNext(ev.relinearize(ev.square(c), rk));
            multiplications++;
            for (int i = 0; i < slots; i++) {
                expected[i] *= expected[i];
            }
            // relative error roughly doubles with each squaring
            double bound = set.afterMultiply * Math.pow(4, multiplications) * maxAbs(expected);
            check("x^(2^" + multiplications + ")", expected, encoder.decode(dec.decrypt(c)), bound);
        }
        assertEquals(ctx.lastData().parmsId(), c.parmsId());
        assertEquals(ctx.firstData().primeCount() - 1, multiplications);
        Ciphertext last = c;
        assertThrows(IllegalArgumentException.class, () -> ev.rescaleToNext(last), "nothing left to rescale");
        // mod_switch keeps value and scale
        Ciphertext fresh = enc.encrypt(encoder.encode(x, set.scale));
        Ciphertext switched = ev.modSwitchTo(fresh, ctx.lastData().parmsId());
        assertEquals(fresh.scale(), switched.scale());
        check("mod_switch to the last level", x, encoder.decode(dec.decrypt(switched)), set.fresh);
    }

    @ParameterizedTest(name = "set {0}, seed {1}")
    @MethodSource("cases")
    void weightedSumIsTheLinearModel(Set set, int seed) {
        CkksContext ctx = CkksContext.create(EncryptionParameters.create(set.n, set.bits));
        KeyGenerator keygen = new KeyGenerator(ctx);
        CkksEncoder encoder = new CkksEncoder(ctx);
        Encryptor enc = new Encryptor(ctx, keygen.createPublicKey());
        Decryptor dec = new Decryptor(ctx, keygen.secretKey());
        Evaluator ev = new Evaluator(ctx);
        int slots = ctx.slotCount();
        int d = 30;
        Random rnd = new Random(31L * set.n + seed);
        double[][] features = new double[d][];
        Ciphertext[] columns = new Ciphertext[d];
        double[] weights = new double[d];
        for (int f = 0; f < d; f++) {
            features[f] = values(rnd, slots);
            columns[f] = enc.encrypt(encoder.encode(features[f], set.scale));
            weights[f] = rnd.nextGaussian();
        }
        double bias = -2.75;
        double[] expected = new double[slots];
        for (int i = 0; i < slots; i++) {
            double s = bias;
            for (int f = 0; f < d; f++) {
                s += weights[f] * features[f][i];
            }
            expected[i] = s;
        }
        ContextData level = ctx.firstData();
        double weightScale = level.primes()[level.primeCount() - 1];
        Ciphertext score = ev.linearScore(columns, weights, bias);
        assertEquals(level.next().parmsId(), score.parmsId());
        assertEquals(set.scale, score.scale(), set.scale * 1e-9);
        // d noisy terms with |w| ≈ 1: about √d·‖w‖ times the fresh error
        check("weighted sum (" + d + " features)", expected, encoder.decode(dec.decrypt(score)), 30 * set.fresh + set.afterMultiply);
        // the same through the individual operations
        Ciphertext manual = null;
        for (int f = 0; f < d; f++) {
            Ciphertext term = ev.multiplyConstant(columns[f], weights[f], weightScale);
            manual = manual == null ? term : ev.add(manual, term);
        }
        manual = ev.addPlain(manual, encoder.encode(bias, level.parmsId(), manual.scale()));
        check("weighted sum equals multiply + add", encoder.decode(dec.decrypt(ev.rescaleToNext(manual))),
                encoder.decode(dec.decrypt(score)), 30 * set.fresh + set.afterMultiply);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return Math.max(m, 1.0);
    }
}
