package io.umbra.alert;

import io.umbra.events.TenantId;
import io.umbra.events.score.Alert;

import java.util.UUID;

/**
 * The id of a transaction's alert, derived from (tenant, transaction id) rather than drawn at random: a score
 * replayed after a crash, or sent twice by the key-service, names the same alert, so it can never become a
 * second one. A name-based UUID (RFC 4122 version 3); the tenant contains no '/', so the name is unambiguous.
 */
public final class AlertIds {
    private AlertIds() {
    }

    public static UUID of(TenantId tenant, String transactionId) {
        return Alert.idOf(tenant, transactionId);
    }
}
