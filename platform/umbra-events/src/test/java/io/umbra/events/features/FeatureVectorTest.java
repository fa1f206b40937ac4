package io.umbra.events.features;

import io.umbra.events.EventFormatException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureVectorTest {
    static FeatureVector vector(double[] values) {
        return new FeatureVector("umbra.tx", 1, "tx-1", "card-1", Instant.parse("2025-11-23T17:42:07.120Z"), values, 4250, "EUR",
                "m-1");
    }

    @Test
    void jsonRoundTripIsExact() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            double[] values = new double[FeatureSchema.V1.dimension()];
            for (int j = 0; j < values.length; j++) {
                values[j] = switch (j % 4) {
                    case 0 -> rnd.nextGaussian();
                    case 1 -> rnd.nextDouble() * 1e-300;
                    case 2 -> Math.scalb(rnd.nextDouble(), rnd.nextInt(200) - 100);
                    default -> rnd.nextInt(2);
                };
            }
            FeatureVector v = vector(values);
            byte[] json = v.toJson();
            FeatureVector back = FeatureVector.fromJson(json);
            assertEquals(v, back);
            assertArrayEquals(values, back.features());
            assertArrayEquals(json, back.toJson());
            assertTrue(json.length < 1024, "bytes: " + json.length);
        }
    }

    @Test
    void refusesVectorsThatDoNotFitTheirSchema() {
        double[] ok = new double[15];
        assertThrows(IllegalArgumentException.class, () -> vector(new double[14]));
        double[] nan = ok.clone();
        nan[3] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> vector(nan));
        String json = new String(vector(ok).toJson(), StandardCharsets.UTF_8);
        for (String bad : new String[] {
                json.replace("\"schemaVersion\":1", "\"schemaVersion\":9"),
                json.replace("\"umbra.tx\"", "\"other\""),
                json.replace("[0.0,", "[0.0,0.0,"),
                json.replace("[0.0,", "[\"0.0\","),
                json.replace("\"currency\":\"EUR\"", "\"currency\":\"EURO\""),
                json.replace("\"cardId\":\"card-1\",", ""),
                json.replace("[0.0,", "[" + "0,".repeat(10_000))}) {
            EventFormatException e = assertThrows(EventFormatException.class,
                    () -> FeatureVector.fromJson(bad.getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().startsWith("FeatureVector: "), e.getMessage());
        }
    }

    @Test
    void featuresAreCopied() {
        double[] values = new double[15];
        FeatureVector v = vector(values);
        values[0] = 5;
        v.features()[1] = 5;
        assertEquals(0, v.feature(0));
        assertEquals(0, v.feature(1));
    }
}
