package io.umbra.cli.load;

import io.umbra.cli.UmbraCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command's face; the harness itself is tested in load-tests against a real broker. */
class LoadCommandTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cli = UmbraCli.newCommandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void aRateOrTenantThatCannotBeRunIsAUsageErrorBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "load", "--rate", "0", "--duration", "60s", "--bootstrap", "127.0.0.1:1"));
        assertTrue(err.toString().contains("rate must be a positive number") && err.toString().contains("Usage: umbra load"), err.toString());

        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "load", "--rate", "10", "--duration", "60s", "--tenants", "Acme", "--bootstrap", "127.0.0.1:1"));
        assertTrue(err2.toString().contains("Acme"), err2.toString());

        StringWriter err3 = new StringWriter();
        assertEquals(2, run(err3, "load", "--rate", "10", "--duration", "soon"));
        assertTrue(err3.toString().contains("'soon' is not a duration"), err3.toString());

        StringWriter err4 = new StringWriter();
        assertEquals(2, run(err4, "load", "--duration", "60s"));
        assertTrue(err4.toString().contains("--rate"), err4.toString());

        StringWriter err5 = new StringWriter();
        assertEquals(2, run(err5, "load", "--rate", "10", "--duration", "60s", "--brokers", "2"));
        assertTrue(err5.toString().contains("--brokers must be 0 (in this JVM), 1 or 3, got 2"), err5.toString());

        StringWriter err6 = new StringWriter();
        assertEquals(2, run(err6, "load", "--rate", "10", "--duration", "60s", "--brokers", "1", "--bootstrap", "127.0.0.1:1"));
        assertTrue(err6.toString().contains("with --bootstrap the pipeline's brokers are already running"), err6.toString());
    }

    @Test
    void durationsReadAsAPersonWritesThem() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofSeconds(60), c.convert("60"));
        assertEquals(Duration.ofSeconds(60), c.convert("60s"));
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofMinutes(2), c.convert("2m"));
        assertEquals(Duration.ofMinutes(90), c.convert("1.5h"));
        assertEquals(Duration.ofSeconds(90), c.convert("PT90S"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("-5s"));
    }
}
