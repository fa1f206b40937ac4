package io.umbra.events.features;

import io.umbra.events.tx.Channel;
import io.umbra.events.tx.RawTransaction;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The behavioural features of schema V2: the maths, the edge cases, and the state's bounded, exact serialized form. */
class CardFeaturesTest {
    static final CardFeatures FEATURES = new CardFeatures("DE", ReferenceRates.of("EUR", Map.of("USD", 0.5)));
    static final FeatureSchema V2 = FeatureSchema.V2;
    static final OffsetDateTime T0 = OffsetDateTime.of(2026, 1, 5, 12, 0, 0, 0, ZoneOffset.ofHours(1));
    static int ids;

    static RawTransaction tx(OffsetDateTime at, long amountMinor, String merchant, String country, String device, Double lat, Double lon) {
        return new RawTransaction(1, "tx-" + ids++, "card-1", amountMinor, "EUR", merchant, "5411", country, Channel.POS, at, "DE",
                device, lat, lon);
    }

    static RawTransaction at(OffsetDateTime at, long amountMinor) {
        return tx(at, amountMinor, "m-1", "DE", null, null, null);
    }

    static double f(double[] v, String name) {
        return v[V2.indexOf(name)];
    }

    @Test
    void schemaV2IsV1ThenTheBehaviouralFeatures() {
        assertEquals(FeatureSchema.V1.features(), V2.features().subList(0, 15), "V1's features, unchanged, come first");
        assertEquals(List.of("prior_transactions", "count_1h", "count_24h", "log_sum_1h", "log_sum_24h", "log_seconds_since_previous",
                "amount_zscore", "new_merchant", "new_country", "new_device", "log_distance_km", "log_speed_kmh"),
                V2.names().subList(15, V2.dimension()));
        assertEquals(V2, FeatureSchema.of("umbra.tx", 2));
        assertEquals(FeatureSchema.V1, FeatureSchema.current(), "V1 stays the default");
    }

    @Test
    void schemaV3IsV2ThenWhetherTheMerchantSellsDigitalGoods() {
        FeatureSchema v3 = FeatureSchema.V3;
        assertEquals(V2.features(), v3.features().subList(0, V2.dimension()), "V2's features, unchanged, come first");
        assertEquals(List.of("mcc_digital"), v3.names().subList(V2.dimension(), v3.dimension()));
        assertEquals(v3, FeatureSchema.of("umbra.tx", 3));

        CardFeatures digital = new CardFeatures(v3, "DE", ReferenceRates.of("EUR", Map.of("USD", 0.5)));
        assertEquals(v3, digital.schema());
        CardHistory h2 = new CardHistory();
        CardHistory h3 = new CardHistory();
        for (String mcc : new String[] {"5411", "5816", "4899", "5815", "5942", "4816", "5968", "5999", "5818"}) {
            RawTransaction t = new RawTransaction(1, "tx-" + ids++, "card-1", 199, "EUR", "m-" + mcc, mcc, "DE", Channel.ECOM,
                    T0.plusMinutes(ids), "DE", "dev-1", null, null);
            double[] two = FEATURES.next(h2, t, 0).features();
            FeatureVector three = digital.next(h3, t, 0);
            assertEquals(3, three.schemaVersion());
            assertArrayEquals(two, java.util.Arrays.copyOf(three.features(), V2.dimension()), "the V2 part of " + mcc);
            boolean sellsDigitalGoods = List.of("5815", "5816", "5818", "4816", "5968").contains(mcc);
            assertEquals(sellsDigitalGoods ? 1.0 : 0.0, three.features()[v3.indexOf("mcc_digital")], mcc);
            if (sellsDigitalGoods) {
                assertEquals(1.0, three.features()[v3.indexOf("mcc_medium")], mcc + " stays MEDIUM in the V1 part, with books and streaming");
            }
        }
        assertArrayEquals(h2.toBytes(), h3.toBytes(), "V3 keeps V2's state: a tenant moves from 2 to 3 without losing its cards");
        assertThrows(IllegalArgumentException.class, () -> new CardFeatures(FeatureSchema.V1, "DE", ReferenceRates.of("EUR", Map.of())));
    }

