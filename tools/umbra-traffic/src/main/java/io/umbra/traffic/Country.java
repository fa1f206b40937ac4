package io.umbra.traffic;

import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * A country the generator places cardholders, merchants and ATMs in: its time zone (for the offset of
 * local timestamps and the hour-of-day habits), its currency and a city to put coordinates around.
 *
 * @param code         ISO 3166-1 alpha-2
 * @param zone         the zone of {@code city}
 * @param currency     ISO 4217 code of what is paid there
 * @param unitsPerEuro rough exchange rate, so a spending level in euros becomes a local amount
 * @param latitude     of the city, degrees
 * @param longitude    of the city, degrees
 */
public record Country(String code, ZoneId zone, String currency, double unitsPerEuro, double latitude, double longitude) {

    /** Every country the generator knows; a tenant's home country must be one of them. */
    public static final List<Country> ALL = List.of(
            new Country("DE", ZoneId.of("Europe/Berlin"), "EUR", 1.0, 52.520, 13.405),
            new Country("FR", ZoneId.of("Europe/Paris"), "EUR", 1.0, 48.857, 2.352),
            new Country("NL", ZoneId.of("Europe/Amsterdam"), "EUR", 1.0, 52.370, 4.895),
            new Country("AT", ZoneId.of("Europe/Vienna"), "EUR", 1.0, 48.208, 16.373),
            new Country("IT", ZoneId.of("Europe/Rome"), "EUR", 1.0, 41.903, 12.496),
            new Country("ES", ZoneId.of("Europe/Madrid"), "EUR", 1.0, 40.417, -3.704),
            new Country("GB", ZoneId.of("Europe/London"), "GBP", 0.85, 51.507, -0.128),
            new Country("CH", ZoneId.of("Europe/Zurich"), "CHF", 0.94, 47.377, 8.541),
            new Country("PL", ZoneId.of("Europe/Warsaw"), "PLN", 4.3, 52.230, 21.012),
            new Country("US", ZoneId.of("America/New_York"), "USD", 1.08, 40.713, -74.006),
            new Country("JP", ZoneId.of("Asia/Tokyo"), "JPY", 160.0, 35.680, 139.690),
            new Country("SG", ZoneId.of("Asia/Singapore"), "SGD", 1.45, 1.352, 103.820),
            new Country("BR", ZoneId.of("America/Sao_Paulo"), "BRL", 5.8, -23.550, -46.630));

    public Country {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(zone, "zone");
        Currency.getInstance(currency);
    }

    /** The country with ISO code {@code code}, or an IllegalArgumentException listing the known ones. */
    public static Country of(String code) {
        for (Country c : ALL) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no traffic profile for country " + code + "; known: "
                + ALL.stream().map(Country::code).toList());
    }

    /** Great-circle distance between the two countries' cities, in kilometres. */
    public double distanceKm(Country other) {
        double p1 = Math.toRadians(latitude);
        double p2 = Math.toRadians(other.latitude);
        double dp = p2 - p1;
        double dl = Math.toRadians(other.longitude - longitude);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * 6371.0 * Math.asin(Math.min(1.0, Math.sqrt(a)));
    }

    /** Minor units per major unit of the local currency: 100 for EUR, 1 for JPY. */
    public long minorPerMajor() {
        return (long) Math.pow(10, Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits()));
    }

    /** {@code euros} in minor units of the local currency, at least one minor unit. */
    public long minorUnits(double euros) {
        return Math.max(1, Math.round(euros * unitsPerEuro * minorPerMajor()));
    }
}
