package io.umbra.events.manifest;

import io.umbra.events.EventFormatException;
import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchManifestTest {
    static final TenantId ACME = TenantId.of("acme");
    static final UUID BATCH = UUID.fromString("3e0f6d2a-8c1b-4f5e-9a7d-2b4c6e8f0a1c");

    static BatchManifest manifest(int slots) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            entries.add(new ManifestEntry(new UUID(0x7c1e9a524f0b4d8eL + i, 0x9a4b2f6c1d3e5a70L - i).toString(), "card-3f9a" + (1000 + i % 9000),
                    4250 + i, "EUR", "m-00" + (45812 + i % 1000), Instant.parse("2025-11-23T17:42:07.120Z").plusMillis(i)));
        }
        return new BatchManifest(ACME, BATCH, 3, entries);
    }

    @Test
    void jsonIsDeterministicAndRoundTrips() {
        BatchManifest m = manifest(3);
        byte[] json = m.toJson();
        assertArrayEquals(json, manifest(3).toJson());
        String s = new String(json, StandardCharsets.UTF_8);
        assertTrue(s.startsWith("{\"tenant\":\"acme\",\"batchId\":\"3e0f6d2a-8c1b-4f5e-9a7d-2b4c6e8f0a1c\",\"keyVersion\":3,"
                + "\"slots\":[{\"transactionId\":\""), s);
        assertTrue(s.contains("\"amountMinor\":4250,\"currency\":\"EUR\",\"merchantId\":\"m-0045812\",\"eventTime\":\"2025-11-23T17:42:07.120Z\"}"), s);
        BatchManifest back = BatchManifest.fromJson(json);
        assertEquals(m, back);
        assertArrayEquals(json, back.toJson());
    }

    @Test
    void sizePerSlot() {
        for (int slots : new int[] {2048, 4096, BatchManifest.MAX_SLOTS}) {
            int bytes = manifest(slots).toJson().length;
            double perSlot = bytes / (double) slots;
            System.out.printf("manifest: %d slots -> %,d bytes (%.0f per slot)%n", slots, bytes, perSlot);
            assertTrue(perSlot < 200, "per slot: " + perSlot);
            assertTrue(bytes <= BatchManifest.MAX_JSON_BYTES);
        }
    }

    @Test
    void matchesItsEnvelopeOrSaysWhy() {
        BatchManifest m = manifest(2);
        m.requireMatches(ACME, BATCH, 3, 2);
        assertTrue(assertThrows(EventFormatException.class, () -> m.requireMatches(TenantId.of("other"), BATCH, 3, 2))
                .getMessage().contains("tenant"));
        assertTrue(assertThrows(EventFormatException.class, () -> m.requireMatches(ACME, UUID.randomUUID(), 3, 2))
                .getMessage().contains("batch"));
        assertTrue(assertThrows(EventFormatException.class, () -> m.requireMatches(ACME, BATCH, 4, 2))
                .getMessage().contains("key version"));
        assertTrue(assertThrows(EventFormatException.class, () -> m.requireMatches(ACME, BATCH, 3, 3))
                .getMessage().contains("slots"));
        assertArrayEquals(ManifestAad.of(ACME, BATCH, 3), m.associatedData());
    }

    @Test
    void refusesInvalidManifests() {
        String json = new String(manifest(2).toJson(), StandardCharsets.UTF_8);
        for (String bad : new String[] {
                json.replace("\"tenant\":\"acme\"", "\"tenant\":\"ACME\""),
                json.replace("\"keyVersion\":3", "\"keyVersion\":0"),
                json.replace("\"batchId\":\"3e0f6d2a-8c1b-4f5e-9a7d-2b4c6e8f0a1c\"", "\"batchId\":\"nope\""),
                json.replace("\"slots\":[", "\"slots\":[null,"),
                json.replaceFirst("\"currency\":\"EUR\"", "\"currency\":\"EURO\""),
                json.replaceFirst("\"amountMinor\":4250", "\"amountMinor\":-1"),
                json.replaceFirst("\"eventTime\":\"2025-11-23T17:42:07.120Z\"", "\"eventTime\":\"yesterday\""),
                "{\"tenant\":\"acme\",\"batchId\":\"3e0f6d2a-8c1b-4f5e-9a7d-2b4c6e8f0a1c\",\"keyVersion\":3,\"slots\":[]}"}) {
            EventFormatException e = assertThrows(EventFormatException.class,
                    () -> BatchManifest.fromJson(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().startsWith("BatchManifest: "), e.getMessage());
        }
        assertThrows(EventFormatException.class, () -> BatchManifest.fromJson(new byte[BatchManifest.MAX_JSON_BYTES + 1]));
        assertThrows(IllegalArgumentException.class, () -> new BatchManifest(ACME, BATCH, 1, List.of()));
    }
}
