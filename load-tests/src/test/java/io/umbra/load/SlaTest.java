package io.umbra.load;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SLA files: the shipped examples read, YAML and JSON alike, and a wrong file is refused with the field named. */
class SlaTest {
    private static final String YAML = """
            name: acme
            rate_tps: 2000
            duration: 2m
            p50_ms: 800
            p99_ms: 1500
            p999_ms: 3000
            max_lost: 0
            max_duplicates: 0
            max_request_bytes_per_tx: 3000
            """;

    @Test
    void yamlAndJsonReadTheSame() {
        Sla yaml = Sla.parse(YAML, false);
        Sla json = Sla.parse("""
                {"name":"acme","rate_tps":2000,"duration":"PT2M","p50_ms":800,"p99_ms":1500,"p999_ms":3000,
                 "max_lost":0,"max_duplicates":0,"max_request_bytes_per_tx":3000}""", true);
        assertEquals(yaml, json);
        assertEquals(new Sla("acme", 2000, Duration.ofMinutes(2), 800, 1500, 3000, 0, 0, 3000), yaml);
    }

    @Test
    void optionalFieldsDefault() {
        Sla s = Sla.parse("rate_tps: 10\nduration: 30\np99_ms: 100\nmax_request_bytes_per_tx: 5000\n", false);
        assertNull(s.name());
        assertTrue(Double.isNaN(s.p50Millis()) && Double.isNaN(s.p999Millis()));
        assertEquals(0, s.maxLost());
        assertEquals(0, s.maxDuplicates());
        assertEquals(Duration.ofSeconds(30), s.duration());
    }

    @Test
    void theShippedExamplesRead() {
        Sla local = Sla.read(Path.of("sla/local-1000.yaml"));
        assertEquals(1000, local.ratePerSecond());
        assertEquals(4000, local.p99Millis());
        Sla goal = Sla.read(Path.of("sla/goal.yaml"));
        assertEquals(56582, goal.ratePerSecond());
        assertEquals(1024, goal.maxRequestBytesPerTx());
        assertEquals(2000, Sla.read(Path.of("sla/local-2000.yaml")).ratePerSecond());
        Sla smoke = Sla.read(Path.of("sla/smoke.json"));
        assertEquals(Duration.ofSeconds(20), smoke.duration());
    }

    @Test
    void aWrongFileIsRefusedNamingTheField() {
        String typo = assertThrows(IllegalArgumentException.class, () -> Sla.parse(YAML.replace("p99_ms", "p99"), false)).getMessage();
        assertTrue(typo.contains("unknown field(s) [p99]"), typo);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> Sla.parse(YAML.replace("max_request_bytes_per_tx: 3000\n", ""), false)).getMessage();
        assertTrue(missing.contains("max_request_bytes_per_tx is missing"), missing);
        String text = assertThrows(IllegalArgumentException.class, () -> Sla.parse(YAML.replace("p99_ms: 1500", "p99_ms: fast"), false))
                .getMessage();
        assertTrue(text.contains("p99_ms must be a number"), text);
        String lost = assertThrows(IllegalArgumentException.class, () -> Sla.parse(YAML.replace("max_lost: 0", "max_lost: 0.5"), false))
                .getMessage();
        assertTrue(lost.contains("max_lost must be a whole number"), lost);
        String duration = assertThrows(IllegalArgumentException.class, () -> Sla.parse(YAML.replace("2m", "soon"), false)).getMessage();
        assertTrue(duration.contains("'soon' is not a duration"), duration);
        String negative = assertThrows(IllegalArgumentException.class, () -> Sla.parse(YAML.replace("p99_ms: 1500", "p99_ms: -1"), false))
                .getMessage();
        assertTrue(negative.contains("p99_ms"), negative);
        String notJson = assertThrows(IllegalArgumentException.class, () -> Sla.parse("{\"rate_tps\": ", true)).getMessage();
        assertTrue(notJson.contains("not valid JSON"), notJson);
        String file = assertThrows(IllegalArgumentException.class, () -> Sla.read(Path.of("sla/none.yaml"))).getMessage();
        assertTrue(file.contains("sla/none.yaml"), file);
    }
}
