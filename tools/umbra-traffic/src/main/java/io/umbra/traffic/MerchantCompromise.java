package io.umbra.traffic;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link FraudPattern#COMPROMISED_MERCHANT} scenario unfolds: a merchant's terminals or web shop are
 * breached (the point of compromise), every card that pays there while the breach lasts is exposed, and some
 * of those cards are used by fraudsters days later, online and elsewhere.
 *
 * @param exposure the exposure window: how long the breached merchant leaks the card data of whoever pays there
 * @param minDelay the soonest a stolen card is used after its genuine purchase at the breached merchant (data is
 *                 collected, sold and bought first: days, not seconds)
 * @param spread   on top of {@code minDelay}, a uniformly drawn extra delay of up to this much per card, so the
 *                 frauds of one breach are spread over time rather than all on one day
 * @param hitShare the fraction of exposed cards that are later hit; the others are never used
 */
public record MerchantCompromise(Duration exposure, Duration minDelay, Duration spread, double hitShare) {
    // before DEFAULT: the constructor DEFAULT runs reads it
    private static final Duration LONGEST = Duration.ofDays(365);

    /** A three-day breach; stolen cards used 2 to 7 days after their purchase there; 40 % of them hit. */
    public static final MerchantCompromise DEFAULT =
            new MerchantCompromise(Duration.ofDays(3), Duration.ofDays(2), Duration.ofDays(5), 0.4);

    public MerchantCompromise {
        Objects.requireNonNull(exposure, "exposure");
        Objects.requireNonNull(minDelay, "minDelay");
        Objects.requireNonNull(spread, "spread");
        if (exposure.compareTo(Duration.ofMinutes(1)) < 0 || exposure.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("exposure must be 1 minute to 365 days, got " + exposure);
        }
        if (minDelay.compareTo(Duration.ofMinutes(1)) < 0 || minDelay.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("minDelay must be 1 minute to 365 days, got " + minDelay);
        }
        if (spread.isNegative() || spread.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("spread must be 0 to 365 days, got " + spread);
        }
        if (!(hitShare > 0 && hitShare <= 1)) {
            throw new IllegalArgumentException("hitShare must be in (0, 1], got " + hitShare);
        }
    }

    public MerchantCompromise withExposure(Duration d) {
        return new MerchantCompromise(d, minDelay, spread, hitShare);
    }

    public MerchantCompromise withMinDelay(Duration d) {
        return new MerchantCompromise(exposure, d, spread, hitShare);
    }

    public MerchantCompromise withSpread(Duration d) {
        return new MerchantCompromise(exposure, minDelay, d, hitShare);
    }

    public MerchantCompromise withHitShare(double share) {
        return new MerchantCompromise(exposure, minDelay, spread, share);
    }
}