    @Test
    void theV1PartIsTransactionFeaturesOwn() {
        RawTransaction t = tx(T0, 4250, "m-1", "FR", "dev-1", 48.1, 11.5);
        double[] v2 = FEATURES.features(new CardHistory(), t);
        double[] v1 = new TransactionFeatures("DE", ReferenceRates.of("EUR", Map.of("USD", 0.5))).extract(t);
        for (int i = 0; i < 15; i++) {
            assertEquals(v1[i], v2[i], "feature " + i);
        }
    }

    @Test
    void aCardsFirstTransaction() {
        double[] v = FEATURES.features(new CardHistory(), tx(T0, 4250, "m-1", "FR", "dev-1", 48.1, 11.5));
        assertEquals(0, f(v, "prior_transactions"));
        assertEquals(0, f(v, "count_1h"));
        assertEquals(0, f(v, "count_24h"));
        assertEquals(0, f(v, "log_sum_1h"));
        assertEquals(0, f(v, "log_sum_24h"));
        assertEquals(1, f(v, "log_seconds_since_previous"), "no previous transaction: the top of the scale");
        assertEquals(0.5, f(v, "amount_zscore"), "nothing to compare with");
        assertEquals(0, f(v, "new_merchant"), "no history to be new against");
        assertEquals(0, f(v, "new_country"));
        assertEquals(0, f(v, "new_device"));
        assertEquals(0, f(v, "log_distance_km"));
        assertEquals(0, f(v, "log_speed_kmh"));
    }

    @Test
    void countsAndSumsSlideWithTheWindows() {
        CardHistory h = new CardHistory();
        FEATURES.update(h, at(T0, 1000), 0);                      // 10 EUR at 12:00
        FEATURES.update(h, at(T0.plusMinutes(30), 2000), 0);      // 20 EUR at 12:30
        FEATURES.update(h, at(T0.plusMinutes(50), 5000), 0);     // 50 EUR at 12:50

        double[] v = FEATURES.features(h, at(T0.plusMinutes(80), 100)); // 13:20: 12:30 and 12:50 within the hour
        assertEquals(2 / 32.0, f(v, "count_1h"));
        assertEquals(3 / 32.0, f(v, "count_24h"));
        assertEquals(Math.log1p(70) / Math.log1p(1e7), f(v, "log_sum_1h"), 1e-12);
        assertEquals(Math.log1p(80) / Math.log1p(1e7), f(v, "log_sum_24h"), 1e-12);
        assertEquals(3 / 32.0, f(v, "prior_transactions"));
        assertEquals(Math.log1p(30 * 60) / Math.log1p(30 * 86_400.0), f(v, "log_seconds_since_previous"), 1e-12);

        v = FEATURES.features(h, at(T0.plusHours(24).plusMinutes(40), 100)); // next day 12:40: only 12:50 is within 24 h
        assertEquals(0, f(v, "count_1h"));
        assertEquals(1 / 32.0, f(v, "count_24h"));
        assertEquals(Math.log1p(50) / Math.log1p(1e7), f(v, "log_sum_24h"), 1e-12);

        // The ring forgets what is older than 24 h before the latest event time, and never holds more than 32.
        FEATURES.update(h, at(T0.plusHours(30), 100), 0);
        assertEquals(1, h.recentSize());
        for (int i = 0; i < 100; i++) {
            FEATURES.update(h, at(T0.plusHours(30).plusSeconds(i), 100), 0);
        }
        assertEquals(CardHistory.RECENT, h.recentSize());
        assertEquals(1.0, f(FEATURES.features(h, at(T0.plusHours(30).plusMinutes(5), 100)), "count_1h"), "capped: 32 / 32");
        assertEquals(1.0, f(FEATURES.features(h, at(T0.plusHours(31), 100)), "prior_transactions"), "104 earlier transactions: capped at 32 / 32");
    }

