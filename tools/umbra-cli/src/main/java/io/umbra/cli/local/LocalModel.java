package io.umbra.cli.local;

import io.umbra.cli.CommandFailure;
import io.umbra.events.TenantId;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelCard;
import io.umbra.model.SignedModel;
import io.umbra.model.SignedModelCard;
import io.umbra.training.ModelOwnerKey;
import io.umbra.training.ModelTraining;
import io.umbra.traffic.MerchantCompromise;
import io.umbra.traffic.TrafficProfile;
import io.umbra.verify.BundleVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The model a local run serves its tenants: trained (as the model owner would, with {@code umbra-training}) on traffic
 * shaped like the run's own — the generator's default bank of 2,000 cards and 300 merchants at the run's rate and fraud
 * rate, with its breach timing, in 32 cold-started runs of two minutes (sixteen hours of the day, each on two weekdays), since every
 * local run starts with empty card histories at whatever time it is — and signed with a development model-owner key. Cached under {@code target/umbra-local/models/<shape>/},
 * so only the first run of a shape trains (15 to 30 s).
 *
 * <p>Files: {@code network.json} / {@code logistic.json} (signed models: the scoring pool's), {@code *.card.json} (signed
 * cards: the threshold, for the banks' alert-services), {@code model-verification.json} (the owner's public key, pinned
 * by both).
 */
final class LocalModel {
    /**
     * Training traffic: this many two-minute runs of the local run's traffic, each starting 25.5 h after the previous. Sixteen
     * runs (384,000 transactions at 200 tx/s) left card testing at 82 % on held-out runs; 32 give the model twice the episodes
     * of each pattern (docs/MODEL.md, "The local run").
     */
    static final int RUNS = 32;
    /** The most training transactions: 32 runs at 200 tx/s (768,000 vectors of 28 doubles, about 200 MB while training). */
    static final int MAX_TRANSACTIONS = 800_000;
    static final Duration RUN_LENGTH = Duration.ofMinutes(2);
    /**
     * The stated precision of the served model's threshold, chosen on the calibration runs: 0.98, well above the run's goal of
     * 90 %. A threshold set at exactly 0.90 on one sample of runs lands at 0.87 on the next; a two-minute run has only about
     * 150 frauds per bank, so its precision varies by ±2 points around the model's; at 0.95 the held-out runs kept 0.93 and one
     * local run fell to 89.9 %. At 0.98 the held-out runs keep 0.97 at a recall of 96 % (docs/MODEL.md, "The local run").
     */
    static final double TARGET_PRECISION = 0.98;
    /** The local run's training seed (the traffic's own seed is drawn per run, so they differ). */
    static final long SEED = 20_261_207L;

    /** The breach timing of the demo traffic: stolen cards usable 1 to 1.5 minutes after their purchase at a breached merchant. */
    static final MerchantCompromise DEMO_COMPROMISE = MerchantCompromise.DEFAULT.withExposure(Duration.ofMinutes(5))
            .withMinDelay(Duration.ofMinutes(1)).withSpread(Duration.ofSeconds(30));

    /** @param maxAbsLogit the network's worst-case |logit| over valid transactions (the key-service's bound), or NaN for a logistic model */
    record Served(String kind, int featureSchema, Path model, Path card, Path verificationKey, ModelCard facts, String trainedNote,
                  double maxAbsLogit) {
    }

    private LocalModel() {
    }

    /** The traffic profile of a local run's tenant: the generator's defaults, with the demo's breach timing unless {@code realistic}. */
    static TrafficProfile profile(TenantId tenant, String homeCountry, double fraudRate, boolean realisticBreaches) {
        TrafficProfile p = TrafficProfile.of(tenant).withHomeCountry(homeCountry).withFraudRate(fraudRate);
        return realisticBreaches ? p : p.withCompromise(DEMO_COMPROMISE);
    }

    static Served prepare(Path cacheRoot, String kind, int featureSchema, double rate, double fraudRate, boolean realisticBreaches,
                          Consumer<String> progress) {
        int runLength = (int) Math.max(1_000, Math.round(rate * RUN_LENGTH.toSeconds()));
        int transactions = (int) Math.min(MAX_TRANSACTIONS, (long) runLength * RUNS);
        Duration step = Duration.ofNanos(Math.max(1, Math.round(1e9 / rate)));
        String shape = String.format(Locale.ROOT, "v%d-rate%s-fraud%s-%s-n%d-hours-p" + TARGET_PRECISION, featureSchema, LocalCommand.number(rate).replace(",", ""),
                fraudRate, realisticBreaches ? "realistic" : "demo", transactions);
        Path dir = cacheRoot.resolve(shape);
        Path model = dir.resolve(kind + ".json");
        Path card = dir.resolve(kind + ".card.json");
        Path key = dir.resolve("model-verification.json");
        String note;
        try {
            if (!(Files.isRegularFile(model) && Files.isRegularFile(card) && Files.isRegularFile(key))) {
                progress.accept("training the models for this traffic (" + shape + ": " + String.format(Locale.ROOT, "%,d", transactions)
                        + " transactions in " + RUNS + " cold-started runs of " + RUN_LENGTH.toMinutes() + " min); once per shape, cached in " + dir);
                ModelTraining.Config config = ModelTraining.Config.defaults().withTransactions(transactions).withFraudRate(fraudRate)
                        .withSeed(SEED).withFeatureSchema(featureSchema).withTargetPrecision(TARGET_PRECISION)
                        .withTraffic(profile(TenantId.of("local-training"), "DE", fraudRate, realisticBreaches), step, runLength);
                long t0 = System.nanoTime();
                ModelTraining.Result r = ModelTraining.train(config);
                ModelOwnerKey owner = ModelOwnerKey.openOrCreate(dir.resolve("owner-key"), "umbra-local", Optional.empty());
                write(dir, "logistic", owner, r.logistic());
                write(dir, "network", owner, r.network());
                Files.writeString(key, owner.verificationKeyset());
                progress.accept(String.format(Locale.ROOT, "trained in %.1f s", (System.nanoTime() - t0) / 1e9));
                note = "trained now";
            } else {
                note = "cached";
            }
            BundleVerifier pinned = BundleVerifier.fromKeyset(Files.readString(key));
            ModelArtifact artifact = SignedModel.load(model, pinned);
            ModelCard facts = SignedModelCard.load(card, pinned);
            progress.accept(String.format(Locale.ROOT, "serving %s %s v%d on feature schema %d (%s): threshold logit %.4f (probability %.4f), %s",
                    kind, facts.modelId(), facts.version(), facts.featureSchemaVersion(), note, facts.thresholdLogit(), facts.thresholdProbability(),
                    facts.thresholdRule()));
            if (artifact.featureSchemaVersion() != featureSchema) {
                throw new CommandFailure("the cached model " + model + " is on feature schema " + artifact.featureSchemaVersion()
                        + ", not " + featureSchema + ": delete " + dir);
            }
            double bound = artifact.isNetwork() ? io.umbra.model.EncryptedNetwork.of(artifact).worstCaseAbsLogit() : Double.NaN;
            return new Served(kind, featureSchema, model, card, key, facts, note, bound);
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandFailure("cannot prepare the local run's model in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path dir, String name, ModelOwnerKey owner, ModelArtifact artifact) throws IOException {
        Files.createDirectories(dir);
        replace(dir.resolve(name + ".json"), owner.sign(artifact));
        replace(dir.resolve(name + ".card.json"), owner.signCard(artifact));
    }

    private static void replace(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".model-", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
