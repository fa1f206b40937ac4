package io.umbra.cli.he;

import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.SecurityStandard;
import io.umbra.he.serial.Seal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code umbra he params}: choose CKKS parameters as SEAL's {@code CoeffModulus::Create} would, show them, save them. */
@Command(
    name = "params",
    mixinStandardHelpOptions = true,
    description = {
        "Create CKKS encryption parameters and write them as a SEAL 4.1 file.",
        "Primes are chosen exactly as SEAL's CoeffModulus::Create(N, bits) chooses them; the last one is the special "
            + "(key-switching) prime. Prints the primes, the parms_id of every level, the total bit count and the "
            + "128-bit security check (HomomorphicEncryption.org); parameters above the bound are refused (exit 1)."},
    footer = {"", "Example:", "  umbra he params --degree 8192 --bits 60,40,40,60 --out params.seal"})
final class ParamsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--degree", paramLabel = "N", defaultValue = "8192",
            description = "Polynomial modulus degree: 4096, 8192, 16384 or 32768 (default: ${DEFAULT-VALUE}). A ciphertext holds N/2 values.")
    int degree;

    @Option(names = "--bits", paramLabel = "BITS", split = ",", defaultValue = "60,40,40,60",
            description = "Bit sizes of the primes, comma-separated (default: ${DEFAULT-VALUE}). Each rescale drops one middle prime.")
    int[] bits;

    @Option(names = "--out", paramLabel = "PARAMS", description = "Where to write the parameters; without it they are only printed.")
    Path out;

    @Mixin
    CompressionOption compression;

    @Override
    public void run() {
        EncryptionParameters params = EncryptionParameters.create(degree, bits);
        CkksContext context = CkksContext.create(params);
        PrintWriter w = spec.commandLine().getOut();
        describe(context, w);
        if (out != null) {
            byte[] bytes = Seal.save(params, compression.saveOptions());
            SealFiles.write(out, bytes);
            w.println("wrote " + out + " (" + Figures.bytes(bytes.length) + ")");
        }
        w.flush();
    }

    /** The primes, the levels with their parms_ids, the total and the security bound; shared with {@code he demo}. */
    static void describe(CkksContext context, PrintWriter w) {
        EncryptionParameters params = context.params();
        int n = context.n();
        long[] primes = params.primes();
        w.println("CKKS parameters: N = " + n + " (" + Figures.count(context.slotCount()) + " slots per ciphertext)");
        w.println("primes (coefficient modulus, in order):");
        int width = 0;
        for (long p : primes) {
            width = Math.max(width, Long.toString(p).length());
        }
        for (int i = 0; i < primes.length; i++) {
            String role = context.usingKeySwitching() && i == primes.length - 1 ? "  special prime (key switching)" : "";
            w.printf("  q%-2d %" + width + "d  %2d bits%s%n", i, primes[i], 64 - Long.numberOfLeadingZeros(primes[i]), role);
        }
        w.println("levels (SEAL chain index, primes, parms_id):");
        for (ContextData level : context.levels()) {
            boolean keysOnly = level == context.keyLevel() && context.usingKeySwitching();
            int rescales = context.firstData().chainIndex() - level.chainIndex();
            String role = keysOnly ? "key level: keys only"
                    : rescales == 0 ? "data level: fresh ciphertexts"
                    : "data level: after " + rescales + (rescales == 1 ? " rescale" : " rescales");
            w.printf("  %2d  %d %-6s  %s  %s%n", level.chainIndex(), level.primeCount(),
                    level.primeCount() == 1 ? "prime" : "primes", level.parmsId(), role);
        }
        int total = params.totalBitCount();
        int max = SecurityStandard.maxBitCount128(n);
        w.println("total: " + total + " bits");
        w.println("security: " + total + " bits ≤ " + max + " allowed for N=" + n + " (128-bit, HomomorphicEncryption.org)");
    }
}
