package io.umbra.traffic;

import java.time.Instant;

/**
 * One breached merchant of the {@link FraudPattern#COMPROMISED_MERCHANT} scenario: cards that paid at
 * {@code merchant} in [{@code pointOfCompromise}, {@code exposureEnds}) were exposed. Ground truth, like the
 * labels: what a fraud team's common-point-of-purchase analysis would have to find.
 *
 * @param merchant          the breached merchant: some cardholder's favourite, so many cards pass through it
 * @param pointOfCompromise when the breach began
 * @param exposureEnds      when it stopped leaking card data
 */
public record Breach(Merchant merchant, Instant pointOfCompromise, Instant exposureEnds) {

    /** Whether a payment at {@code merchantId} at {@code when} exposed the card. */
    public boolean exposes(String merchantId, Instant when) {
        return merchant.merchantId().equals(merchantId) && !when.isBefore(pointOfCompromise) && when.isBefore(exposureEnds);
    }
}
