package io.umbra.traffic;

/**
 * The kinds of fraud the generator plants. Each episode is a short run of transactions on one card; every
 * fraudulent transaction carries its pattern as label, the genuine ones around it carry none. (A
 * compromised-merchant episode is the late consequence of an earlier genuine purchase on that card.)
 */
public enum FraudPattern {
    /**
     * A stolen card number tried out before it is sold or used: a burst of 3 to 8 tiny e-commerce
     * payments (0.50 to 3 EUR) at merchants the cardholder never used, from a device never seen.
     */
    CARD_TESTING,
    /**
     * Someone else controls the online account: 1 to 3 large e-commerce purchases (15 to 60 times the
     * cardholder's usual amount) of resaleable goods (electronics, jewellery, money transfer) from a new device.
     */
    ACCOUNT_TAKEOVER,
    /**
     * A cloned card used in person far away moments after the real card was used at home: a genuine
     * transaction at home, then a card-present one (shop or ATM, with coordinates) in a distant country.
     */
    IMPOSSIBLE_TRAVEL,
    /**
     * A cardholder who never pays at night suddenly spends big between 01:00 and 05:00 local time:
     * 2 to 4 payments of 6 to 20 times the usual amount in high-risk categories.
     */
    NIGHT_SPEND_SPIKE,
    /**
     * Card data stolen at a breached merchant, used days later: a card that paid (genuinely) at a merchant
     * during its exposure window is hit, at least {@link MerchantCompromise#minDelay()} after that purchase, by
     * 1 to 3 card-not-present purchases at merchants the cardholder never used, often abroad, of 4 to 15 times
     * the usual amount (electronics, gift cards, travel), from a new device. Only those purchases are labelled;
     * the purchase at the breached merchant is genuine. See {@link MerchantCompromise} and {@link Breach}.
     */
    COMPROMISED_MERCHANT
}
