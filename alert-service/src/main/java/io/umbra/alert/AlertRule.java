package io.umbra.alert;

import io.umbra.events.Identifiers;
import io.umbra.events.score.Score;

/**
 * One reason to raise an alert: the fraud probability is at least {@code minProbability} and the amount at
 * least {@code minAmountMinor} minor units (0: any amount). The id travels on the alert ({@code Alert.rule}),
 * so an analyst sees which rule fired.
 */
public record AlertRule(String id, double minProbability, long minAmountMinor) {
    public AlertRule {
        Identifiers.require("rule id", id);
        if (!(minProbability >= 0 && minProbability <= 1)) {
            throw new IllegalArgumentException("rule " + id + ": the probability must be within [0, 1]");
        }
        if (minAmountMinor < 0) {
            throw new IllegalArgumentException("rule " + id + ": the amount must not be negative");
        }
    }

    /** Fires on the probability alone. */
    public static AlertRule scoreAtLeast(double threshold) {
        return new AlertRule("score-above-" + plain(threshold), threshold, 0);
    }

    /** Fires on a large amount with a moderate probability. */
    public static AlertRule amountAtLeast(long amountMinor, double minProbability) {
        return new AlertRule("amount-" + amountMinor + "-score-" + plain(minProbability), minProbability, amountMinor);
    }

    public boolean matches(Score score) {
        return score.fraudProbability() >= minProbability && score.amountMinor() >= minAmountMinor;
    }

    @Override
    public String toString() {
        return minAmountMinor == 0 ? id + " (p ≥ " + plain(minProbability) + ")"
                : id + " (amount ≥ " + minAmountMinor + " and p ≥ " + plain(minProbability) + ")";
    }

    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
