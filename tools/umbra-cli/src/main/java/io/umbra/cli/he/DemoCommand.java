package io.umbra.cli.he;

import io.umbra.cli.CommandFailure;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.ckks.SecretKey;
import io.umbra.he.serial.Seal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * {@code umbra he demo}: Umbra's flow on one machine, each step printed with its time and size. The
 * bank's steps and the scoring pool's exchange only SEAL bytes, as they would over Kafka: the pool
 * is handed the parameters, the ciphertexts and the model, never a key.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Score a batch of synthetic card transactions for fraud while encrypted, step by step.",
        "parameters -> keys -> encrypt the features (one ciphertext per feature, one slot per transaction) -> "
            + "encrypted linear fraud score (weights in the clear, as the scoring pool holds them) -> decrypt -> sigmoid.",
        "Prints timings, sizes, the largest encrypted-vs-plaintext error and the most suspicious transactions. "
            + "Keeps everything in memory unless --out-dir is given."},
    footer = {"", "Examples:", "  umbra he demo", "  umbra he demo --small --transactions 500 --out-dir demo-out"})
final class DemoCommand implements Runnable {
    private static final int[] BITS = {60, 40, 40, 60};
    private static final int[] SMALL_BITS = {36, 36, 37};

    @Spec
    CommandSpec spec;

    @Option(names = "--small", description = "Smaller, faster parameters: N=4096, primes {36,36,37}, scale 2^30 "
            + "(default: N=8192, {60,40,40,60}, scale 2^40).")
    boolean small;

    @Option(names = "--transactions", paramLabel = "T", description = "Transactions in the batch, at most N/2 (default: N/2, a full batch).")
    Integer transactions;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Seed of the synthetic transactions (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "How many of the most suspicious transactions to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Also write every SEAL file, the model and the scores here, "
            + "to replay the steps with the other 'umbra he' commands.")
    Path outDir;

