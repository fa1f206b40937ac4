package io.umbra.cli.he;

import io.umbra.cli.CommandRun;
import static io.umbra.cli.CommandRun.umbra;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bad arguments: the usage on stderr and exit 2, before any file is touched. */
class HeUsageTest {

    @Test
    void everySubcommandIsListedAndHasHelpWithAnExample() {
        String help = umbra("he", "--help").ok().out();
        for (String name : new String[] {"params", "keygen", "encrypt", "decrypt", "eval-linear", "inspect", "demo"}) {
            assertTrue(help.contains("  " + name + " "), name + " missing in\n" + help);
            CommandRun run = umbra("he", name, "--help").ok();
            assertTrue(run.out().startsWith("Usage: umbra he " + name), run.out());
            assertTrue(run.out().contains("umbra he " + name + " "), "no example in the help of " + name);
        }
    }

    @Test
    void missingRequiredOptionsAreUsageErrors() {
        assertTrue(umbra("he", "keygen", "--params", "p.seal").isUsageError("he"));
        assertTrue(umbra("he", "encrypt", "--params", "p.seal", "--public-key", "pk", "--in", "x.txt", "--out", "x.ct").isUsageError("he"));
        assertTrue(umbra("he", "decrypt", "--params", "p.seal", "--secret-key", "sk").isUsageError("he"));
        assertTrue(umbra("he", "eval-linear", "--params", "p.seal", "--in", "a.ct", "--out", "o.ct").isUsageError("he"));
        assertTrue(umbra("he", "inspect").isUsageError("he"));
    }

    @Test
    void malformedValuesAreUsageErrors() {
        assertTrue(umbra("he", "encrypt", "--params", "p", "--public-key", "pk", "--scale", "2^x", "--in", "x", "--out", "y").isUsageError("he"));
        assertTrue(umbra("he", "encrypt", "--params", "p", "--public-key", "pk", "--scale", "-5", "--in", "x", "--out", "y").isUsageError("he"));
        assertTrue(umbra("he", "keygen", "--params", "p", "--secret-key", "s", "--public-key", "k", "--steps", "1,a").isUsageError("he"));
        assertTrue(umbra("he", "params", "--compression", "lz4").isUsageError("he"));
        assertTrue(umbra("he", "nonsense").exitCode() == 2);
        assertTrue(umbra("he", "inspect", "a", "b").isUsageError("he"));
    }

    @Test
    void stepsWithoutGaloisKeysIsAUsageError() {
        CommandRun run = umbra("he", "keygen", "--params", "p", "--secret-key", "s", "--public-key", "k", "--steps", "1");
        assertTrue(run.isUsageError("he"), run.toString());
        assertTrue(run.err().contains("--galois-keys"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void scalesReadAsNumbersOrPowersOfTwo() {
        ScaleConverter scale = new ScaleConverter();
        assertEquals(0x1p30, scale.convert("2^30"));
        assertEquals(1073741824.0, scale.convert("1073741824"));
        assertEquals(1e9, scale.convert("1e9"));
    }
}
