package io.umbra.events.manifest;

import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ManifestAadTest {
    static final UUID BATCH = new UUID(0x0102030405060708L, 0x090A0B0C0D0E0F10L);

    @Test
    void isTheDocumentedBytes() {
        assertEquals("756d6272612f6d616e69666573742d6161642f7631" // "umbra/manifest-aad/v1"
                        + "00" + "04" + "61636d65"                  // 0, length 4, "acme"
                        + "0102030405060708090a0b0c0d0e0f10"        // batch id
                        + "00000003",                               // key version 3
                HexFormat.of().formatHex(ManifestAad.of(TenantId.of("acme"), BATCH, 3)));
    }

    @Test
    void isDeterministic() {
        UUID batch = UUID.randomUUID();
        assertArrayEquals(ManifestAad.of(TenantId.of("acme"), batch, 7), ManifestAad.of(TenantId.of("acme"), UUID.fromString(batch.toString()), 7));
    }

    @Test
    void bindsEveryInputUnambiguously() {
        Set<String> seen = new HashSet<>();
        for (String t : new String[] {"ab", "abc", "ab-c", "acme", "acme2"}) {
            for (UUID b : new UUID[] {BATCH, new UUID(0, 0), new UUID(1, 0), new UUID(0, 1)}) {
                for (int v : new int[] {1, 2, 256, Integer.MAX_VALUE}) {
                    seen.add(HexFormat.of().formatHex(ManifestAad.of(TenantId.of(t), b, v)));
                }
            }
        }
        assertEquals(5 * 4 * 4, seen.size());
        assertThrows(IllegalArgumentException.class, () -> ManifestAad.of(TenantId.of("acme"), BATCH, 0));
        assertThrows(NullPointerException.class, () -> ManifestAad.of(null, BATCH, 1));
    }
}
