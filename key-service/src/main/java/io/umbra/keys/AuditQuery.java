package io.umbra.keys;

import io.umbra.events.audit.AuditEvent;

import java.time.Instant;
import java.util.Optional;

/**
 * Which audit entries to return: at most {@code limit}, newest last, optionally only one type and only
 * from {@code since} on.
 */
public record AuditQuery(int limit, Optional<AuditEvent.Type> type, Optional<Instant> since) {
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
    }

    boolean matches(AuditEvent e) {
        return type.map(t -> t == e.type()).orElse(true) && since.map(s -> !e.at().isBefore(s)).orElse(true);
    }
}
