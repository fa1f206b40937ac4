package io.umbra.cli.model;

import io.umbra.cli.CommandFailure;
import io.umbra.events.features.FeatureSchema;
import io.umbra.model.ModelArtifact;
import io.umbra.model.SignedModel;
import io.umbra.training.ModelOwnerKey;
import io.umbra.training.ModelTraining;
import io.umbra.training.PmmlImport;
import io.umbra.traffic.FraudPattern;
import io.umbra.verify.BundleVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;

/** {@code umbra model train|import-pmml}. */
@Command(name = "model", description = "Fraud models: train on generated traffic, import from PMML; artifacts signed by the model owner.",
        subcommands = {ModelCommand.Train.class, ModelCommand.ImportPmml.class})
public final class ModelCommand {
    /** The file beside the models holding the public key a scorer pins to verify them. */
    static final String VERIFICATION_FILE = "model-verification.json";

    /** The model owner's signing key. */
    static class Signing {
        @Option(names = "--signing-key", paramLabel = "DIR", defaultValue = "target/umbra-model-owner",
                description = {"The model owner's key directory: the wrapped Ed25519 key and its public half, created on first use",
                    "(default ${DEFAULT-VALUE}; keep it away from the scoring zone)."})
        Path dir;

        @Option(names = "--owner", paramLabel = "NAME", defaultValue = "model-owner",
                description = "Who owns the models (binds the wrapped key; default ${DEFAULT-VALUE}).")
        String owner;

        @Option(names = "--kms-key-uri", paramLabel = "URI",
                description = "Wrap the signing key with this KMS key (gcp-kms://, aws-kms://, local-kms://) instead of a local keyset file.")
        String kmsKeyUri;

        ModelOwnerKey open() {
            try {
                return ModelOwnerKey.openOrCreate(dir, owner, Optional.ofNullable(kmsKeyUri));
            } catch (IOException | GeneralSecurityException e) {
                throw new CommandFailure("the model owner's signing key in " + dir + " cannot be opened: " + e.getMessage(), e);
            }
        }
    }

