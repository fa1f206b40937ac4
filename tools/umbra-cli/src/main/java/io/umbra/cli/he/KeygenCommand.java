package io.umbra.cli.he;

import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.serial.SaveOptions;
import io.umbra.he.serial.Seal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;

/** {@code umbra he keygen}: a fresh secret key and the public material derived from it. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
        "Generate a fresh secret key and its public key (and, if asked, relinearization and Galois keys) as SEAL 4.1 files.",
        "The secret key file is created readable and writable by its owner only (mode 0600) where the file system has "
            + "POSIX permissions; keep it in the bank zone. Relinearization and Galois keys are written seed-compressed "
            + "(half the bytes), as SEAL writes its serializable keys."},
    footer = {"", "Example:",
        "  umbra he keygen --params params.seal \\",
        "      --secret-key secret.key --public-key public.key \\",
        "      --relin-keys relin.keys --galois-keys galois.keys --steps 1,2"})
final class KeygenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--params", required = true, paramLabel = "PARAMS", description = "SEAL encryption parameters (from 'umbra he params').")
    Path params;

    @Option(names = "--secret-key", required = true, paramLabel = "SK",
            description = "Where to write the secret key: created owner-only (0600) where POSIX permissions exist.")
    Path secretKey;

    @Option(names = "--public-key", required = true, paramLabel = "PK", description = "Where to write the public key.")
    Path publicKey;

    @Option(names = "--relin-keys", paramLabel = "RK", description = "Also write relinearization keys (for ciphertext multiplications).")
    Path relinKeys;

    @Option(names = "--galois-keys", paramLabel = "GK", description = "Also write Galois keys (for slot rotations).")
    Path galoisKeys;

    @Option(names = "--steps", paramLabel = "STEPS", split = ",",
            description = "Rotation steps the Galois keys cover, comma-separated (positive: left). "
                + "Default: SEAL's set, ±1, ±2, ±4, … up to N/4.")
    int[] steps;

    @Mixin
    CompressionOption compression;

    @Override
    public void run() {
        if (steps != null && galoisKeys == null) {
            throw new ParameterException(spec.commandLine(), "--steps needs --galois-keys (the file the keys for those steps go to)");
        }
        CkksContext context = SealFiles.context(params);
        SaveOptions options = compression.saveOptions();
        PrintWriter w = spec.commandLine().getOut();

        long start = System.nanoTime();
        KeyGenerator keygen = new KeyGenerator(context);
        byte[] sk = Seal.save(keygen.secretKey(), options);
        byte[] pk = Seal.save(keygen.createPublicKey(), options);
        boolean ownerOnly = SealFiles.writeOwnerOnly(secretKey, sk);
        SealFiles.write(publicKey, pk);
        w.println("secret key  -> " + secretKey + "  " + Figures.bytes(sk.length) + (ownerOnly
                ? "  (mode 0600: owner-only; keep it in the bank)"
                : "  (this file system has no POSIX permissions: restrict access to it yourself)"));
        w.println("public key  -> " + publicKey + "  " + Figures.bytes(pk.length));
        if (relinKeys != null) {
            RelinKeys rk = keygen.createRelinKeys(true);
            byte[] bytes = Seal.save(rk, options);
            SealFiles.write(relinKeys, bytes);
            w.println("relin keys  -> " + relinKeys + "  " + Figures.bytes(bytes.length));
        }
        if (galoisKeys != null) {
            int[] elts = steps != null ? context.galoisTool().eltsFromSteps(steps) : context.galoisTool().defaultElts();
            GaloisKeys gk = keygen.createGaloisKeys(elts, true);
            byte[] bytes = Seal.save(gk, options);
            SealFiles.write(galoisKeys, bytes);
            w.println("galois keys -> " + galoisKeys + "  " + Figures.bytes(bytes.length) + "  ("
                    + (steps != null ? "steps " + Arrays.toString(steps) : "SEAL's default steps") + ", " + gk.size() + " keys)");
        }
        keygen.secretKey().destroy();
        w.println("N = " + context.n() + ", key level parms_id " + context.keyLevel().parmsId() + ", " + Figures.since(start));
        w.flush();
    }
}
