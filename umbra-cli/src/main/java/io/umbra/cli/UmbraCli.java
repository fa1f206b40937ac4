package io.umbra.cli;

import io.umbra.cli.he.HeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code umbra} command. Usage errors exit with 2 and print the usage on stderr
 * (picocli's defaults); failures inside a command exit with 1.
 */
@Command(
    name = "umbra",
    mixinStandardHelpOptions = true,
    versionProvider = UmbraCli.JarVersion.class,
    description = "Umbra: fraud scoring for banks on homomorphically encrypted transactions.",
    subcommands = {HeCommand.class, CommandLine.HelpCommand.class},
    footer = {
        "",
        "The ./umbra launcher also runs, outside this program:",
        "  test    the test suite (./mvnw -B verify)",
        "  build   every module, packaged, without tests"
    })
public final class UmbraCli {

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line; tests run it without exiting the JVM. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new UmbraCli());
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
