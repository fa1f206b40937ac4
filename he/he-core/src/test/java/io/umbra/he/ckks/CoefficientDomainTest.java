package io.umbra.he.ckks;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.Ntt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks encryption, decryption and every evaluator operation on polynomials with known integer
 * coefficients, independent of the slot encoder: decrypt(op(enc(m))) must equal op(m) up to the
 * noise bound, for sets (a), (b) and (c) and many random seeds.
 */
class CoefficientDomainTest {
    private static final long FRESH = 512;

    static Stream<Arguments> sets() {
        return Stream.of(
                Arguments.of("b", 4096, new int[]{36, 36, 37}),
                Arguments.of("a", 8192, new int[]{60, 40, 40, 60}),
                Arguments.of("c", 16384, new int[]{60, 40, 40, 40, 40, 40, 40, 60}));
    }

    /** A plaintext whose coefficients are the given integers, in NTT form at a level. */
    static Plaintext plain(ContextData level, long[] coeffs, double scale) {
        int n = level.n();
        long[] data = new long[level.primeCount() * n];
        for (int j = 0; j < level.primeCount(); j++) {
            Modulus q = level.moduli()[j];
            for (int i = 0; i < n; i++) {
                data[j * n + i] = q.fromSigned(coeffs[i]);
            }
            Ntt.forward(data, j * n, level.ntt()[j]);
        }
        return new Plaintext(level.parmsId(), scale, data);
    }

    /** Centered coefficients of a plaintext, read from its first prime (values stay far below it). */
    static long[] coefficients(ContextData level, Plaintext p) {
        int n = level.n();
        long[] c = new long[n];
        System.arraycopy(p.data(), 0, c, 0, n);
        Ntt.inverse(c, 0, level.ntt()[0]);
        for (int i = 0; i < n; i++) {
            c[i] = level.moduli()[0].centered(c[i]);
        }
        return c;
    }

    static long[] randomCoeffs(Random rnd, int n, long bound) {
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            c[i] = (long) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return c;
    }

