package io.umbra.cli.he;

import io.umbra.cli.CommandFailure;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.serial.Seal;
import io.umbra.he.serial.SealFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code umbra he inspect}: what a SEAL file holds, read from its structure. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
        "Describe any SEAL 4.1 file: its header and the kind and shape of what it holds.",
        "Works on files from Umbra, SEAL or node-seal: encryption parameters, ciphertexts, plaintexts, public and secret "
            + "keys, relinearization and Galois keys.",
        "With --params, levels are resolved against those parameters and the object is fully validated."},
    footer = {"", "Examples:", "  umbra he inspect params.seal", "  umbra he inspect --params params.seal x.ct"})
final class InspectCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The SEAL file to describe.")
    Path file;

    @Option(names = "--params", paramLabel = "PARAMS", description = "SEAL encryption parameters to check the object against.")
    Path params;

    @Override
    public void run() {
        CkksContext context = params == null ? null : SealFiles.context(params);
        byte[] bytes = SealFiles.read(file);
        String description;
        try {
            description = context == null ? Seal.inspect(bytes) : Seal.inspect(context, bytes);
        } catch (SealFormatException e) {
            throw new CommandFailure(file + " is not a SEAL 4.1 object: " + e.getMessage(), e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println(file + ":");
        w.print(description);
        w.flush();
    }
}
