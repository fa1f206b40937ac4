package io.umbra.cli.he;

import io.umbra.cli.UmbraCli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

/** One in-process run of the {@code umbra} command line: its exit code and what it printed. */
record CommandRun(int exitCode, String out, String err) {

    static CommandRun umbra(Object... args) {
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
    CommandRun ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit code " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
        }
        return this;
    }

    /** A user error: exit 1, a single line on stderr naming the command, no stack trace. */
    boolean isOneLineFailure() {
        return exitCode == 1 && err.startsWith("umbra he ") && err.strip().lines().count() == 1 && !err.contains("\tat ");
    }

    /** A usage error: exit 2 and the usage on stderr. */
    boolean isUsageError() {
        return exitCode == 2 && err.contains("Usage: umbra he");
    }
}
