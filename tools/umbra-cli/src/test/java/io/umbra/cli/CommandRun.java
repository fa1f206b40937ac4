package io.umbra.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

/** One in-process run of the {@code umbra} command line: its exit code and what it printed. */
public record CommandRun(int exitCode, String out, String err) {

    public static CommandRun umbra(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = UmbraCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] strings = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        int exitCode = cli.execute(strings);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }

    /** Fails with everything printed unless the run succeeded. */
    public CommandRun ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit code " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
        }
        return this;
    }

    /**
     * A user error: exit 1, a single line on stderr starting {@code "umbra " + prefix} (the command that failed:
     * {@code "he "} for any engine command, {@code "tenant apply: "}), no stack trace.
     */
    public boolean isOneLineFailure(String prefix) {
        return exitCode == 1 && err.startsWith("umbra " + prefix) && err.strip().lines().count() == 1 && !err.contains("\tat ");
    }

    /** A usage error of {@code umbra <command>}: exit 2 and its usage on stderr. */
    public boolean isUsageError(String command) {
        return exitCode == 2 && err.contains("Usage: umbra " + command);
    }
}