    @Test
    void amountAgainstTheCardsRunningMeanAndSpread() {
        CardHistory h = new CardHistory();
        long[] amounts = {1000, 2000, 1500, 3000, 2500};
        double sum = 0;
        for (long a : amounts) {
            FEATURES.update(h, at(T0, a), 0);
            sum += Math.log1p(a / 100.0);
        }
        double mean = sum / amounts.length;
        double var = 0;
        for (long a : amounts) {
            var += Math.pow(Math.log1p(a / 100.0) - mean, 2);
        }
        double std = Math.sqrt(var / amounts.length);
        double z = (Math.log1p(40) - mean) / std;
        assertEquals((z + 4) / 8, f(FEATURES.features(h, at(T0, 4000)), "amount_zscore"), 1e-12);
        assertEquals(1.0, f(FEATURES.features(h, at(T0, 100_000_00)), "amount_zscore"), "clamped at z = 4");
        assertEquals(0.0, f(FEATURES.features(h, at(T0, 10)), "amount_zscore"), "clamped at z = -4: a tiny test amount");

        CardHistory same = new CardHistory();
        FEATURES.update(same, at(T0, 1000), 0);
        assertEquals(0.5, f(FEATURES.features(same, at(T0, 9000)), "amount_zscore"), "one earlier transaction is no spread");
        FEATURES.update(same, at(T0, 1000), 0);
        double zFloor = (Math.log1p(11) - Math.log1p(10)) / 0.25;
        assertEquals((zFloor + 4) / 8, f(FEATURES.features(same, at(T0, 1100)), "amount_zscore"), 1e-12,
                "a card that always pays the same: the spread's floor keeps z finite");
    }

    @Test
    void firstSeenMerchantCountryAndDevice() {
        CardHistory h = new CardHistory();
        FEATURES.update(h, tx(T0, 1000, "m-1", "DE", "dev-1", null, null), 0);
        double[] same = FEATURES.features(h, tx(T0, 1000, "m-1", "DE", "dev-1", null, null));
        assertEquals(0, f(same, "new_merchant"));
        assertEquals(0, f(same, "new_country"));
        assertEquals(0, f(same, "new_device"));
        double[] other = FEATURES.features(h, tx(T0, 1000, "m-2", "FR", "dev-2", null, null));
        assertEquals(1, f(other, "new_merchant"));
        assertEquals(1, f(other, "new_country"));
        assertEquals(1, f(other, "new_device"));
        assertEquals(0, f(FEATURES.features(h, tx(T0, 1000, "m-2", "FR", null, null, null)), "new_device"), "no device: nothing new");

        // Bounded: after 16 other merchants, the first is forgotten (least recently used goes first).
        for (int i = 0; i < CardHistory.MERCHANTS; i++) {
            FEATURES.update(h, tx(T0, 1000, "m-x" + i, "DE", null, null, null), 0);
        }
        assertEquals(1, f(FEATURES.features(h, tx(T0, 1000, "m-1", "DE", null, null, null)), "new_merchant"));
        assertEquals(0, f(FEATURES.features(h, tx(T0, 1000, "m-x0", "DE", null, null, null)), "new_merchant"));
    }

    @Test
    void distanceAndSpeedFromTheLastLocatedTransaction() {
        CardHistory h = new CardHistory();
        FEATURES.update(h, tx(T0, 1000, "m-1", "DE", null, 52.52, 13.405), 0);            // Berlin
        FEATURES.update(h, tx(T0.plusMinutes(10), 1000, "m-2", "DE", null, null, null), 0); // unlocated: keeps Berlin
        double km = CardFeatures.distanceKm(52.52, 13.405, 40.7128, -74.006);              // New York
        assertEquals(6385, km, 15, "Berlin to New York, great circle");

        double[] v = FEATURES.features(h, tx(T0.plusHours(2), 1000, "m-3", "US", null, 40.7128, -74.006));
        assertEquals(Math.log1p(km) / Math.log1p(20016), f(v, "log_distance_km"), 1e-12);
        assertEquals(Math.log1p(km / 2) / Math.log1p(20016 * 60.0), f(v, "log_speed_kmh"), 1e-12, "two hours apart");

        double[] sameTime = FEATURES.features(h, tx(T0, 1000, "m-3", "US", null, 40.7128, -74.006));
        assertEquals(Math.log1p(km * 60) / Math.log1p(20016 * 60.0), f(sameTime, "log_speed_kmh"), 1e-12, "Δt floored at one minute");
        assertEquals(0, f(FEATURES.features(h, tx(T0.plusHours(2), 1000, "m-3", "US", null, null, null)), "log_distance_km"));
        assertEquals(0, f(FEATURES.features(new CardHistory(), tx(T0, 1, "m", "US", null, 40.7, -74.0)), "log_speed_kmh"));
    }

