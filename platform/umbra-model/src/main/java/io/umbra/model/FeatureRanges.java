package io.umbra.model;

import io.umbra.events.features.FeatureSchema;

/** The range of values each feature of a known schema takes on a valid transaction. */
final class FeatureRanges {
    /** ln(1 + 2^53): log_amount of the largest amount the validator accepts, in a currency without minor units. */
    private static final double MAX_LOG_AMOUNT = Math.log1p(0x1p53);

    private FeatureRanges() {
    }

    static double maxAbs(FeatureSchema schema, int i) {
        return Math.max(Math.abs(min(schema, i)), Math.abs(max(schema, i)));
    }

    /**
     * The smallest value of feature {@code i}: hour_sin and hour_cos go down to −1; log_amount (of an
     * amount ≥ 0), the bucket index, the day of week and the 0/1 indicators start at 0.
     */
    static double min(FeatureSchema schema, int i) {
        String name = known(schema).names().get(i);
        return name.equals("hour_sin") || name.equals("hour_cos") ? -1.0 : 0.0;
    }

    /** The largest value of feature {@code i}: ln(1 + 2^53) for log_amount, 1 for every other V1 feature. */
    static double max(FeatureSchema schema, int i) {
        return known(schema).names().get(i).equals("log_amount") ? MAX_LOG_AMOUNT : 1.0;
    }

    private static FeatureSchema known(FeatureSchema schema) {
        if (!schema.id().equals(FeatureSchema.TX)) {
            throw new IllegalArgumentException("no feature ranges known for schema " + schema.id());
        }
        return schema;
    }
}
