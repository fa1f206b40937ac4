package io.umbra.cli.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.umbra.cli.UmbraCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code umbra he bench} prints JSON with each backend's median and SEAL measured in the same run
 * (node-seal, SEAL as WebAssembly), and the ratio; never a stored figure.
 */
class HeBenchCommandTest {
    /** he-core's Node install, which its build makes (npm ci) before these tests run. */
    private static final Path NODE_SEAL = Path.of("../../he/he-core/src/test/node").toAbsolutePath().normalize();

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = UmbraCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void comparesTheBackendWithSealMeasuredInTheSameRun() {
        String[] r = run("he", "bench", "--sets", "b", "--ops", "add,batch_score", "--backend", "java",
            "--seal", "node-seal", "--node-seal-dir", NODE_SEAL.toString(),
            "--warmups", "0", "--min-calls", "2", "--min-seconds", "0", "--jit-seconds", "0");
        assertEquals("0", r[0], r[2]);
        String json = r[1];
        assertTrue(json.contains("\"b\": {"), json);
        assertTrue(json.contains("\"seal\": \"Microsoft SEAL 4.1.2 as WebAssembly (node-seal"), json);
        assertTrue(json.matches("(?s).*\"add\": \\{\"java\": \\{\"median_us\": [0-9.]+, \"calls\": [0-9]+, \"ratio_to_seal\": [0-9.]+}, \"seal_us\": [0-9.]+}.*"), json);
        // SEAL has no 30-feature batch: no figure, no ratio
        assertTrue(json.matches("(?s).*\"batch_score\": \\{\"java\": \\{[^}]*\"ratio_to_seal\": null, \"tx_per_s\": [0-9]+}, \"seal_us\": null}.*"), json);
    }

    @Test
    void withoutSealThereIsNoRatio() {
        String[] r = run("he", "bench", "--sets", "b", "--ops", "add", "--seal", "none",
            "--warmups", "0", "--min-calls", "2", "--min-seconds", "0", "--jit-seconds", "0");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("\"seal\": null") && r[1].contains("\"ratio_to_seal\": null"), r[1]);
        assertTrue(r[1].contains("\"seal_us\": null"), r[1]);
    }

    @Test
    void unknownSetOperationOrBackendIsAUsageError() {
        CommandLine cli = UmbraCli.newCommandLine();
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cli.execute("he", "bench", "--sets", "z"));
        assertEquals(2, cli.execute("he", "bench", "--ops", "nonsense"));
        assertEquals(2, cli.execute("he", "bench", "--backend", "opencl", "--seal", "none"));
    }
}
