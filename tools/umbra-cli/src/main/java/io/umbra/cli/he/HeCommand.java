package io.umbra.cli.he;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code he} command group. It does nothing itself; its subcommands are listed in
 * {@code subcommands} below as they are implemented.
 */
@Command(
    name = "he",
    mixinStandardHelpOptions = true,
    description = "Run Umbra's homomorphic-encryption engine (CKKS, he-core) by hand: parameters, keys,"
        + " encryption, encrypted linear scoring and decryption. Every file is in Microsoft SEAL 4.1's format.",
    subcommands = {
        ParamsCommand.class,
        KeygenCommand.class,
        EncryptCommand.class,
        DecryptCommand.class,
        EvalLinearCommand.class,
        InspectCommand.class,
        DemoCommand.class,
        BenchCommand.class,
    })
public final class HeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** Reached only without a subcommand: a usage error (exit code 2), like any other. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), spec.subcommands().isEmpty()
            ? "This build has no 'umbra he' subcommands yet."
            : "Missing required subcommand.");
    }
}
