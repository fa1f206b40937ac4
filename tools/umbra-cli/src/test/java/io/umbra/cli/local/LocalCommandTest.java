package io.umbra.cli.local;

import static io.umbra.cli.CommandRun.umbra;
import io.umbra.cli.CommandRun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code umbra local} says before it starts anything; the full run is the end-to-end tests' job. */
class LocalCommandTest {


    @Test
    void helpNamesTheOptions() {
        CommandRun run = umbra("local", "--help");
        assertEquals(0, run.exitCode());
        for (String option : new String[] {"--tenants", "--rate", "--duration", "--seed", "--no-traffic", "--fraud-rate", "--secure", "--model",
            "--features", "--breaches"}) {
            assertTrue(run.out().contains(option), option + " in " + run.out());
        }
        assertTrue(umbra("--help").out().contains("local"));
    }

    @Test
    void badValuesAreUsageErrors() {
        assertEquals(2, umbra("local", "--rate", "0").exitCode());
        assertEquals(2, umbra("local", "--fraud-rate", "0.9").exitCode());
        assertEquals(2, umbra("local", "--duration", "soon").exitCode());
        CommandRun model = umbra("local", "--model", "forest");
        assertEquals(2, model.exitCode());
        assertTrue(model.err().contains("--model must be network or logistic"), model.err());
        assertEquals(2, umbra("local", "--features", "4").exitCode());
        assertEquals(2, umbra("local", "--breaches", "soon").exitCode());
        CommandRun zero = umbra("local", "--duration", "0s");
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().contains("--duration must be positive"), zero.err());
    }

    @Test
    void aRefusedTenantIdIsOneLineNamingTheRule(@TempDir Path dir) {
        CommandRun run = umbra("local", "--tenants", "acme,Globex", "--root", dir.toString(), "--run-dir", dir.resolve("run").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("umbra local: tenant id 'Globex' refused: use only lower-case letters"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void missingServiceJarsStopItBeforeAnythingStartsWithTheBuildCommand(@TempDir Path root) {
        Path runDir = root.resolve("run");
        CommandRun run = umbra("local", "--root", root.toString(), "--run-dir", runDir.toString(), "--duration", "5s");
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("umbra local: the service jars are not built: ingest-service/target/quarkus-app/quarkus-run.jar"),
                run.err());
        assertTrue(run.err().contains("./mvnw -q -B -DskipTests package"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(runDir.resolve("kafka")), "no broker was started");
    }
}