    static void assertClose(long[] expected, long[] actual, long tolerance, String what) {
        long worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, what + ": worst coefficient error " + worst + " > " + tolerance);
    }

    @ParameterizedTest(name = "set {0}")
    @MethodSource("sets")
    void encryptDecryptAddMultiply(String name, int n, int[] bits) {
        CkksContext ctx = CkksContext.create(EncryptionParameters.create(n, bits));
        KeyGenerator keygen = new KeyGenerator(ctx);
        PublicKey pk = keygen.createPublicKey();
        Encryptor enc = new Encryptor(ctx, pk, keygen.secretKey());
        Decryptor dec = new Decryptor(ctx, keygen.secretKey());
        Evaluator ev = new Evaluator(ctx);
        ContextData level = ctx.firstData();
        for (int seed = 0; seed < 3; seed++) {
            Random rnd = new Random(seed * 7919L + n);
            long bound = 1L << 20;
            long[] m1 = randomCoeffs(rnd, n, bound);
            long[] m2 = randomCoeffs(rnd, n, bound);
            Ciphertext c1 = enc.encrypt(plain(level, m1, 1.0));
            Ciphertext c2 = enc.encryptSymmetric(plain(level, m2, 1.0));
            // Fresh public-key noise is dominated by the rounding of the division by P times s:
            // about sqrt(N)·0.3 per coefficient, so a few hundred at the worst of N coefficients.
            assertClose(m1, coefficients(level, dec.decrypt(c1)), FRESH, "public-key encryption");
            assertClose(m2, coefficients(level, dec.decrypt(c2)), FRESH, "symmetric encryption");
            long[] sum = new long[n];
            long[] diff = new long[n];
            for (int i = 0; i < n; i++) {
                sum[i] = m1[i] + m2[i];
                diff[i] = m1[i] - m2[i];
            }
            assertClose(sum, coefficients(level, dec.decrypt(ev.add(c1, c2))), 2 * FRESH, "add");
            assertClose(diff, coefficients(level, dec.decrypt(ev.sub(c1, c2))), 2 * FRESH, "sub");
            long[] neg = new long[n];
            for (int i = 0; i < n; i++) {
                neg[i] = -m1[i];
            }
            assertClose(neg, coefficients(level, dec.decrypt(ev.negate(c1))), FRESH, "negate");
            assertClose(sum, coefficients(level, dec.decrypt(ev.addPlain(c1, plain(level, m2, 1.0)))), FRESH, "add_plain");
        }
    }

    @ParameterizedTest(name = "set {0}")
    @MethodSource("sets")
    void multiplyRelinearizeRescaleRotate(String name, int n, int[] bits) {
        CkksContext ctx = CkksContext.create(EncryptionParameters.create(n, bits));
        KeyGenerator keygen = new KeyGenerator(ctx);
        Encryptor enc = new Encryptor(ctx, keygen.createPublicKey());
        Decryptor dec = new Decryptor(ctx, keygen.secretKey());
        Evaluator ev = new Evaluator(ctx);
        RelinKeys rk = keygen.createRelinKeys(true);
        GaloisKeys gk = keygen.createGaloisKeysForSteps(new int[]{1, -3}, false);
        ContextData level = ctx.firstData();
        Random rnd = new Random(n);
        // A constant times a small polynomial keeps the product exactly computable in longs.
        long[] m = randomCoeffs(rnd, n, 1L << 16);
        long[] constant = new long[n];
        constant[0] = 3;
        long[] tripled = new long[n];
        for (int i = 0; i < n; i++) {
            tripled[i] = 3 * m[i];
        }
        Ciphertext c = enc.encrypt(plain(level, m, 1.0));
        Ciphertext c3 = enc.encrypt(plain(level, constant, 1.0));
        assertClose(tripled, coefficients(level, dec.decrypt(ev.multiplyPlain(c, plain(level, constant, 1.0)))), 3 * FRESH, "multiply_plain");
        Ciphertext product = ev.multiply(c, c3);
        assertEquals(3, product.size());
        // ct×ct noise is dominated by m·e3, a polynomial product: about sqrt(N)·|m|·|e| ≈ 2^29,
        // still 2^20 below the primes; what matters is that it is not a wrong result (≈ q).
        assertClose(tripled, coefficients(level, dec.decrypt(product)), 1L << 32, "multiply");
        Ciphertext relin = ev.relinearize(product, rk);
        assertEquals(2, relin.size());
        assertClose(tripled, coefficients(level, dec.decrypt(relin)), 1L << 32, "relinearize");
        // Rotation: the automorphism X -> X^g applied to the plaintext must match.
        for (int step : new int[]{1, -3}) {
            int elt = ctx.galoisTool().eltFromStep(step);
            Ciphertext rotated = ev.applyGalois(c, elt, gk);
            Plaintext pm = plain(level, m, 1.0);
            long[] permuted = new long[pm.data().length];
            ctx.galoisTool().applyNtt(pm.data(), 0, level.primeCount(), elt, permuted, 0);
            long[] expected = coefficients(level, new Plaintext(level.parmsId(), 1.0, permuted));
            assertClose(expected, coefficients(level, dec.decrypt(rotated)), 4 * FRESH, "rotate " + step);
        }
        // Rescale: a multiple of the last prime, divided by it; what remains is the rounding of
        // c0 and c1 (±1/2 each) through s, the same few-hundred bound as fresh encryption.
        ContextData at = level;
        long q = at.primes()[at.primeCount() - 1];
        long[] big = new long[n];
        long[] small = randomCoeffs(rnd, n, 1 << 10);
        for (int i = 0; i < n; i++) {
            big[i] = small[i] * q;
        }
        Ciphertext scaled = enc.encrypt(plain(level, big, q));
        Ciphertext down = ev.rescaleToNext(scaled);
        assertEquals(1.0, down.scale(), 1e-12);
        assertClose(small, coefficients(ctx.require(down.parmsId()), dec.decrypt(down)), FRESH, "rescale");
        Ciphertext walk = down;
        while (ctx.require(walk.parmsId()).next() != null) {
            walk = ev.modSwitchToNext(walk);
        }
        assertEquals(ctx.lastData().parmsId(), walk.parmsId());
        assertClose(small, coefficients(ctx.lastData(), dec.decrypt(walk)), FRESH, "mod_switch to the last level");
    }
}
