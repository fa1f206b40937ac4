package io.umbra.events.features;

import java.util.Currency;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Converts an amount into units of a tenant's reference currency, for the {@code amount_bucket}
 * feature. The rates are configuration (ingest and training read the same file), not live FX: buckets
 * are a factor 2–5 wide, so a rate updated monthly is exact enough. A currency without a rate counts
 * its major units as reference units — configure every currency the tenant sees.
 */
public final class ReferenceRates {
    private final String referenceCurrency;
    private final Map<String, Double> rates;

    private ReferenceRates(String referenceCurrency, Map<String, Double> rates) {
        this.referenceCurrency = referenceCurrency;
        this.rates = rates;
    }

    /** Only the reference currency itself is known. */
    public static ReferenceRates only(String referenceCurrency) {
        return of(referenceCurrency, Map.of());
    }

    /**
     * @param referenceCurrency     ISO 4217 code, e.g. EUR
     * @param referenceUnitsPerUnit for each other currency, how many reference major units one of its major units is worth
     *                              (USD → 0.92 when the reference is EUR), finite and positive
     */
    public static ReferenceRates of(String referenceCurrency, Map<String, Double> referenceUnitsPerUnit) {
        Currency.getInstance(Objects.requireNonNull(referenceCurrency, "referenceCurrency"));
        Map<String, Double> rates = new TreeMap<>();
        referenceUnitsPerUnit.forEach((code, rate) -> {
            Currency.getInstance(code);
            if (rate == null || !Double.isFinite(rate) || rate <= 0) {
                throw new IllegalArgumentException("rate of " + code + " must be finite and positive");
            }
            rates.put(code, rate);
        });
        rates.put(referenceCurrency, 1.0);
        return new ReferenceRates(referenceCurrency, Map.copyOf(rates));
    }

    public String referenceCurrency() {
        return referenceCurrency;
    }

    /** {@code amountMinor} of {@code currency} in major units: 1250 EUR-cents → 12.5, 1250 JPY → 1250. */
    public static double majorUnits(long amountMinor, String currency) {
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return amountMinor / Math.pow(10, digits);
    }

    /** {@code amountMinor} of {@code currency} in reference major units. */
    public double toReference(long amountMinor, String currency) {
        return majorUnits(amountMinor, currency) * rates.getOrDefault(currency, 1.0);
    }

    /** Whether a rate for {@code currency} is configured. */
    public boolean knows(String currency) {
        return rates.containsKey(currency);
    }
}
