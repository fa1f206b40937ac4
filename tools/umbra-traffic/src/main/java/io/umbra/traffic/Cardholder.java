package io.umbra.traffic;

import java.util.List;

/**
 * A card and the habits of the person who holds it.
 *
 * @param cardId           the bank's token for the card (never a card number)
 * @param home             where the cardholder lives and the card was issued ({@code cardCountry})
 * @param spendingLevel    the typical ticket in euros; amounts are drawn around it per merchant category
 * @param activeFromHour   local hour the cardholder's day starts
 * @param activeHours      how many hours the day lasts (a window that may wrap past midnight)
 * @param deviceId         the phone or browser the cardholder shops online with
 * @param usualMerchants   where the card is usually used, most frequent first
 */
public record Cardholder(String cardId, Country home, double spendingLevel, int activeFromHour, int activeHours,
                         String deviceId, List<Merchant> usualMerchants) {

    public Cardholder {
        usualMerchants = List.copyOf(usualMerchants);
    }

    /** Whether the cardholder is usually up and paying at {@code localHour} (0–23). */
    public boolean activeAt(int localHour) {
        return Math.floorMod(localHour - activeFromHour, 24) < activeHours;
    }

    /** Whether the cardholder ever pays in the small hours (01:00–04:59 local). */
    public boolean paysAtNight() {
        for (int h = 1; h < 5; h++) {
            if (activeAt(h)) {
                return true;
            }
        }
        return false;
    }
}
