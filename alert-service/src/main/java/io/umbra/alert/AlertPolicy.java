package io.umbra.alert;

import io.umbra.events.score.Score;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's decision whether a score is an alert: an ordered list of {@link AlertRule}s, the first that
 * matches names the alert. Plain Java: the topology asks it, tests call it directly.
 */
public final class AlertPolicy {
    private final List<AlertRule> rules;

    public AlertPolicy(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * The policy of {@code UMBRA_ALERT_THRESHOLD} and {@code UMBRA_ALERT_AMOUNT_RULE}: the score rule first,
     * then each amount rule in the order given. A malformed setting is an {@link IllegalArgumentException}
     * naming it, so a misconfigured service refuses to start instead of alerting on the wrong things.
     */
    public static AlertPolicy of(double threshold, String amountRules) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("UMBRA_ALERT_THRESHOLD must be a probability within [0, 1], not " + threshold);
        }
        List<AlertRule> rules = new ArrayList<>();
        rules.add(AlertRule.scoreAtLeast(threshold));
        rules.addAll(parseAmountRules(amountRules));
        return new AlertPolicy(rules);
    }

    /** {@code 50000:0.5[,200000:0.3...]}; null, blank, {@code off} or {@code none}: no amount rule. */
    public static List<AlertRule> parseAmountRules(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("off") || spec.trim().equalsIgnoreCase("none")) {
            return List.of();
        }
        List<AlertRule> rules = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int colon = p.indexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("UMBRA_ALERT_AMOUNT_RULE: '" + p + "' is not amountMinor:probability, e.g. 50000:0.5");
            }
            long amount;
            double probability;
            try {
                amount = Long.parseLong(p.substring(0, colon).trim());
                probability = Double.parseDouble(p.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("UMBRA_ALERT_AMOUNT_RULE: '" + p + "' is not amountMinor:probability, e.g. 50000:0.5");
            }
            if (amount < 0 || !(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("UMBRA_ALERT_AMOUNT_RULE: in '" + p
                        + "' the amount must not be negative and the probability must be within [0, 1]");
            }
            rules.add(AlertRule.amountAtLeast(amount, probability));
        }
        return rules;
    }

    /** The first rule {@code score} matches, or empty: no alert. */
    public Optional<AlertRule> decide(Score score) {
        for (AlertRule rule : rules) {
            if (rule.matches(score)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    public List<AlertRule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
