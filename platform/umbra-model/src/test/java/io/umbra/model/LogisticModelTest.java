package io.umbra.model;

import io.umbra.events.features.FeatureSchema;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.KeyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogisticModelTest {

    @Test
    void theBundledModelCoversSchemaV1AndRoundTripsAsJson(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        LogisticModel model = LogisticModel.bundled();
        assertEquals(FeatureSchema.V1, model.schema());
        assertTrue(model.weight("cross_border") > 0 && model.weight("channel_pos") < 0, "risk directions as a fraud team expects");
        Path file = dir.resolve("m.json");
        Files.write(file, model.toJson());
        assertEquals(model, LogisticModel.load(file));
    }

    @Test
    void refusesWeightsThatCouldOverflowTheEncryptedLogitOrDoNotFitTheSchema() {
        double[] w = LogisticModel.bundled().weights();
        w[0] = 1.0; // log_amount reaches ln(1 + 2^53) ≈ 36.7
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogisticModel("m", 1, "umbra.tx", 1, w, 0));
        assertTrue(e.getMessage().contains("|logit|"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LogisticModel("m", 1, "umbra.tx", 1, new double[3], 0));
        assertThrows(IllegalArgumentException.class, () -> new LogisticModel("m", 1, "umbra.tx", 99, new double[15], 0));
    }

    /** The encrypted score equals the plaintext reference slot by slot, at both pipeline parameter sets. */
    @ParameterizedTest
    @CsvSource({"4096, 30, '36,36,37', 1e-4", "8192, 40, '60,40,40,60', 1e-6"})
    void encryptedScoresEqualThePlaintextModel(int n, int logScale, String bits, double tolerance) {
        int[] bitSizes = java.util.Arrays.stream(bits.split(",")).mapToInt(Integer::parseInt).toArray();
        CkksContext ctx = CkksContext.create(EncryptionParameters.create(n, bitSizes));
        KeyGenerator keys = new KeyGenerator(ctx);
        CkksEncoder encoder = new CkksEncoder(ctx);
        Encryptor encryptor = new Encryptor(ctx, keys.createPublicKey());
        LogisticModel model = LogisticModel.bundled();
        int slots = n / 2;
        int d = model.schema().dimension();
        double[][] columns = new double[d][slots];
        SplittableRandom random = new SplittableRandom(n);
        for (int s = 0; s < slots; s++) {
            columns[0][s] = Math.log1p(random.nextDouble() * 1e6);
            for (int f = 1; f < d; f++) {
                columns[f][s] = f <= 3 ? random.nextDouble(-1, 1) : random.nextInt(2);
            }
        }
        double scale = Math.pow(2, logScale);
        Ciphertext[] encrypted = new Ciphertext[d];
        for (int f = 0; f < d; f++) {
            encrypted[f] = encryptor.encrypt(encoder.encode(columns[f], scale));
        }
        Ciphertext score = model.evaluate(ctx, new Evaluator(ctx), encrypted);
        assertEquals(ctx.lastData().parmsId(), score.parmsId(), "the score comes back at the last level, the smallest ciphertext");
        double[] decrypted = encoder.decode(new Decryptor(ctx, keys.secretKey()).decrypt(score));
        double worst = 0;
        for (int s = 0; s < slots; s++) {
            double[] x = new double[d];
            for (int f = 0; f < d; f++) {
                x[f] = columns[f][s];
            }
            worst = Math.max(worst, Math.abs(decrypted[s] - model.logit(x)));
        }
        assertTrue(worst <= tolerance, "worst |Δ logit| " + worst + " at N=" + n);
    }
}
