package io.umbra.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UmbraCliTest {


    @Test
    void helpPrintsUsageOnStdoutAndSucceeds() {
        CommandRun run = CommandRun.umbra("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Usage: umbra"), run.out());
        assertTrue(run.out().contains(" he "), run.out());
        assertEquals("", run.err());
    }

    @Test
    void heHelpPrintsTheGroupsUsage() {
        CommandRun run = CommandRun.umbra("he", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Usage: umbra he"), run.out());
    }

    @Test
    void unknownCommandIsAUsageErrorOnStderr() {
        CommandRun run = CommandRun.umbra("nonsense");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("nonsense"), run.err());
        assertTrue(run.err().contains("Usage: umbra"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void missingSubcommandIsAUsageError() {
        CommandRun top = CommandRun.umbra();
        assertEquals(2, top.exitCode());
        assertTrue(top.err().contains("Usage: umbra"), top.err());

        CommandRun he = CommandRun.umbra("he");
        assertEquals(2, he.exitCode());
        assertTrue(he.err().contains("Usage: umbra he"), he.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, CommandRun.umbra("--no-such-option").exitCode());
        assertEquals(2, CommandRun.umbra("he", "--no-such-option").exitCode());
    }
}