    /** Writes the signed artifact and checks it loads back through the scorer's path. */
    static Path writeSigned(ModelOwnerKey key, ModelArtifact artifact, Path out, String fileName) {
        try {
            Files.createDirectories(out);
            Path file = out.resolve(fileName);
            Path tmp = Files.createTempFile(out, ".model-", ".tmp");
            Files.write(tmp, key.sign(artifact));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(out.resolve(VERIFICATION_FILE), key.verificationKeyset(), StandardCharsets.UTF_8);
            ModelArtifact back = SignedModel.load(file, BundleVerifier.fromKeyset(Files.readString(out.resolve(VERIFICATION_FILE))));
            if (!back.equals(artifact)) {
                throw new IllegalStateException("the signed model " + file + " does not read back as written");
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandFailure("cannot write the model to " + out + ": " + e.getMessage(), e);
        }
    }

    /** Writes the signed card of {@code artifact} (its threshold and public facts, for the banks) and checks it verifies. */
    static Path writeCard(ModelOwnerKey key, ModelArtifact artifact, Path out, String fileName) {
        try {
            Path file = out.resolve(fileName);
            Files.write(file, key.signCard(artifact));
            io.umbra.model.SignedModelCard.load(file, BundleVerifier.fromKeyset(Files.readString(out.resolve(VERIFICATION_FILE))));
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandFailure("cannot write the model card to " + out + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Trains a logistic regression and a square-activation network on generated traffic, prints their",
                "figures on held-out traffic, and writes logistic.json and network.json (signed) and model-verification.json."})
    static final class Train implements Runnable {
        @Option(names = "--transactions", paramLabel = "N", defaultValue = "200000",
                description = "Transactions to generate, train and held-out together (default ${DEFAULT-VALUE}).")
        int transactions;
        @Option(names = "--fraud-rate", paramLabel = "F", defaultValue = "0.01", description = "Share of planted frauds (default ${DEFAULT-VALUE}).")
        double fraudRate;
        @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of traffic and training (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--hidden", paramLabel = "H", defaultValue = "8", description = "Hidden units of the network (default ${DEFAULT-VALUE}).")
        int hidden;
        @Option(names = "--epochs", paramLabel = "E", defaultValue = "12", description = "Network training epochs (default ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--feature-schema", paramLabel = "V", defaultValue = "1",
                description = {"Feature schema version: 1 (per-transaction features, the default), 2 (plus per-card behaviour) or 3",
                    "(2 plus digital-goods merchants); serve such a model only to a tenant whose ingest runs that UMBRA_FEATURE_SCHEMA_VERSION."})
        int featureSchema;
        @Option(names = "--target-precision", paramLabel = "P", defaultValue = "0.95",
                description = {"Each model's operating threshold: the lowest logit whose alerts reach this precision on the calibration set",
                    "(the first half of the held-out traffic); the figures are on the second half (default ${DEFAULT-VALUE})."})
        double targetPrecision;
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/umbra-model", description = "Where the models go (default ${DEFAULT-VALUE}).")
        Path out;
        @Mixin
        Signing signing = new Signing();
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter o = spec.commandLine().getOut();
            if (!FeatureSchema.isKnownTx(featureSchema)) {
                throw new CommandFailure("--feature-schema must be " + FeatureSchema.knownTxVersions() + ", not " + featureSchema);
            }
            ModelTraining.Config base = ModelTraining.Config.defaults();
            ModelTraining.Config config = new ModelTraining.Config(transactions, fraudRate, seed, base.homeCountry(), base.trainShare(),
                    hidden, epochs, featureSchema);
            if (!(targetPrecision > 0 && targetPrecision < 1)) {
                throw new CommandFailure("--target-precision must be in (0, 1), not " + targetPrecision);
            }
            config = config.withTargetPrecision(targetPrecision);
            ModelOwnerKey key = signing.open();
            long t0 = System.nanoTime();
            ModelTraining.Result r = ModelTraining.train(config);
            double seconds = (System.nanoTime() - t0) / 1e9;
            o.printf(Locale.ROOT, "generated %,d transactions (fraud rate %.4f, seed %d, feature schema %d: %d features) and trained in %.1f s%n",
                    transactions, fraudRate, seed, featureSchema, config.schema().dimension(), seconds);
            o.printf(Locale.ROOT, "split by arrival time: train %,d (%,d frauds), held out %,d (%,d frauds): calibration %,d (%,d frauds)"
                    + " chooses the thresholds (precision ≥ %s), test %,d (%,d frauds) gives the figures%n%n", r.trainSize(),
                    r.trainFrauds(), r.heldOutSize(), r.heldOutFrauds(), r.calibrationSize(), r.calibrationFrauds(), targetPrecision, r.testSize(),
                    r.testFrauds());
            o.println(table(r));
            if (r.logisticTempering() < 1) {
                o.printf(Locale.ROOT, "logistic weights tempered by %.4f to keep |logit| ≤ 30 on every valid transaction (ranking unchanged)%n",
                        r.logisticTempering());
            }
            Path lr = writeSigned(key, r.logistic(), out, "logistic.json");
            Path nn = writeSigned(key, r.network(), out, "network.json");
            writeCard(key, r.logistic(), out, "logistic.card.json");
            writeCard(key, r.network(), out, "network.card.json");
            o.printf("%nwrote %s and %s, signed by %s, and their cards (threshold, no weights) logistic.card.json and network.card.json%n",
                    lr, nn, key.fingerprint());
            o.printf("give a bank the card of the model it is served (UMBRA_ALERT_MODEL_CARD_FILE) and the same key to pin"
                    + " (UMBRA_ALERT_MODEL_VERIFICATION_KEY_FILE)%n");
            o.printf("pin %s where models are loaded (UMBRA_MODEL_VERIFICATION_KEY_FILE, beside UMBRA_MODEL_PATH or UMBRA_MODELS_DIR)%n", out.resolve(VERIFICATION_FILE));
            o.flush();
        }

        static String table(ModelTraining.Result r) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "test set (the second half of the held-out traffic): %,d transactions, %,d frauds%n",
                    r.testSize(), r.testFrauds()));
            s.append(String.format(Locale.ROOT, "%-22s %12s %12s%n", "test", "logistic", "network"));
            ModelTraining.Evaluation a = r.logisticEvaluation();
            ModelTraining.Evaluation b = r.networkEvaluation();
            row(s, "ROC-AUC", a.rocAuc(), b.rocAuc());
            row(s, "PR-AUC (avg precision)", a.averagePrecision(), b.averagePrecision());
            row(s, "threshold (logit)", a.thresholdLogit(), b.thresholdLogit());
            row(s, "precision", a.confusion().precision(), b.confusion().precision());
            row(s, "recall", a.confusion().recall(), b.confusion().recall());
            count(s, "true positives", a.confusion().truePositives(), b.confusion().truePositives());
            count(s, "false positives", a.confusion().falsePositives(), b.confusion().falsePositives());
            count(s, "false negatives", a.confusion().falseNegatives(), b.confusion().falseNegatives());
            count(s, "true negatives", a.confusion().trueNegatives(), b.confusion().trueNegatives());
            row(s, "alerts per 1,000", a.confusion().alertsPerThousand(), b.confusion().alertsPerThousand());
            for (FraudPattern p : FraudPattern.values()) {
                long[] ca = a.caughtByPattern().get(p);
                long[] cb = b.caughtByPattern().get(p);
                s.append(String.format(Locale.ROOT, "%-22s %12s %12s%n", "caught " + p.name().toLowerCase(Locale.ROOT), ca[0] + "/" + ca[1],
                        cb[0] + "/" + cb[1]));
            }
            return s.toString();
        }

