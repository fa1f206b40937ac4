package io.umbra.model;

import io.umbra.events.features.FeatureSchema;

/** The largest |value| each feature of a known schema takes on a valid transaction. */
final class FeatureRanges {
    /** ln(1 + 2^53): log_amount of the largest amount the validator accepts, in a currency without minor units. */
    private static final double MAX_LOG_AMOUNT = Math.log1p(0x1p53);

    private FeatureRanges() {
    }

    static double maxAbs(FeatureSchema schema, int i) {
        if (!schema.id().equals(FeatureSchema.TX)) {
            throw new IllegalArgumentException("no feature ranges known for schema " + schema.id());
        }
        return schema.names().get(i).equals("log_amount") ? MAX_LOG_AMOUNT : 1.0;
    }
}
