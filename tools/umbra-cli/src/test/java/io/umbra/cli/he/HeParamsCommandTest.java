package io.umbra.cli.he;

import io.umbra.cli.CommandRun;
import static io.umbra.cli.CommandRun.umbra;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.umbra.he.serial.Seal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeParamsCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsSealsPrimesAndParmsIdsAndWritesTheParameters() throws Exception {
        Path out = dir.resolve("params.seal");
        CommandRun run = umbra("he", "params", "--degree", 8192, "--bits", "60,40,40,60", "--out", out).ok();

        // docs/SEAL-WIRE.md: CoeffModulus::Create(8192, {60,40,40,60}) and the parms_id of every level.
        for (String prime : new String[] {"1152921504606748673", "1099510890497", "1099511480321", "1152921504606830593"}) {
            assertTrue(run.out().contains(prime), prime + " missing in\n" + run.out());
        }
        assertTrue(run.out().indexOf("1099510890497") < run.out().indexOf("1099511480321"), "primes out of SEAL's order");
        for (String parmsId : new String[] {
            "cfda86153fdda8e2 bab3261f59a402ac ae8fe2601f0b6e53 ddc508ab0e037ff5",
            "12a009457dbf8b0f 6364d5f3d4c92b3c 96a841ccd88e440c 1255677018089458",
            "dc264f695a81d156 890465c10f20b410 f03d86f8bc932745 2e67b09e17d4a44c",
            "2af33fda5cee1476 e1a78ed1ec9d76b3 ed2adee911ba7c4d 94f949f4f9055b1a"}) {
            assertTrue(run.out().contains(parmsId), parmsId + " missing in\n" + run.out());
        }
        assertTrue(run.out().lines().anyMatch(l -> l.contains("cfda86153fdda8e2") && l.contains("key level")), run.out());
        assertTrue(run.out().contains("total: 200 bits"), run.out());
        assertTrue(run.out().contains("security: 200 bits ≤ 218 allowed for N=8192 (128-bit, HomomorphicEncryption.org)"), run.out());
        assertEquals("", run.err());

        byte[] bytes = Files.readAllBytes(out);
        assertEquals(153, bytes.length, "docs/SEAL-WIRE.md: 153 bytes for these parameters");
        assertArrayEquals(new long[] {1152921504606748673L, 1099510890497L, 1099511480321L, 1152921504606830593L},
                Seal.loadParameters(bytes).primes());
    }

    @Test
    void insecureParametersAreRefusedWithTheBound() {
        CommandRun run = umbra("he", "params", "--degree", 4096, "--bits", "60,60,60,60", "--out", dir.resolve("p.seal"));
        assertTrue(run.isOneLineFailure("he "), run.toString());
        assertTrue(run.err().contains("109") && run.err().contains("4096") && run.err().contains("240"), run.err());
        assertTrue(Files.notExists(dir.resolve("p.seal")), "nothing written for refused parameters");
    }

    @Test
    void unsupportedDegreeAndPrimeSizesAreOneLineFailures() {
        assertTrue(umbra("he", "params", "--degree", 2048).isOneLineFailure("he "));
        assertTrue(umbra("he", "params", "--bits", "61,40").isOneLineFailure("he "));
    }

    @Test
    void withoutOutItOnlyPrints() {
        CommandRun run = umbra("he", "params", "--degree", 4096, "--bits", "36,36,37").ok();
        assertTrue(run.out().contains("68719230977") && run.out().contains("68719403009") && run.out().contains("137438822401"), run.out());
        assertTrue(run.out().contains("security: 109 bits ≤ 109 allowed for N=4096"), run.out());
        assertTrue(!run.out().contains("wrote"), run.out());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertTrue(umbra("he", "params", "--bits", "sixty").isUsageError("he"));
        assertTrue(umbra("he", "params", "--degree").isUsageError("he"));
        assertTrue(umbra("he", "params", "--compression", "lz4").isUsageError("he"));
        assertTrue(umbra("he", "params", "extra").isUsageError("he"));
    }
}
