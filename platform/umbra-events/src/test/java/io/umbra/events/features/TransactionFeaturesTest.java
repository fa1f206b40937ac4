package io.umbra.events.features;

import io.umbra.events.Examples;
import io.umbra.events.tx.RawTransaction;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionFeaturesTest {
    static final TransactionFeatures FEATURES = new TransactionFeatures("DE", ReferenceRates.of("EUR", Map.of("USD", 0.92)));
    static final FeatureSchema V1 = FeatureSchema.V1;

    static RawTransaction example(String name) {
        return ((ValidationResult.Valid) new TransactionValidator(Examples.CLOCK).validate(Examples.bytes(name))).transaction();
    }

    static double f(double[] v, String name) {
        return v[V1.indexOf(name)];
    }

    @Test
    void schemaV1() {
        assertEquals(List.of("log_amount", "amount_bucket", "hour_sin", "hour_cos", "day_of_week", "channel_pos", "channel_ecom",
                "channel_atm", "mcc_low", "mcc_medium", "mcc_high", "mcc_travel", "cross_border", "has_device",
                "has_coordinates"), V1.names());
        assertEquals(15, V1.dimension());
        assertEquals(V1, FeatureSchema.of("umbra.tx", 1));
        assertEquals(V1, FeatureSchema.current());
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of("umbra.tx", 4));
        // what settings and options naming a version are checked against, and their refusals say
        assertTrue(FeatureSchema.isKnownTx(1) && FeatureSchema.isKnownTx(3));
        assertFalse(FeatureSchema.isKnownTx(0) || FeatureSchema.isKnownTx(4));
        assertEquals("1, 2 or 3", FeatureSchema.knownTxVersions());
        assertThrows(IllegalArgumentException.class, () -> V1.indexOf("velocity_1h"));
    }

    @Test
    void posDomestic() {
        double[] v = FEATURES.extract(example("pos-domestic"));   // 42.50 EUR, 5411, Sunday 18:42 at +01:00
        assertEquals(Math.log(43.5), f(v, "log_amount"), 1e-12);
        assertEquals(1 / 7.0, f(v, "amount_bucket"), 1e-12);    // 42.5 EUR: [10, 50)
        double h = 18 + 42 / 60.0;
        assertEquals(Math.sin(2 * Math.PI * h / 24), f(v, "hour_sin"), 1e-12);
        assertEquals(Math.cos(2 * Math.PI * h / 24), f(v, "hour_cos"), 1e-12);
        assertEquals(1.0, f(v, "day_of_week"));                 // 2025-11-23 is a Sunday
        assertOneHot(v, "channel_pos", "mcc_low");
        assertEquals(0, f(v, "cross_border"));
        assertEquals(0, f(v, "has_device"));
        assertEquals(0, f(v, "has_coordinates"));
    }

    @Test
    void ecomCrossBorderWithDevice() {
        double[] v = FEATURES.extract(example("ecom-cross-border")); // 1299.99 USD, 5732, 03:15 at -05:00, DE card in US
        assertEquals(Math.log1p(1299.99), f(v, "log_amount"), 1e-12);
        assertEquals(6 / 7.0, f(v, "amount_bucket"), 1e-12);    // 1196 EUR: [1000, 5000)
        double h = 3 + 15 / 60.0;                                 // local time, not UTC
        assertEquals(Math.sin(2 * Math.PI * h / 24), f(v, "hour_sin"), 1e-12);
        assertOneHot(v, "channel_ecom", "mcc_high");
        assertEquals(1, f(v, "cross_border"));
        assertEquals(1, f(v, "has_device"));
        assertEquals(0, f(v, "has_coordinates"));
    }

    @Test
    void atmWithCoordinates() {
        double[] v = FEATURES.extract(example("atm-coordinates")); // 200 EUR at 23:58Z, 6011, no cardCountry: home DE
        assertEquals(3 / 7.0, f(v, "amount_bucket"), 1e-12);   // 200: [100, 250)
        assertOneHot(v, "channel_atm", "mcc_high");
        assertEquals(0, f(v, "cross_border"));
        assertEquals(1, f(v, "has_coordinates"));
        assertEquals(1, new TransactionFeatures("AT", ReferenceRates.only("EUR")).extract(example("atm-coordinates"))[V1.indexOf("cross_border")]);
    }

    @Test
    void amountsUseTheCurrencysMinorUnits() {
        assertEquals(1250.0, ReferenceRates.majorUnits(1250, "JPY"));
        assertEquals(12.5, ReferenceRates.majorUnits(1250, "EUR"));
        assertEquals(1.25, ReferenceRates.majorUnits(1250, "KWD"));
        assertEquals(0, TransactionFeatures.bucket(0));
        assertEquals(0, TransactionFeatures.bucket(9.99));
        assertEquals(1, TransactionFeatures.bucket(10));
        assertEquals(7, TransactionFeatures.bucket(5000));
        assertEquals(7, TransactionFeatures.bucket(1e12));
        assertThrows(IllegalArgumentException.class, () -> ReferenceRates.of("EUR", Map.of("USD", -1.0)));
        assertThrows(IllegalArgumentException.class, () -> ReferenceRates.of("EUR", Map.of("ZZZ", 1.0)));
    }

    @Test
    void mccRiskGroups() {
        assertEquals(MccRiskGroup.LOW, MccRiskGroup.of("5411"));
        assertEquals(MccRiskGroup.HIGH, MccRiskGroup.of("6011"));
        assertEquals(MccRiskGroup.HIGH, MccRiskGroup.of("7995"));
        assertEquals(MccRiskGroup.TRAVEL, MccRiskGroup.of("3000"));
        assertEquals(MccRiskGroup.TRAVEL, MccRiskGroup.of("3999"));
        assertEquals(MccRiskGroup.TRAVEL, MccRiskGroup.of("4511"));
        assertEquals(MccRiskGroup.MEDIUM, MccRiskGroup.of("0742"));
        assertEquals(MccRiskGroup.MEDIUM, MccRiskGroup.of("5542"));
        assertThrows(IllegalArgumentException.class, () -> MccRiskGroup.of("+123"));
    }

    @Test
    void everyValueIsBounded() {
        for (String name : Examples.NAMES) {
            for (double x : FEATURES.extract(example(name))) {
                assertEquals(true, x >= -1 && x <= 40, name + ": " + x);
            }
        }
    }

    @Test
    void vectorCarriesWhatTheManifestNeeds() {
        RawTransaction tx = example("ecom-cross-border");
        FeatureVector v = FEATURES.vector(tx);
        assertArrayEquals(FEATURES.extract(tx), v.features());
        assertEquals(tx.timestamp().toInstant(), v.eventTime());
        assertEquals(129999, v.amountMinor());
        assertEquals("USD", v.currency());
        assertEquals("shop-electronics-7731", v.merchantId());
        assertEquals(FeatureSchema.V1, v.schema());
    }

    private static void assertOneHot(double[] v, String channel, String mccGroup) {
        for (String c : List.of("channel_pos", "channel_ecom", "channel_atm")) {
            assertEquals(c.equals(channel) ? 1.0 : 0.0, f(v, c), c);
        }
        for (String g : List.of("mcc_low", "mcc_medium", "mcc_high", "mcc_travel")) {
            assertEquals(g.equals(mccGroup) ? 1.0 : 0.0, f(v, g), g);
        }
    }
}
