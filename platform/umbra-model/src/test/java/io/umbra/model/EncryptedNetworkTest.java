package io.umbra.model;

import io.umbra.events.features.FeatureSchema;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.perf.ParameterSet;
import io.umbra.model.ModelArtifact.Network;
import io.umbra.model.ModelArtifact.Scaler;
import io.umbra.model.ModelArtifact.Threshold;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The square network on encrypted feature columns at parameter set (a), as the scoring pool runs it,
 * against the artifact's own plaintext formula. The test holds the keys and decrypts; the class under
 * test never does.
 */
class EncryptedNetworkTest {
    static final FeatureSchema V1 = FeatureSchema.V1;
    static final ParameterSet SET = EncryptedNetwork.PARAMETERS;
    static CkksContext context;
    static KeyGenerator keys;
    static RelinKeys relinKeys;
    static CkksEncoder encoder;
    static Encryptor encryptor;

    @BeforeAll
    static void keys() {
        context = CkksContext.create(SET.parameters());
        keys = new KeyGenerator(context);
        relinKeys = keys.createRelinKeys(true);
        encoder = new CkksEncoder(context);
        encryptor = new Encryptor(context, keys.createPublicKey());
    }

    /**
     * A hand-made network shaped like the trained one (8 units, output weights of both signs, a scaler
     * with log_amount at mean 3.4 / std 1.4) whose logit on ordinary traffic spans about ±130, like the
     * trained network's |126|: units that score small and large amounts both high (the square's point).
     */
    static ModelArtifact network(double outputScale, double thresholdLogit) {
        int d = V1.dimension();
        SplittableRandom r = new SplittableRandom(11);
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = r.nextDouble(0, 0.5);
            std[i] = r.nextDouble(0.3, 0.6);
        }
        int amount = V1.indexOf("log_amount");
        mean[amount] = 3.4;
        std[amount] = 1.4;
        int h = 8;
        double[][] hw = new double[h][d];
        double[] hb = new double[h];
        double[] v = new double[h];
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < d; i++) {
                hw[j][i] = r.nextGaussian() * 0.35;
            }
            hw[j][amount] = r.nextGaussian() * 0.8;
            hb[j] = r.nextGaussian() * 0.5;
            v[j] = (j % 3 == 2 ? -1 : 1) * outputScale * r.nextDouble(0.2, 1.2);
        }
        v[5] = 0; // a dead unit: dropped, costs no product
        return ModelArtifact.network("hand-nn", 1, V1, new Scaler(mean, std), new Network("square", hw, hb, v, -6.5),
                new Threshold(thresholdLogit, "test"), Map.of());
    }

    /** {@code count} plausible transactions as feature rows: amounts from cents to a million, any hour, one channel, one MCC group. */
    static double[][] transactions(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = V1.dimension();
        double[][] x = new double[count][d];
        for (double[] row : x) {
            double amount = Math.exp(r.nextDouble(Math.log(0.5), Math.log(1e6)));
            row[0] = Math.log1p(amount);
            row[1] = Math.min(7, Math.floor(Math.log(1 + amount / 10) * 1.5)) / 7;
            double hour = r.nextDouble(24);
            row[2] = Math.sin(2 * Math.PI * hour / 24);
            row[3] = Math.cos(2 * Math.PI * hour / 24);
            row[4] = r.nextInt(7) / 6.0;
            row[5 + r.nextInt(3)] = 1;
            row[8 + r.nextInt(4)] = 1;
            for (int i = 12; i < d; i++) {
                row[i] = r.nextInt(2);
            }
        }
        return x;
    }

    static Ciphertext[] encryptColumns(double[][] rows) {
        int d = rows[0].length;
        Ciphertext[] columns = new Ciphertext[d];
        for (int f = 0; f < d; f++) {
            double[] column = new double[rows.length];
            for (int s = 0; s < rows.length; s++) {
                column[s] = rows[s][f];
            }
            columns[f] = encryptor.encrypt(encoder.encode(column, SET.scale()));
        }
        return columns;
    }

    @Test
    void aFullBatchScoresLikeThePlaintextNetworkWithTheSameAlerts() {
        int slots = context.slotCount();
        double[][] x = transactions(slots, 2026);
        // the threshold where 2 % of this traffic alerts, so the decisions compared are not all "no"
        double[] reference = Arrays.stream(x).mapToDouble(network(1.0, 0)::logit).toArray();
        double threshold = Arrays.stream(reference).sorted().toArray()[(int) (slots * 0.98)] - 1e-3;
        ModelArtifact artifact = network(1.0, threshold);
        EncryptedNetwork model = EncryptedNetwork.of(artifact);
        assertEquals(7, model.hiddenUnits(), "the unit with output weight 0 is dropped");
        Ciphertext[] columns = encryptColumns(x);

        Evaluator evaluator = new Evaluator(context);
        model.evaluate(context, evaluator, relinKeys, columns); // warm-up, not timed
        long t0 = System.nanoTime();
        Ciphertext score = model.evaluate(context, evaluator, relinKeys, columns);
        double millis = (System.nanoTime() - t0) / 1e6;

        assertEquals(context.lastData().parmsId(), score.parmsId(), "the score comes back at the last level, the smallest ciphertext");
        assertEquals(2, score.size(), "relinearized");
        double[] decrypted = encoder.decode(new Decryptor(context, keys.secretKey()).decrypt(score));
        double worst = 0;
        double maxAbs = 0;
        int alerts = 0;
        for (int s = 0; s < slots; s++) {
            double plain = artifact.logit(x[s]);
            worst = Math.max(worst, Math.abs(decrypted[s] - plain));
            maxAbs = Math.max(maxAbs, Math.abs(plain));
            assertEquals(artifact.alerts(x[s]), model.alerts(decrypted[s]), "alert decision of transaction " + s + " (logit " + plain + ")");
            alerts += artifact.alerts(x[s]) ? 1 : 0;
        }
        System.out.printf("hand-made network, %d units, %d transactions at set (a): worst |Δ logit| %.3g, max |logit| %.1f,"
                        + " %d alerts, evaluation %.0f ms per batch, worst-case bound %.4g%n", model.hiddenUnits(), slots, worst, maxAbs,
                alerts, millis, model.worstCaseAbsLogit());
        assertTrue(maxAbs > 100, "the traffic reaches logits like the trained network's (|126|): " + maxAbs);
        assertTrue(alerts > 40 && alerts < slots / 10, "some but not all transactions alert: " + alerts);
        assertTrue(worst <= 1e-4, "worst |Δ logit| " + worst);
    }

    @Test
    void theFoldedFormIsTheArtifactsFormulaAndTheWorstCaseBoundHolds() {
        ModelArtifact artifact = network(1.0, 0);
        EncryptedNetwork model = EncryptedNetwork.of(artifact);
        double bound = model.worstCaseAbsLogit();
        int d = V1.dimension();
        SplittableRandom r = new SplittableRandom(5);
        double seen = 0;
        for (int k = 0; k < 50_000; k++) {
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {
                double lo = FeatureRanges.min(V1, i);
                double hi = FeatureRanges.max(V1, i);
                x[i] = switch (r.nextInt(3)) { // corners of the box, where squares peak, and points inside
                    case 0 -> lo;
                    case 1 -> hi;
                    default -> r.nextDouble(lo, hi);
                };
            }
            double a = artifact.logit(x);
            assertEquals(a, model.logit(x), 1e-9 * Math.max(1, Math.abs(a)));
            seen = Math.max(seen, Math.abs(a));
        }
        assertTrue(seen <= bound, "a valid transaction reached |logit| " + seen + " above the bound " + bound);
        assertTrue(seen > bound / 20, "the bound is not vacuous: seen " + seen + ", bound " + bound);
        // the bound fits set (a): about 2^18 of |logit|
        double room = EncryptedNetwork.capacity(context, context.firstData(), SET.scale());
        assertTrue(bound < room && room > 2.5e5 && room < 2.7e5, "room " + room + ", bound " + bound);
    }

    @Test
    void withoutRelinearizationKeysTheNetworkIsRefusedSayingWhatTheKeyServiceMustDo() {
        EncryptedNetwork model = EncryptedNetwork.of(network(1.0, 0));
        Ciphertext[] columns = encryptColumns(transactions(16, 1));
        Evaluator evaluator = new Evaluator(context);
        RelinKeys empty = new RelinKeys(context.keyLevel().parmsId(), new PublicKey[][] {{}});
        for (RelinKeys missing : new RelinKeys[] {null, empty}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.evaluate(context, evaluator, missing, columns));
            assertTrue(e.getMessage().contains("relinearization keys") && e.getMessage().contains("UMBRA_HE_RELIN_KEYS=true"),
                    e.getMessage());
        }
    }

    @Test
    void aNetworkWhoseScoreCouldWrapAroundIsRefused() {
        // the same network with output weights ×10^4: its logit could reach ~10^9, beyond the 2^18 set (a) holds
        EncryptedNetwork model = EncryptedNetwork.of(network(1e4, 0));
        assertTrue(model.worstCaseAbsLogit() > 1e6, "bound " + model.worstCaseAbsLogit());
        Ciphertext[] columns = encryptColumns(transactions(16, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.evaluate(context, new Evaluator(context), relinKeys, columns));
        assertTrue(e.getMessage().contains("could reach |logit|") && e.getMessage().contains("wrap around"), e.getMessage());
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class,
                () -> model.requireFits(context, context.firstData(), SET.scale()));
        assertEquals(e.getMessage(), direct.getMessage());
    }

    @Test
    void parametersWithOneRescaleOnlyAreRefusedNamingTheSetThatWorks() {
        ParameterSet b = ParameterSet.B; // {36, 36 | 37}: one rescale, enough for the logistic model only
        CkksContext small = CkksContext.create(b.parameters());
        EncryptedNetwork model = EncryptedNetwork.of(network(1.0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.requireFits(small, small.firstData(), b.scale()));
        assertTrue(e.getMessage().contains("needs 2 rescales") && e.getMessage().contains("leave 1")
                && e.getMessage().contains("UMBRA_HE_PARAMS=a"), e.getMessage());
    }

    @Test
    void aLogisticModelIsNoNetwork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncryptedNetwork.of(SignedModelTest.logistic()));
        assertTrue(e.getMessage().contains("not a network"), e.getMessage());
    }

    @Test
    void aSignedNetworkLoadsFoldedAndALogisticFileIsRefused(@TempDir Path dir) throws Exception {
        ModelArtifact artifact = network(1.0, 3.0);
        Path file = dir.resolve("nn.json");
        Files.write(file, SignedModel.sign(artifact, SignedModelTest.OWNER::sign, SignedModelTest.OWNER.fingerprint()));
        EncryptedNetwork loaded = SignedModel.loadNetwork(file, SignedModelTest.pinned());
        double[] x = transactions(1, 9)[0];
        assertEquals(artifact.logit(x), loaded.logit(x), 1e-9 * Math.max(1, Math.abs(artifact.logit(x))));
        assertEquals(3.0, loaded.thresholdLogit());
        Path lr = dir.resolve("lr.json");
        Files.write(lr, SignedModel.sign(SignedModelTest.logistic(), SignedModelTest.OWNER::sign, SignedModelTest.OWNER.fingerprint()));
        ModelRefusedException e = assertThrows(ModelRefusedException.class, () -> SignedModel.loadNetwork(lr, SignedModelTest.pinned()));
        assertTrue(e.getMessage().contains("logistic"), e.getMessage());
    }
}
