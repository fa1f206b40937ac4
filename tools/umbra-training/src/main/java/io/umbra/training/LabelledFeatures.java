package io.umbra.training;

import io.umbra.events.features.CardFeatures;
import io.umbra.events.features.CardHistory;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.features.TransactionFeatures;
import io.umbra.traffic.Country;
import io.umbra.traffic.FraudPattern;
import io.umbra.traffic.LabelledTransaction;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProfile;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labelled feature vectors in arrival order: row i is the i-th generated transaction's features, computed
 * by the pipeline's own {@link TransactionFeatures} (schema 1) or {@link CardFeatures} (schema 2) — the code
 * ingest-service runs, not a copy — and whether it is a planted fraud, of which pattern.
 */
public record LabelledFeatures(FeatureSchema schema, double[][] x, boolean[] fraud, FraudPattern[] pattern) {
    /** 2026-01-05T00:00Z, a Monday: generated traffic starts here, so a seed gives the same days of week. */
    public static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    /** One transaction every 15 s of the tenant's clock: 200,000 transactions span about 35 days. */
    public static final Duration STEP = Duration.ofSeconds(15);

    /**
     * {@code n} transactions of {@code profile}'s traffic, deterministic for {@code seed}, at instants
     * {@link #START} + i·{@link #STEP}, with the features ingest computes for a tenant whose home country
     * is the profile's and whose reference rates are the generator's (see {@link #ratesFor}).
     */
    public static LabelledFeatures generate(TrafficProfile profile, long seed, int n) {
        return generate(profile, seed, n, FeatureSchema.V1);
    }

    /**
     * As {@link #generate(TrafficProfile, long, int)}, in feature schema {@code schema}: {@link FeatureSchema#V1}
     * through {@link TransactionFeatures}, {@link FeatureSchema#V2} and {@link FeatureSchema#V3} through {@link CardFeatures} with one
     * {@link CardHistory} per card advanced in the stream's order — what ingest's per-card store does when a
     * card's transactions reach it in the order they were produced.
     */
    public static LabelledFeatures generate(TrafficProfile profile, long seed, int n, FeatureSchema schema) {
        return generate(profile, seed, n, schema, STEP);
    }

    /**
     * As {@link #generate(TrafficProfile, long, int, FeatureSchema)}, one transaction every {@code step} of the tenant's
     * clock: the local run's traffic, for instance, is 200 transactions a second of one bank (5 ms), and per-card
     * velocity features depend on that density.
     */
    public static LabelledFeatures generate(TrafficProfile profile, long seed, int n, FeatureSchema schema, Duration step) {
        return generate(profile, seed, n, schema, step, n);
    }

    /**
     * Between the starts of two cold-started runs ({@link #generate(TrafficProfile, long, int, FeatureSchema, Duration, int)}):
     * a day and 90 minutes, so that sixteen runs start at sixteen different hours of the day spread over every day of the week
     * (short runs that all started at midnight would teach a model that every payment happens at night).
     */
    public static final Duration RUN_OFFSET = Duration.ofHours(25).plusMinutes(30);

    /**
     * As {@link #generate(TrafficProfile, long, int, FeatureSchema, Duration)}, as consecutive runs of {@code runLength}
     * transactions (the last may be shorter), each from a fresh generator (seed {@code seed + k} for the k-th run) with
     * empty per-card histories, the k-th starting at {@link #START} + k·{@link #RUN_OFFSET}: what many short runs that
     * each start cold at some hour of some day (a local run, a demo) look like, rather than one long warm stream.
     */
    public static LabelledFeatures generate(TrafficProfile profile, long seed, int n, FeatureSchema schema, Duration step, int runLength) {
        if (runLength < 1) {
            throw new IllegalArgumentException("a run has at least one transaction, not " + runLength);
        }
        if (step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("the step between transactions must be positive, not " + step);
        }
        if (n < 1) {
            throw new IllegalArgumentException("at least one transaction");
        }
        if (!FeatureSchema.KNOWN.contains(schema)) {
            throw new IllegalArgumentException("training knows feature schemas " + FeatureSchema.KNOWN.stream().map(FeatureSchema::version).toList()
                    + ", not " + schema.version());
        }
        TrafficGenerator generator = null;
        ReferenceRates rates = ratesFor(profile.homeCountry());
        TransactionFeatures features = new TransactionFeatures(profile.homeCountry(), rates);
        CardFeatures cardFeatures = schema.equals(FeatureSchema.V1) ? null : new CardFeatures(schema, profile.homeCountry(), rates);
        Map<String, CardHistory> histories = new HashMap<>();
        double[][] x = new double[n][];
        boolean[] fraud = new boolean[n];
        FraudPattern[] pattern = new FraudPattern[n];
        Instant runStart = START;
        for (int i = 0; i < n; i++) {
            if (i % runLength == 0) {
                generator = new TrafficGenerator(profile, seed + i / runLength);
                histories.clear();
                runStart = START.plus(RUN_OFFSET.multipliedBy(i / runLength));
            }
            LabelledTransaction tx = generator.next(runStart.plus(step.multipliedBy(i % runLength)));
            if (schema.equals(FeatureSchema.V1)) {
                x[i] = features.extract(tx.transaction());
            } else {
                CardHistory history = histories.computeIfAbsent(tx.transaction().cardId(), card -> new CardHistory());
                x[i] = cardFeatures.features(history, tx.transaction());
                cardFeatures.update(history, tx.transaction(), 0);
            }
            fraud[i] = tx.isFraud();
            pattern[i] = tx.fraud();
        }
        return new LabelledFeatures(schema, x, fraud, pattern);
    }

    /**
     * The reference rates a tenant at home in {@code homeCountry} would configure in ingest
     * ({@code umbra.features.rates}) for the generator's currencies: each country's rate against the euro,
     * re-based on the home currency. Training and ingest must agree on them (amount_bucket depends on them).
     */
    public static ReferenceRates ratesFor(String homeCountry) {
        Country home = Country.of(homeCountry);
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Country c : Country.ALL) {
            if (!c.currency().equals(home.currency())) {
                rates.putIfAbsent(c.currency(), home.unitsPerEuro() / c.unitsPerEuro());
            }
        }
        return ReferenceRates.of(home.currency(), rates);
    }

    public int size() {
        return x.length;
    }

    public int frauds() {
        int k = 0;
        for (boolean f : fraud) {
            if (f) {
                k++;
            }
        }
        return k;
    }

    /** Rows [from, to) as a new set (arrays shared, not copied). */
    public LabelledFeatures slice(int from, int to) {
        return new LabelledFeatures(schema, java.util.Arrays.copyOfRange(x, from, to), java.util.Arrays.copyOfRange(fraud, from, to),
                java.util.Arrays.copyOfRange(pattern, from, to));
    }
}
