package io.umbra.events.features;

import io.umbra.events.tx.RawTransaction;

import java.util.Objects;

/**
 * Computes {@link FeatureSchema#V2}: {@link TransactionFeatures}' V1 values of the transaction, then the
 * card's behaviour before it, from the card's {@link CardHistory}; and {@link FeatureSchema#V3}: the same,
 * then whether the merchant sells digital goods ({@link MccRiskGroup#digitalGoods}). The single definition
 * ingest (per-card state store) and training (state per card in memory, in stream order) share.
 *
 * <p>Two steps, always in this order for each transaction of a card: {@link #features} reads the history
 * as it stands (the transaction itself is not yet part of it), {@link #update} then adds the transaction.
 * {@link #next} does both.
 *
 * <p><b>Order.</b> A card's transactions are taken in the order they are processed (in ingest: the order
 * of the card's partition after deduplication), not sorted by event time; the result is a function of that
 * sequence. A transaction whose event time is earlier than one already seen ("out of order": an offline
 * terminal's late upload) is handled so: the time since the previous transaction is measured from the
 * latest event time seen and clamped at 0; the 1 h / 24 h windows count every remembered transaction whose
 * event time is after (this one's time − the window), later ones included; its own event time does not move
 * the latest time back. Positions: the speed uses |Δt| with a floor of one minute.
 *
 * <p><b>A card's first transaction</b> (no history): counts and sums 0, time since previous 1 (as long ago
 * as the scale goes), z-score 0.5 (nothing to compare), first-seen flags 0 (there is no history to be new
 * against; {@code prior_transactions} = 0 says so), distance and speed 0. The z-score needs two earlier
 * transactions.
 *
 * <p>Pure and thread-safe (the state is the caller's); the tenant's home country and reference rates are its
 * only configuration, as for {@link TransactionFeatures}.
 */
public final class CardFeatures {
    private static final int BASE = FeatureSchema.V1.dimension();

    static final long HOUR_MS = 3_600_000L;
    static final long DAY_MS = 24 * HOUR_MS;
    /** Sums are scaled by ln(1 + 10^7): ten million reference units in a day is the top of the scale. */
    static final double SUM_SCALE = Math.log1p(1e7);
    /** Time since the previous transaction: 30 days is the top of the scale. */
    static final double GAP_SCALE = Math.log1p(30 * 86_400.0);
    /** Half the Earth's circumference (km, mean radius 6371 km): the longest great-circle distance. */
    static final double MAX_KM = 20_016;
    static final double DISTANCE_SCALE = Math.log1p(MAX_KM);
    static final double SPEED_SCALE = Math.log1p(MAX_KM * 60);
    static final double EARTH_RADIUS_KM = 6371.0;
    /** The spread below which a card's amounts count as constant: keeps z finite for a card that always pays the same. */
    static final double MIN_STD = 0.25;
    static final double Z_CLAMP = 4;
    static final int COUNT_SCALE = CardHistory.RECENT;

    static final int PRIOR = BASE;
    static final int COUNT_1H = BASE + 1;
    static final int COUNT_24H = BASE + 2;
    static final int SUM_1H = BASE + 3;
    static final int SUM_24H = BASE + 4;
    static final int GAP = BASE + 5;
    static final int ZSCORE = BASE + 6;
    static final int NEW_MERCHANT = BASE + 7;
    static final int NEW_COUNTRY = BASE + 8;
    static final int NEW_DEVICE = BASE + 9;
    static final int DISTANCE = BASE + 10;
    static final int SPEED = BASE + 11;
    static final int DIGITAL = BASE + 12;

    static {
        if (FeatureSchema.V2.indexOf("prior_transactions") != PRIOR || FeatureSchema.V2.indexOf("log_speed_kmh") != SPEED
                || FeatureSchema.V2.dimension() != SPEED + 1 || FeatureSchema.V3.indexOf("mcc_digital") != DIGITAL
                || FeatureSchema.V3.dimension() != DIGITAL + 1) {
            throw new AssertionError("CardFeatures' indices do not follow FeatureSchema.V2 and V3");
        }
    }

    private final FeatureSchema schema;
    private final TransactionFeatures transaction;
    private final ReferenceRates rates;

    /**
     * {@link FeatureSchema#V2}.
     *
     * @param homeCountry the tenant's ISO 3166-1 alpha-2 country, for cross-border when a transaction has no cardCountry
     * @param rates       the tenant's reference currency rates (amounts of different currencies are summed in reference units)
     */
    public CardFeatures(String homeCountry, ReferenceRates rates) {
        this(FeatureSchema.V2, homeCountry, rates);
    }

    /** {@code schema}: {@link FeatureSchema#V2} or {@link FeatureSchema#V3}, else an {@link IllegalArgumentException}. */
    public CardFeatures(FeatureSchema schema, String homeCountry, ReferenceRates rates) {
        if (!FeatureSchema.V2.equals(schema) && !FeatureSchema.V3.equals(schema)) {
            throw new IllegalArgumentException("card features are schemas 2 and 3, not " + schema.id() + " v" + schema.version());
        }
        this.schema = schema;
        this.transaction = new TransactionFeatures(homeCountry, rates);
        this.rates = Objects.requireNonNull(rates, "rates");
    }

    public FeatureSchema schema() {
        return schema;
    }