    @Override
    public void run() {
        int n = small ? 4096 : 8192;
        double scale = small ? 0x1p30 : 0x1p40;
        int count = transactions != null ? transactions : n / 2;
        if (count < 1 || count > n / 2) {
            throw new ParameterException(spec.commandLine(), "--transactions must be between 1 and N/2 = " + (n / 2) + ", got " + count);
        }
        if (top < 0) {
            throw new ParameterException(spec.commandLine(), "--top must not be negative, got " + top);
        }
        PrintWriter w = spec.commandLine().getOut();
        long demoStart = System.nanoTime();
        w.println("Umbra HE demo: card transactions scored for fraud while they stay encrypted (CKKS, SEAL 4.1 format)");
        w.println();

        // 1. Parameters: chosen by the bank, public.
        long start = System.nanoTime();
        EncryptionParameters params = EncryptionParameters.create(n, small ? SMALL_BITS : BITS);
        CkksContext context = CkksContext.create(params);
        byte[] paramsBytes = Seal.save(params);
        step(w, 1, "bank", "encryption parameters", start);
        indented(w, out -> ParamsCommand.describe(context, out));
        w.println("   scale: " + Figures.scale(scale) + "; parameters file " + Figures.bytes(paramsBytes.length));
        w.println();

        // 2. Keys: the secret key stays with the bank; the public key is all the pool's side ever gets.
        start = System.nanoTime();
        KeyGenerator keygen = new KeyGenerator(context);
        SecretKey secretKey = keygen.secretKey();
        PublicKey publicKey = keygen.createPublicKey();
        byte[] secretKeyBytes = Seal.save(secretKey);
        byte[] publicKeyBytes = Seal.save(publicKey);
        step(w, 2, "bank", "keys", start);
        w.println("   secret key " + Figures.bytes(secretKeyBytes.length) + " (stays in the bank), public key "
                + Figures.bytes(publicKeyBytes.length));
        w.println("   no relinearization or Galois keys: a linear model needs neither");
        w.println();

        // 3. A batch of transactions, and the model the pool holds.
        start = System.nanoTime();
        SyntheticCards batch = SyntheticCards.generate(count, seed);
        LinearModel model = SyntheticCards.model();
        step(w, 3, "bank", "transactions", start);
        w.println("   " + Figures.count(count) + " synthetic card transactions x " + SyntheticCards.FEATURES
                + " standardized features (seed " + seed + "), " + batch.fraudCount() + " of them injected frauds");
        w.println(String.format(Locale.ROOT, "   model (scoring pool, in the clear): logistic regression, %d weights, bias %.3f",
                model.weights().length, model.bias()));
        w.println();

        // 4. Encrypt, column packing: ciphertext f holds feature f of every transaction.
        start = System.nanoTime();
        CkksEncoder encoder = new CkksEncoder(context);
        Plaintext[] plains = new Plaintext[SyntheticCards.FEATURES];
        for (int f = 0; f < plains.length; f++) {
            plains[f] = encoder.encode(batch.columns()[f], scale);
        }
        Ciphertext[] encrypted = new Encryptor(context, publicKey).encrypt(plains);
        byte[][] featureBytes = new byte[encrypted.length][];
        long totalBytes = 0;
        for (int f = 0; f < encrypted.length; f++) {
            featureBytes[f] = Seal.save(encrypted[f]);
            totalBytes += featureBytes[f].length;
        }
        step(w, 4, "bank", "encrypt the features", start);
        w.println("   " + encrypted.length + " ciphertexts (one per feature, one slot per transaction), "
                + Figures.bytes(featureBytes[0].length) + " each, " + Figures.bytes(totalBytes) + " in all");
        w.println("   ciphertext bytes per transaction: " + Figures.bytes(Math.round((double) totalBytes / count))
                + (count < n / 2 ? " (" + Figures.bytes(totalBytes / (n / 2)) + " with all " + Figures.count(n / 2) + " slots used)" : ""));
        w.println();

        // 5. Score in the scoring pool: only parameters, ciphertexts and the model, as bytes off the wire.
        start = System.nanoTime();
        CkksContext poolContext = CkksContext.create(Seal.loadParameters(paramsBytes));
        Ciphertext[] received = new Ciphertext[featureBytes.length];
        for (int f = 0; f < received.length; f++) {
            received[f] = Seal.loadCiphertext(poolContext, featureBytes[f]);
        }
        long loaded = System.nanoTime();
        Ciphertext scored = model.scoreEncrypted(new Evaluator(poolContext), received);
        long computed = System.nanoTime();
        byte[] scoreBytes = Seal.save(scored);
        step(w, 5, "scoring pool", "encrypted linear score", start);
        w.println("   loaded " + received.length + " ciphertexts in " + Figures.duration(loaded - start) + "; fused weighted sum of "
                + received.length + " x (weight * ciphertext) + bias, then one rescale, in " + Figures.duration(computed - loaded));
        w.println("   encrypted scores: 1 ciphertext at level " + poolContext.require(scored.parmsId()).chainIndex()
                + ", scale " + Figures.scale(scored.scale()) + ", " + Figures.bytes(scoreBytes.length)
                + " (" + Figures.bytes(Math.round((double) scoreBytes.length / count)) + " per transaction)");
        w.println();

        // 6. Decrypt in the bank, then the sigmoid: the pool never sees a score.
        start = System.nanoTime();
        Ciphertext returned = Seal.loadCiphertext(context, scoreBytes);
        double[] slots = encoder.decode(new Decryptor(context, secretKey).decrypt(returned));
        double[] logits = Arrays.copyOf(slots, count);
        double[] scores = new double[count];
        for (int t = 0; t < count; t++) {
            scores[t] = LinearModel.sigmoid(logits[t]);
        }
        step(w, 6, "bank", "decrypt and apply the sigmoid", start);
        double[] expected = model.logits(batch.columns(), count);
        double maxError = 0;
        int alerts = 0;
        int alertsInClear = 0;
        int caught = 0;
        for (int t = 0; t < count; t++) {
            maxError = Math.max(maxError, Math.abs(logits[t] - expected[t]));
            boolean alert = scores[t] >= 0.5;
            alerts += alert ? 1 : 0;
            alertsInClear += LinearModel.sigmoid(expected[t]) >= 0.5 ? 1 : 0;
            caught += alert && batch.fraud()[t] ? 1 : 0;
        }
        w.println(String.format(Locale.ROOT, "   max |encrypted - plaintext| logit error: %.3e over %s transactions",
                maxError, Figures.count(count)));
        w.println("   alerts (score >= 0.5): " + alerts + " (the plaintext model: " + alertsInClear + "), "
                + caught + " of the " + batch.fraudCount() + " injected frauds among them");
        w.println();

        // 7. What an analyst would look at first.
        int shown = Math.min(top, count);
        if (shown > 0) {
            w.println("7. the " + shown + " most suspicious transactions");
            w.println("   rank  transaction      amount   score  plaintext score  injected fraud");
            Integer[] order = IntStream.range(0, count).boxed().sorted(Comparator.comparingDouble(t -> -scores[t])).toArray(Integer[]::new);
            for (int r = 0; r < shown; r++) {
                int t = order[r];
                w.println(String.format(Locale.ROOT, "   %4d  %11s  %10s  %.4f  %15.4f  %s", r + 1, "#" + t,
                        String.format(Locale.ROOT, "$%,.2f", batch.amounts()[t]), scores[t], LinearModel.sigmoid(expected[t]),
                        batch.fraud()[t] ? "yes" : "no"));
            }
            w.println();
        }

        if (outDir != null) {
            writeFiles(w, paramsBytes, secretKeyBytes, publicKeyBytes, featureBytes, model, scoreBytes);
        }
        secretKey.destroy();
        w.println("done in " + Figures.since(demoStart) + "; the scoring pool held no key and saw no feature in the clear.");
        w.flush();
    }