        private static void row(StringBuilder s, String name, double a, double b) {
            s.append(String.format(Locale.ROOT, "%-22s %12.4f %12.4f%n", name, a, b));
        }

        private static void count(StringBuilder s, String name, long a, long b) {
            s.append(String.format(Locale.ROOT, "%-22s %12d %12d%n", name, a, b));
        }
    }

    @Command(name = "import-pmml", mixinStandardHelpOptions = true,
            description = {"Imports a logistic RegressionModel or a square-activation NeuralNetwork from PMML over the V1 features",
                "and writes it signed; anything it cannot reproduce exactly is refused, naming the PMML element."})
    static final class ImportPmml implements Runnable {
        @Parameters(index = "0", paramLabel = "FILE", description = "The PMML document.")
        Path file;
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where the signed model goes.")
        Path out;
        @Option(names = "--model-id", paramLabel = "ID", defaultValue = "umbra-tx-imported", description = "The model's id (default ${DEFAULT-VALUE}).")
        String modelId;
        @Option(names = "--model-version", paramLabel = "V", defaultValue = "1", description = "The model's version (default ${DEFAULT-VALUE}).")
        int version;
        @Option(names = "--alert-probability", paramLabel = "P", defaultValue = "0.5",
                description = "Alert when the fraud probability is at least P (default ${DEFAULT-VALUE}).")
        double alertProbability;
        @Mixin
        Signing signing = new Signing();
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            ModelArtifact artifact;
            try (InputStream in = Files.newInputStream(file)) {
                artifact = PmmlImport.read(in, modelId, version, alertProbability);
            } catch (IOException e) {
                throw new CommandFailure("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (!artifact.isNetwork()) {
                artifact.toLogisticModel(); // the |logit| bound of the encrypted evaluation, before anything is signed
            }
            ModelOwnerKey key = signing.open();
            Path written = writeSigned(key, artifact, out, modelId + ".json");
            writeCard(key, artifact, out, modelId + ".card.json");
            PrintWriter o = spec.commandLine().getOut();
            o.printf("imported %s (%s) from %s; wrote %s and %s%n", artifact.modelId(), artifact.kind(), file, written,
                    out.resolve(VERIFICATION_FILE));
            o.flush();
        }
    }
}