    /** The values of {@code tx} in this schema for a card whose past is {@code history}; {@code history} is not changed. */
    public double[] features(CardHistory history, RawTransaction tx) {
        double[] v1 = transaction.extract(tx);
        double[] f = new double[schema.dimension()];
        System.arraycopy(v1, 0, f, 0, BASE);
        long now = time(tx);
        double amount = rates.toReference(tx.amountMinor(), tx.currency());

        f[PRIOR] = Math.min(history.count, COUNT_SCALE) / (double) COUNT_SCALE;
        int n1 = 0;
        int n24 = 0;
        double s1 = 0;
        double s24 = 0;
        for (int i = 0; i < history.size; i++) {
            long t = history.recentTime(i);
            double a = history.recentAmount(i);
            if (t > now - DAY_MS) {
                n24++;
                s24 += a;
                if (t > now - HOUR_MS) {
                    n1++;
                    s1 += a;
                }
            }
        }
        f[COUNT_1H] = n1 / (double) COUNT_SCALE;
        f[COUNT_24H] = n24 / (double) COUNT_SCALE;
        f[SUM_1H] = Math.min(1, Math.log1p(s1) / SUM_SCALE);
        f[SUM_24H] = Math.min(1, Math.log1p(s24) / SUM_SCALE);
        f[GAP] = history.lastTime == CardHistory.NONE ? 1
                : Math.min(1, Math.log1p(Math.max(0, now - history.lastTime) / 1000.0) / GAP_SCALE);

        if (history.count >= 2) {
            double std = Math.sqrt(history.m2 / history.count);
            double z = (Math.log1p(amount) - history.mean) / Math.max(std, MIN_STD);
            f[ZSCORE] = (Math.max(-Z_CLAMP, Math.min(Z_CLAMP, z)) + Z_CLAMP) / (2 * Z_CLAMP);
        } else {
            f[ZSCORE] = 0.5;
        }

        boolean known = history.count > 0;
        f[NEW_MERCHANT] = known && !history.merchants.contains(CardHistory.hash(tx.merchantId())) ? 1 : 0;
        f[NEW_COUNTRY] = known && !history.countries.contains(CardHistory.hash(tx.country())) ? 1 : 0;
        f[NEW_DEVICE] = known && tx.hasDevice() && !history.devices.contains(CardHistory.hash(tx.deviceId())) ? 1 : 0;

        if (tx.hasCoordinates() && history.lastLocatedTime != CardHistory.NONE) {
            double km = Math.min(MAX_KM, distanceKm(history.lastLatitude, history.lastLongitude, tx.latitude(), tx.longitude()));
            double hours = Math.max(Math.abs(now - history.lastLocatedTime), 60_000L) / (double) HOUR_MS;
            f[DISTANCE] = Math.log1p(km) / DISTANCE_SCALE;
            f[SPEED] = Math.min(1, Math.log1p(km / hours) / SPEED_SCALE);
        }
        if (f.length > DIGITAL) {
            f[DIGITAL] = MccRiskGroup.digitalGoods(tx.mcc()) ? 1 : 0;
        }
        return f;
    }

    /**
     * Adds {@code tx} to {@code history}: ring (and its 24 h horizon, measured from the latest event time),
     * running mean and spread, seen merchant / country / device, latest time, last position.
     *
     * @param wallClockMs the caller's clock, stored only so that a store can forget idle cards
     */
    public void update(CardHistory history, RawTransaction tx, long wallClockMs) {
        long now = time(tx);
        double amount = rates.toReference(tx.amountMinor(), tx.currency());
        history.lastTime = history.lastTime == CardHistory.NONE ? now : Math.max(history.lastTime, now);
        history.addRecent(now, amount);
        history.dropRecentBefore(history.lastTime - DAY_MS);

        history.count++;
        double x = Math.log1p(amount);
        double delta = x - history.mean;
        history.mean += delta / history.count;
        history.m2 += delta * (x - history.mean);

        history.merchants.touch(CardHistory.hash(tx.merchantId()));
        history.countries.touch(CardHistory.hash(tx.country()));
        if (tx.hasDevice()) {
            history.devices.touch(CardHistory.hash(tx.deviceId()));
        }
        if (tx.hasCoordinates() && (history.lastLocatedTime == CardHistory.NONE || now >= history.lastLocatedTime)) {
            // A late upload does not replace a newer position: "where the card was last" is by event time.
            history.lastLatitude = tx.latitude();
            history.lastLongitude = tx.longitude();
            history.lastLocatedTime = now;
        }
        history.updatedAtWallMs = wallClockMs;
    }

    /** {@link #features} then {@link #update}: the vector of {@code tx}, and {@code history} advanced past it. */
    public FeatureVector next(CardHistory history, RawTransaction tx, long wallClockMs) {
        double[] f = features(history, tx);
        update(history, tx, wallClockMs);
        return new FeatureVector(schema.id(), schema.version(), tx.transactionId(), tx.cardId(), tx.timestamp().toInstant(), f,
                tx.amountMinor(), tx.currency(), tx.merchantId());
    }

    /** Great-circle distance (haversine) on a sphere of radius 6371 km. */
    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    private static long time(RawTransaction tx) {
        return tx.timestamp().toInstant().toEpochMilli();
    }
}