    private void writeFiles(PrintWriter w, byte[] params, byte[] secretKey, byte[] publicKey, byte[][] features,
                            LinearModel model, byte[] scores) {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new CommandFailure("cannot create " + outDir + ": " + SealFiles.reason(e), e);
        }
        SealFiles.write(outDir.resolve("params.seal"), params);
        boolean ownerOnly = SealFiles.writeOwnerOnly(outDir.resolve("secret.key"), secretKey);
        SealFiles.write(outDir.resolve("public.key"), publicKey);
        for (int f = 0; f < features.length; f++) {
            SealFiles.write(outDir.resolve(String.format(Locale.ROOT, "feature-%02d.ct", f)), features[f]);
        }
        SealFiles.write(outDir.resolve("model.json"), model.toJson().getBytes(StandardCharsets.UTF_8));
        SealFiles.write(outDir.resolve("scores.ct"), scores);
        String d = outDir.toString();
        w.println("wrote " + d + ": params.seal, secret.key" + (ownerOnly ? " (mode 0600)" : "") + ", public.key, feature-00.ct ... feature-"
                + String.format(Locale.ROOT, "%02d", features.length - 1) + ".ct, model.json, scores.ct");
        w.println("replay the scoring and the decryption with:");
        w.println("   ./umbra he eval-linear --params " + d + "/params.seal --weights " + d + "/model.json \\");
        w.println("       --in \"$(ls " + d + "/feature-*.ct | paste -sd, -)\" --out " + d + "/scores-again.ct");
        w.println("   ./umbra he decrypt --params " + d + "/params.seal --secret-key " + d + "/secret.key --in "
                + d + "/scores-again.ct | head");
        w.println();
    }

    private static void step(PrintWriter w, int number, String zone, String what, long startNanos) {
        w.println(number + ". [" + zone + "] " + what + " (" + Figures.since(startNanos) + ")");
    }

    /** Runs {@code body} against a writer that indents every line by three spaces. */
    private static void indented(PrintWriter w, Consumer<PrintWriter> body) {
        StringWriter buffer = new StringWriter();
        PrintWriter inner = new PrintWriter(buffer);
        body.accept(inner);
        inner.flush();
        buffer.toString().lines().forEach(line -> w.println("   " + line));
    }
}
