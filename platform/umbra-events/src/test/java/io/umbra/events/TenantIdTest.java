package io.umbra.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantIdTest {
    @Test
    void acceptsLowerCaseDnsLabels() {
        for (String ok : List.of("acme", "ab", "bank-42", "b2", "sparkasse-koeln-bonn", "a".repeat(40), "a-b", "a--b", "umbrax",
                "kubex", "defaults")) {
            assertEquals(ok, TenantId.of(ok).value());
            assertTrue(TenantId.isValid(ok), ok);
        }
    }

    @Test
    void refusesWithAMessageSayingWhy() {
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("", "empty"),
                Map.entry("a", "2 to 40"),
                Map.entry("a".repeat(41), "2 to 40"),
                Map.entry("Acme", "lower-case"),
                Map.entry("ACME", "lower-case"),
                Map.entry("-acme", "start with a letter"),
                Map.entry("acme-", "end with a letter or digit"),
                Map.entry("1acme", "start with a letter"),
                Map.entry("ac_me", "lower-case"),
                Map.entry("ac.me", "lower-case"),
                Map.entry("ac me", "lower-case"),
                Map.entry("ácme", "lower-case"),
                Map.entry("acme\n", "lower-case"),
                Map.entry("umbra", "reserved"),
                Map.entry("umbra-scoring", "reserved"),
                Map.entry("default", "Kubernetes"),
                Map.entry("kube-system", "Kubernetes"));
        refusals.forEach((bad, why) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TenantId.of(bad), bad);
            assertTrue(e.getMessage().contains(why), bad + " -> " + e.getMessage());
            assertTrue(e.getMessage().startsWith("tenant id "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "message quotes control characters: " + e.getMessage());
            assertFalse(TenantId.isValid(bad), bad);
        });
        assertThrows(IllegalArgumentException.class, () -> TenantId.of(null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TenantId.of("x".repeat(5000))).getMessage().length() < 300);
    }

    @Test
    void isAJsonString() throws Exception {
        assertEquals("\"acme\"", new String(EventJson.write(TenantId.of("acme")), StandardCharsets.UTF_8));
        ObjectMapper m = EventJson.newMapper();
        assertEquals(TenantId.of("acme"), m.readValue("\"acme\"", TenantId.class));
        assertThrows(Exception.class, () -> m.readValue("\"Acme\"", TenantId.class));
    }
}
