package io.umbra.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UmbraCliTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = UmbraCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void helpPrintsUsageOnStdoutAndSucceeds() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Usage: umbra"), run.out());
        assertTrue(run.out().contains(" he "), run.out());
        assertEquals("", run.err());
    }

    @Test
    void heHelpPrintsTheGroupsUsage() {
        Run run = run("he", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Usage: umbra he"), run.out());
    }

    @Test
    void unknownCommandIsAUsageErrorOnStderr() {
        Run run = run("nonsense");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("nonsense"), run.err());
        assertTrue(run.err().contains("Usage: umbra"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        Run top = run();
        assertEquals(2, top.exitCode());
        assertTrue(top.err().contains("Usage: umbra"), top.err());

        Run he = run("he");
        assertEquals(2, he.exitCode());
        assertTrue(he.err().contains("Usage: umbra he"), he.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("--no-such-option").exitCode());
        assertEquals(2, run("he", "--no-such-option").exitCode());
    }
}
