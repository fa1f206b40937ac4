package io.umbra.events.audit;

import io.umbra.events.EventFormatException;
import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditEventTest {
    @Test
    void roundTripsThroughJson() {
        AuditEvent e = AuditEvent.now(TenantId.of("acme"), AuditEvent.Type.BUNDLE_REFUSED, "encrypt-service", "acme-encrypt-1", 2,
                UUID.randomUUID(), "SIGNATURE_INVALID", "signed by a key other than the pinned one");
        AuditEvent back = AuditEvent.fromJson(e.toJson());
        assertEquals(e, back);
        String json = new String(e.toJson(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"type\":\"BUNDLE_REFUSED\""), json);
    }

    @Test
    void refusesWhatIsNotAnAuditEntry() {
        assertThrows(EventFormatException.class, () -> AuditEvent.fromJson("{\"type\":\"KEY_CREATED\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> AuditEvent.now(TenantId.of("acme"), AuditEvent.Type.KEY_CREATED, "key-service",
                "i1", 0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> AuditEvent.now(TenantId.of("acme"), AuditEvent.Type.KEY_CREATED, "key-service",
                "i1", 1, null, "not a code", null));
    }
}
