package io.umbra.cli.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.umbra.cli.UmbraCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code umbra he bench} prints JSON with our median, SEAL's figure and the ratio per operation. */
class HeBenchCommandTest {

    @Test
    void printsMedianSealFigureAndRatio() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = UmbraCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("he", "bench", "--sets", "b", "--ops", "add,batch_score",
            "--warmups", "0", "--min-calls", "2", "--min-seconds", "0", "--jit-seconds", "0");
        assertEquals(0, code, err.toString());
        String json = out.toString();
        assertTrue(json.contains("\"b\": {"), json);
        assertTrue(json.matches("(?s).*\"add\": \\{\"median_us\": [0-9.]+, \"seal_us\": 28, \"ratio\": [0-9.]+, \"calls\": [0-9]+}.*"), json);
        assertTrue(json.contains("\"batch_score\": {") && json.contains("\"seal_tx_per_s\": 706207"), json);
    }

    @Test
    void unknownSetOrOperationIsAUsageError() {
        CommandLine cli = UmbraCli.newCommandLine();
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cli.execute("he", "bench", "--sets", "z"));
        assertEquals(2, cli.execute("he", "bench", "--ops", "nonsense"));
    }
}
