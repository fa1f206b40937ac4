package io.umbra.cli.he;

import java.util.Random;

/**
 * A seeded batch of synthetic card transactions for {@code he demo}, as an ingest service would hand
 * them to encryption: 30 standardized features (z-scores) per transaction, stored column by column.
 * A legitimate transaction draws every feature from N(0, 1); an injected fraud (about one in a
 * hundred) draws from N(μ, 1), μ the fraud profile below. For that mix the best linear fraud model is
 * known in closed form ({@link #model()}), so the demo needs no training step.
 */
record SyntheticCards(double[][] columns, double[] amounts, boolean[] fraud) {
    static final double FRAUD_RATE = 0.01;

    /** μ: how a fraud's features lean, in standard deviations. */
    private static final double[] FRAUD_PROFILE = {
        0.9,   // amount (log, standardized)
        1.2,   // amount against the card's 30-day mean
        0.5,   // hour of day: night
        0.0,   // hour of day: second harmonic
        0.8,   // distance from home
        0.6,   // distance from the previous transaction
        -0.7,  // minutes since the previous transaction
        0.9,   // transactions in the last hour
        0.4,   // transactions in the last 24 hours
        0.6,   // distinct merchants in the last 24 hours
        0.7,   // merchant category risk
        0.5,   // merchant's fraud rate
        -0.8,  // card present
        -0.6,  // chip read
        -0.4,  // PIN verified
        0.6,   // online (card not present)
        0.5,   // foreign country
        0.3,   // currency differs from the card's
        0.7,   // new device
        0.4,   // new IP range
        0.6,   // failed attempts in the last 24 hours
        -0.3,  // account age
        -0.2,  // card age
        0.2,   // address changed in the last 30 days
        0.4,   // billing and shipping addresses differ
        0.5,   // amount spent in the last hour
        0.3,   // declines in the last 7 days
        0.2,   // chargebacks on record
        -0.2,  // time since the last password reset
        0.1,   // weekend
    };

    static final int FEATURES = FRAUD_PROFILE.length;

    static SyntheticCards generate(int count, long seed) {
        Random random = new Random(seed);
        double[][] columns = new double[FEATURES][count];
        double[] amounts = new double[count];
        boolean[] fraud = new boolean[count];
        for (int t = 0; t < count; t++) {
            fraud[t] = random.nextDouble() < FRAUD_RATE;
            for (int f = 0; f < FEATURES; f++) {
                columns[f][t] = random.nextGaussian() + (fraud[t] ? FRAUD_PROFILE[f] : 0.0);
            }
            // Feature 0 is the standardized log amount: median about $37.
            amounts[t] = Math.round(Math.exp(3.6 + 1.1 * columns[0][t]) * 100) / 100.0;
        }
        return new SyntheticCards(columns, amounts, fraud);
    }

    /**
     * The Bayes-optimal logistic regression for this mix: w = μ and b = −|μ|²/2 + ln(π/(1−π)), π the
     * fraud rate. Logits stay within about ±25, well inside what the small parameter set can hold.
     */
    static LinearModel model() {
        double norm2 = 0;
        for (double m : FRAUD_PROFILE) {
            norm2 += m * m;
        }
        return new LinearModel(FRAUD_PROFILE.clone(), -norm2 / 2 + Math.log(FRAUD_RATE / (1 - FRAUD_RATE)));
    }

    int count() {
        return amounts.length;
    }

    int fraudCount() {
        int n = 0;
        for (boolean f : fraud) {
            n += f ? 1 : 0;
        }
        return n;
    }
}