    @Test
    void outOfOrderEventTimesClampAndKeepTheLatest() {
        CardHistory h = new CardHistory();
        FEATURES.update(h, tx(T0.plusHours(3), 1000, "m-1", "DE", null, 52.52, 13.405), 0);
        // A late upload from an hour earlier: the gap clamps at 0, and the 1 h window counts the later one.
        double[] late = FEATURES.features(h, tx(T0.plusHours(2), 1000, "m-1", "DE", null, 48.14, 11.58));
        assertEquals(0, f(late, "log_seconds_since_previous"));
        assertEquals(1 / 32.0, f(late, "count_1h"));
        FEATURES.update(h, tx(T0.plusHours(2), 1000, "m-1", "DE", null, 48.14, 11.58), 0);
        // Neither the latest time nor the latest position moved back.
        double[] next = FEATURES.features(h, tx(T0.plusHours(4), 1000, "m-1", "DE", null, 52.52, 13.405));
        assertEquals(Math.log1p(3600) / Math.log1p(30 * 86_400.0), f(next, "log_seconds_since_previous"), 1e-12);
        assertEquals(0, f(next, "log_distance_km"), "from Berlin (the latest position), not Munich");
    }

    @Test
    void everyBehaviouralFeatureLiesInZeroOne() {
        Random r = new Random(3);
        CardHistory h = new CardHistory();
        for (int i = 0; i < 2000; i++) {
            boolean located = r.nextBoolean();
            RawTransaction t = tx(T0.plusSeconds(r.nextInt(200_000) - 50_000L), r.nextInt(3) == 0 ? r.nextLong(1L << 53) : r.nextInt(100_000),
                    "m-" + r.nextInt(40), r.nextBoolean() ? "DE" : "AU", r.nextBoolean() ? "d" + r.nextInt(20) : null,
                    located ? r.nextDouble() * 180 - 90 : null, located ? r.nextDouble() * 360 - 180 : null);
            double[] v = FEATURES.next(h, t, 0).features();
            for (int k = 15; k < v.length; k++) {
                assertTrue(v[k] >= 0 && v[k] <= 1, V2.names().get(k) + " = " + v[k]);
            }
        }
    }

    @Test
    void theStateRoundTripsExactlyAndStaysSmall() {
        Random r = new Random(11);
        CardHistory live = new CardHistory();
        CardHistory stored = new CardHistory();
        int maxBytes = 0;
        for (int i = 0; i < 500; i++) {
            boolean located = r.nextInt(3) == 0;
            RawTransaction t = tx(T0.plusMinutes(i * 7L + r.nextInt(30)), 50 + r.nextInt(500_000), "m-" + r.nextInt(30),
                    List.of("DE", "FR", "AT", "PL", "IT", "ES", "NL", "BE", "CZ", "US").get(r.nextInt(10)), "d" + r.nextInt(12),
                    located ? 48 + r.nextDouble() : null, located ? 11 + r.nextDouble() : null);
            // One state kept in memory, one that goes through its bytes before every step: the same vectors, bit for bit.
            FeatureVector a = FEATURES.next(live, t, 1_000L + i);
            byte[] bytes = stored.toBytes();
            maxBytes = Math.max(maxBytes, bytes.length);
            stored = CardHistory.fromBytes(bytes);
            FeatureVector b = FEATURES.next(stored, t, 1_000L + i);
            assertArrayEquals(a.features(), b.features(), "transaction " + i);
        }
        assertArrayEquals(live.toBytes(), stored.toBytes());
        assertTrue(maxBytes <= CardHistory.MAX_BYTES, maxBytes + " bytes");
        assertEquals(837, CardHistory.MAX_BYTES);
        assertEquals(CardHistory.RECENT, live.recentSize());
        assertEquals(1_499L, CardHistory.fromBytes(live.toBytes()).updatedAtWallMs());
    }

    @Test
    void corruptStateIsRefused() {
        CardHistory h = new CardHistory();
        FEATURES.update(h, at(T0, 1000), 0);
        byte[] bytes = h.toBytes();
        assertThrows(IllegalArgumentException.class, () -> CardHistory.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> CardHistory.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length + 1)));
        byte[] wrongFormat = bytes.clone();
        wrongFormat[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> CardHistory.fromBytes(wrongFormat));
        assertThrows(IllegalArgumentException.class, () -> CardHistory.fromBytes(new byte[CardHistory.MAX_BYTES + 1]));
    }
}
