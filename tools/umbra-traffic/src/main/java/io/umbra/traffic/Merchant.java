package io.umbra.traffic;

import io.umbra.events.tx.Channel;

/**
 * Somewhere a card is used: a shop, a web shop or an ATM.
 *
 * @param merchantId   the acquirer's merchant id (the ATM id for an ATM)
 * @param mcc          ISO 18245 merchant category code
 * @param channel      POS, ECOM or ATM
 * @param country      where it is (for a web shop: where the acquirer books it)
 * @param amountFactor typical ticket relative to the cardholder's spending level (groceries 1, fast food 0.35)
 * @param latitude     of a terminal or ATM, or NaN when the bank does not report a position
 * @param longitude    with {@code latitude}
 */
public record Merchant(String merchantId, String mcc, Channel channel, Country country, double amountFactor,
                       double latitude, double longitude) {

    /** Whether transactions here carry coordinates. */
    public boolean hasPosition() {
        return !Double.isNaN(latitude);
    }
}
