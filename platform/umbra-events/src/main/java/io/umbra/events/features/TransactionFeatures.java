package io.umbra.events.features;

import io.umbra.events.tx.Channel;
import io.umbra.events.tx.RawTransaction;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Objects;

/**
 * Computes the features of {@link FeatureSchema#V1} from one validated transaction: the single
 * definition ingest and training share. Pure and thread-safe; the tenant's home country and reference
 * rates are its only configuration.
 */
public final class TransactionFeatures {
    /** Upper bounds (exclusive) of the {@code amount_bucket} buckets, in reference major units. */
    static final double[] AMOUNT_BUCKETS = {10, 50, 100, 250, 500, 1000, 5000};

    private static final FeatureSchema SCHEMA = FeatureSchema.V1;
    private static final int LOG_AMOUNT = SCHEMA.indexOf("log_amount");
    private static final int AMOUNT_BUCKET = SCHEMA.indexOf("amount_bucket");
    private static final int HOUR_SIN = SCHEMA.indexOf("hour_sin");
    private static final int HOUR_COS = SCHEMA.indexOf("hour_cos");
    private static final int DAY_OF_WEEK = SCHEMA.indexOf("day_of_week");
    private static final int[] CHANNEL = new int[Channel.values().length];
    private static final int[] MCC_GROUP = new int[MccRiskGroup.values().length];
    private static final int CROSS_BORDER = SCHEMA.indexOf("cross_border");
    private static final int HAS_DEVICE = SCHEMA.indexOf("has_device");
    private static final int HAS_COORDINATES = SCHEMA.indexOf("has_coordinates");

    static {
        for (Channel c : Channel.values()) {
            CHANNEL[c.ordinal()] = SCHEMA.indexOf("channel_" + c.name().toLowerCase(Locale.ROOT));
        }
        for (MccRiskGroup g : MccRiskGroup.values()) {
            MCC_GROUP[g.ordinal()] = SCHEMA.indexOf("mcc_" + g.name().toLowerCase(Locale.ROOT));
        }
    }

    private final String homeCountry;
    private final ReferenceRates rates;

    /**
     * @param homeCountry the tenant's ISO 3166-1 alpha-2 country, for cross-border when a transaction has no cardCountry
     * @param rates       the tenant's reference currency rates
     */
    public TransactionFeatures(String homeCountry, ReferenceRates rates) {
        this.homeCountry = Objects.requireNonNull(homeCountry, "homeCountry");
        this.rates = Objects.requireNonNull(rates, "rates");
    }

    public FeatureSchema schema() {
        return SCHEMA;
    }

    /** The feature values of {@code tx} in {@link #schema()} order. */
    public double[] extract(RawTransaction tx) {
        double[] f = new double[SCHEMA.dimension()];
        f[LOG_AMOUNT] = Math.log1p(ReferenceRates.majorUnits(tx.amountMinor(), tx.currency()));
        f[AMOUNT_BUCKET] = bucket(rates.toReference(tx.amountMinor(), tx.currency())) / (double) AMOUNT_BUCKETS.length;

        OffsetDateTime local = tx.timestamp();
        double hour = local.getHour() + local.getMinute() / 60.0;
        f[HOUR_SIN] = Math.sin(2 * Math.PI * hour / 24);
        f[HOUR_COS] = Math.cos(2 * Math.PI * hour / 24);
        f[DAY_OF_WEEK] = (local.getDayOfWeek().getValue() - 1) / 6.0;

        f[CHANNEL[tx.channel().ordinal()]] = 1;
        f[MCC_GROUP[MccRiskGroup.of(tx.mcc()).ordinal()]] = 1;

        String cardCountry = tx.cardCountry() != null ? tx.cardCountry() : homeCountry;
        f[CROSS_BORDER] = tx.country().equals(cardCountry) ? 0 : 1;
        f[HAS_DEVICE] = tx.hasDevice() ? 1 : 0;
        f[HAS_COORDINATES] = tx.hasCoordinates() ? 1 : 0;
        return f;
    }

    /** The vector for {@code <t>.tx.features}: the features plus what the manifest and alerts need. */
    public FeatureVector vector(RawTransaction tx) {
        return new FeatureVector(SCHEMA.id(), SCHEMA.version(), tx.transactionId(), tx.cardId(), tx.timestamp().toInstant(),
                extract(tx), tx.amountMinor(), tx.currency(), tx.merchantId());
    }

    static int bucket(double referenceUnits) {
        int b = 0;
        while (b < AMOUNT_BUCKETS.length && referenceUnits >= AMOUNT_BUCKETS[b]) {
            b++;
        }
        return b;
    }
}
