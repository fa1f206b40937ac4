package io.umbra.alert;

import io.umbra.events.TenantId;
import io.umbra.events.score.Score;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertPolicyTest {
    private static final AlertPolicy DEFAULT = AlertPolicy.of(0.9, "50000:0.5");

    static Score score(String tx, double p, long amountMinor) {
        Instant t = Instant.parse("2025-11-23T08:15:44Z");
        return new Score(TenantId.of("acme"), tx, "card-1", amountMinor, "EUR", "m-1", p, Math.log(p / (1 - p + 1e-12) + 1e-12),
                "logreg-fraud", 4, t, t, t, t);
    }

    private static Optional<String> rule(AlertPolicy policy, double p, long amount) {
        return policy.decide(score("tx", p, amount)).map(AlertRule::id);
    }

    @Test
    void theThresholdIsInclusiveAndFiresFirst() {
        assertEquals(Optional.of("score-above-0.9"), rule(DEFAULT, 0.9, 100));
        assertEquals(Optional.of("score-above-0.9"), rule(DEFAULT, 0.97, 1_000_000));
        assertEquals(Optional.empty(), rule(DEFAULT, 0.8999, 100));
    }

    @Test
    void aLargeAmountAlertsAtAModerateProbability() {
        assertEquals(Optional.of("amount-50000-score-0.5"), rule(DEFAULT, 0.5, 50_000));
        assertEquals(Optional.empty(), rule(DEFAULT, 0.4999, 50_000));
        assertEquals(Optional.empty(), rule(DEFAULT, 0.6, 49_999));
    }

    @Test
    void amountRulesCanBeListedOrSwitchedOff() {
        AlertPolicy two = AlertPolicy.of(0.95, "50000:0.5, 200000:0.3");
        assertEquals(Optional.of("amount-200000-score-0.3"), rule(two, 0.3, 250_000));
        assertEquals(Optional.empty(), rule(two, 0.3, 100_000));
        for (String off : new String[] {"", "  ", "off", "NONE", null}) {
            AlertPolicy none = AlertPolicy.of(0.9, off);
            assertEquals(1, none.rules().size());
            assertEquals(Optional.empty(), rule(none, 0.6, 1_000_000));
        }
    }

    @Test
    void aMalformedSettingIsRefusedWithItsName() {
        for (String bad : new String[] {"50000", "50000:", ":0.5", "x:0.5", "50000:1.5", "-1:0.5", "50000:0.5,oops"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertPolicy.of(0.9, bad), bad);
            assertTrue(e.getMessage().startsWith("UMBRA_ALERT_AMOUNT_RULE"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> AlertPolicy.of(1.2, ""));
        assertThrows(IllegalArgumentException.class, () -> AlertPolicy.of(Double.NaN, ""));
    }

    @Test
    void anAlertIdDependsOnTenantAndTransactionOnly() {
        TenantId acme = TenantId.of("acme");
        assertEquals(AlertIds.of(acme, "tx-1"), AlertIds.of(acme, "tx-1"));
        assertNotEquals(AlertIds.of(acme, "tx-1"), AlertIds.of(acme, "tx-2"));
        assertNotEquals(AlertIds.of(acme, "tx-1"), AlertIds.of(TenantId.of("bravo"), "tx-1"));
        assertEquals(List.of(3), List.of(AlertIds.of(acme, "tx-1").version()));
    }
}
