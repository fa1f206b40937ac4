package io.umbra.alert;

import io.umbra.events.score.Score;
import io.umbra.model.ModelCard;
import io.umbra.model.ModelRefusedException;
import io.umbra.model.SignedModelCard;
import io.umbra.verify.BundleVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's decision whether a score is an alert: an ordered list of {@link AlertRule}s, the first that
 * matches names the alert. Plain Java: the topology asks it, tests call it directly.
 */
public final class AlertPolicy {
    /** The score rule's probability when neither a model card nor {@code UMBRA_ALERT_THRESHOLD} gives one. */
    public static final double FALLBACK_THRESHOLD = 0.9;

    private final List<AlertRule> rules;
    private final String source;

    public AlertPolicy(List<AlertRule> rules) {
        this(rules, "rules given");
    }

    private AlertPolicy(List<AlertRule> rules, String source) {
        this.rules = List.copyOf(rules);
        this.source = source;
    }

    /**
     * The policy of the service's settings. The score rule's threshold comes from, in this order: {@code UMBRA_ALERT_THRESHOLD}
     * (an override, e.g. a fraud team's alert budget), the signed card of the model the tenant is served
     * ({@code UMBRA_ALERT_MODEL_CARD_FILE}, verified with {@code UMBRA_ALERT_MODEL_VERIFICATION_KEY_FILE}), else
     * {@value #FALLBACK_THRESHOLD}. A card that is unsigned, altered, signed by another key or unreadable stops the start
     * ({@link IllegalArgumentException} naming the file and why): alerting on a threshold nobody vouched for is worse than
     * not starting.
     */
    public static AlertPolicy of(AlertServiceConfig.AlertSettings settings) {
        Optional<ModelCard> card = settings.modelCardFile().filter(f -> !f.isBlank())
                .map(f -> loadCard(Path.of(f), settings.modelVerificationKeyFile().filter(k -> !k.isBlank()).orElseThrow(
                        () -> new IllegalArgumentException("UMBRA_ALERT_MODEL_CARD_FILE is set, UMBRA_ALERT_MODEL_VERIFICATION_KEY_FILE is not:"
                                + " a model card is used only if it verifies under the model owner's pinned key"))));
        return of(card, settings.threshold(), settings.amountRule().orElse(""));
    }

    /**
     * The score rule from {@code override} if present, else from {@code card}'s threshold, else {@value #FALLBACK_THRESHOLD};
     * then the amount rules. The card's rule is named after the model ({@code model-<id>-v<version>}), so an analyst sees
     * whose operating point raised an alert.
     */
    public static AlertPolicy of(Optional<ModelCard> card, Optional<Double> override, String amountRules) {
        if (override.isPresent()) {
            AlertPolicy p = of(override.get(), amountRules);
            return new AlertPolicy(p.rules, "UMBRA_ALERT_THRESHOLD " + override.get() + " (set by hand"
                    + card.map(c -> ", overriding model " + c.modelId() + " v" + c.version() + "'s " + c.thresholdProbability()).orElse("") + ")");
        }
        if (card.isEmpty()) {
            AlertPolicy p = of(FALLBACK_THRESHOLD, amountRules);
            return new AlertPolicy(p.rules, "the fallback threshold " + FALLBACK_THRESHOLD + " (no model card, no UMBRA_ALERT_THRESHOLD)");
        }
        ModelCard c = card.get();
        List<AlertRule> rules = new ArrayList<>();
        rules.add(new AlertRule("model-" + c.modelId() + "-v" + c.version(), c.thresholdProbability(), 0));
        rules.addAll(parseAmountRules(amountRules));
        return new AlertPolicy(rules, "model " + c.modelId() + " v" + c.version() + "'s signed card: probability "
                + c.thresholdProbability() + " (logit " + c.thresholdLogit() + ", " + c.thresholdRule() + ")");
    }

    private static ModelCard loadCard(Path card, String verificationKeyFile) {
        try {
            BundleVerifier pinned = BundleVerifier.fromKeyset(Files.readString(Path.of(verificationKeyFile)));
            return SignedModelCard.load(card, pinned);
        } catch (IOException e) {
            throw new IllegalArgumentException("the model card " + card + " or its verification key " + verificationKeyFile
                    + " cannot be read: " + e.getMessage(), e);
        } catch (ModelRefusedException e) {
            throw new IllegalArgumentException("UMBRA_ALERT_MODEL_CARD_FILE refused: " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("UMBRA_ALERT_MODEL_VERIFICATION_KEY_FILE " + verificationKeyFile
                    + " is not a Tink public keyset: " + e.getMessage(), e);
        }
    }

    /** Where the score rule's threshold came from, for the start-up log. */
    public String source() {
        return source;
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
        return rules + " (score rule from " + source + ")";
    }
}
