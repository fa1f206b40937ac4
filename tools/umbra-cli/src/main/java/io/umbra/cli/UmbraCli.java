package io.umbra.cli;

import io.umbra.cli.he.HeCommand;
import io.umbra.cli.local.LocalCommand;
import io.umbra.cli.load.LoadCommand;
import io.umbra.cli.keys.KeysCommand;
import io.umbra.cli.tenant.TenantCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * Entry point of the {@code umbra} command. Usage errors exit with 2 and print the usage on stderr
 * (picocli's defaults); failures inside a command exit with 1: one line on stderr when the input was
 * at fault, a stack trace when the program was.
 */
@Command(
    name = "umbra",
    mixinStandardHelpOptions = true,
    versionProvider = UmbraCli.JarVersion.class,
    description = "Umbra: fraud scoring for banks on homomorphically encrypted transactions.",
    subcommands = {HeCommand.class, LocalCommand.class, io.umbra.cli.local.ChaosCommand.class, LoadCommand.class, io.umbra.cli.produce.ProduceCommand.class,
        io.umbra.cli.produce.DlqCommand.class, io.umbra.cli.trace.TraceCommand.class, TenantCommand.class, KeysCommand.class,
        io.umbra.cli.model.ModelCommand.class, CommandLine.HelpCommand.class},
    footer = {
        "",
        "The ./umbra launcher also runs, outside this program:",
        "  test    the test suite (./mvnw -B verify)",
        "  build   every module, packaged, without tests",
        "and builds the service jars before 'local' when they are missing or older than their sources."
    })
public final class UmbraCli {

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line; tests run it without exiting the JVM. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new UmbraCli())
                .setExecutionExceptionHandler(UmbraCli::reportFailure)
                .setParameterExceptionHandler(UmbraCli::reportUsageError);
    }

    /**
     * picocli's default, except that the usage is printed even when it has a "Did you mean" suggestion
     * (its default then leaves the usage out, and whether a suggestion exists depends on which command
     * names happen to look alike).
     */
    private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        cmd.usage(err, cmd.getColorScheme());
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Bad input (our {@link CommandFailure}, and the engine's IllegalArgumentException and
     * IllegalStateException, which carry its validation messages: insecure parameters, a scale out of
     * bounds, operands at different levels) is one line naming the command. Anything else is a bug
     * and keeps its stack trace.
     */
    private static int reportFailure(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof CommandFailure || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message);
        } else {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    /** The version stamped into the uber jar's manifest by the build. */
    static final class JarVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = UmbraCli.class.getPackage().getImplementationVersion();
            return new String[] {"umbra " + (version != null ? version : "(not built as a jar)")};
        }
    }
}
