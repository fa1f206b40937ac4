package io.umbra.cli.he;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.SecretKey;
import io.umbra.he.serial.Seal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code umbra he decrypt}: every slot of a ciphertext, one number per line and nothing else, for scripts. */
@Command(
    name = "decrypt",
    mixinStandardHelpOptions = true,
    description = {
        "Decrypt a CKKS ciphertext and print every slot, one number per line.",
        "Prints the real part of each of the N/2 slots and nothing else on standard output, each number so that it "
            + "reads back as the same double.",
        "CKKS is approximate: slots hold the encrypted values plus a small error (around 1e-7 at scale 2^40)."},
    footer = {"", "Example:",
        "  umbra he decrypt --params params.seal --secret-key secret.key \\",
        "      --in x.ct | head -3"})
final class DecryptCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--params", required = true, paramLabel = "PARAMS", description = "SEAL encryption parameters.")
    Path params;

    @Option(names = "--secret-key", required = true, paramLabel = "SK", description = "SEAL secret key (from 'umbra he keygen').")
    Path secretKey;

    @Option(names = "--in", required = true, paramLabel = "CT", description = "The ciphertext to decrypt.")
    Path in;

    @Override
    public void run() {
        CkksContext context = SealFiles.context(params);
        SecretKey sk = SealFiles.load(secretKey, "secret key for " + params, b -> Seal.loadSecretKey(context, b));
        Ciphertext ct = SealFiles.load(in, "ciphertext for " + params, b -> Seal.loadCiphertext(context, b));
        double[] slots;
        try {
            slots = new CkksEncoder(context).decode(new Decryptor(context, sk).decrypt(ct));
        } finally {
            sk.destroy();
        }
        StringBuilder text = new StringBuilder(slots.length * 24);
        for (double v : slots) {
            text.append(v).append('\n');
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(text);
        w.flush();
    }
}
