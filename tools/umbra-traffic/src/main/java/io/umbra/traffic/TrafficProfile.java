package io.umbra.traffic;

import io.umbra.events.TenantId;

import java.util.Objects;

/**
 * The shape of one tenant's traffic: whose it is, where its cardholders live, how many there are and how
 * much of the traffic is planted fraud.
 *
 * @param tenant       the tenant (bank)
 * @param homeCountry  ISO code of the bank's country, one of {@link Country#ALL}; most cardholders live there
 * @param cardholders  how many cards
 * @param merchants    how many merchants in the home country (a few per foreign country come on top)
 * @param fraudRate    the fraction of generated transactions that are planted frauds, in [0, 0.5]
 * @param compromise   how the compromised-merchant scenario unfolds (exposure window, delays, share of cards hit)
 */
public record TrafficProfile(TenantId tenant, String homeCountry, int cardholders, int merchants, double fraudRate,
                             MerchantCompromise compromise) {
    /** Half a percent: of the order of card-not-present fraud in the wild, and enough to see in a minute. */
    public static final double DEFAULT_FRAUD_RATE = 0.005;

    public TrafficProfile {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(compromise, "compromise");
        Country.of(homeCountry);
        if (cardholders < 1 || cardholders > 10_000_000) {
            throw new IllegalArgumentException("cardholders must be 1 to 10,000,000, got " + cardholders);
        }
        if (merchants < 10 || merchants > 1_000_000) {
            throw new IllegalArgumentException("merchants must be 10 to 1,000,000, got " + merchants);
        }
        if (!(fraudRate >= 0 && fraudRate <= 0.5)) {
            throw new IllegalArgumentException("fraudRate must be in [0, 0.5], got " + fraudRate);
        }
    }

    /** With {@link MerchantCompromise#DEFAULT}: the constructor callers used before the compromise scenario existed. */
    public TrafficProfile(TenantId tenant, String homeCountry, int cardholders, int merchants, double fraudRate) {
        this(tenant, homeCountry, cardholders, merchants, fraudRate, MerchantCompromise.DEFAULT);
    }

    /** 2,000 cardholders in Germany, 300 merchants, the default fraud rate. */
    public static TrafficProfile of(TenantId tenant) {
        return new TrafficProfile(tenant, "DE", 2_000, 300, DEFAULT_FRAUD_RATE, MerchantCompromise.DEFAULT);
    }

    public TrafficProfile withHomeCountry(String code) {
        return new TrafficProfile(tenant, code, cardholders, merchants, fraudRate, compromise);
    }

    public TrafficProfile withCardholders(int count) {
        return new TrafficProfile(tenant, homeCountry, count, merchants, fraudRate, compromise);
    }

    public TrafficProfile withMerchants(int count) {
        return new TrafficProfile(tenant, homeCountry, cardholders, count, fraudRate, compromise);
    }

    public TrafficProfile withFraudRate(double rate) {
        return new TrafficProfile(tenant, homeCountry, cardholders, merchants, rate, compromise);
    }

    public TrafficProfile withCompromise(MerchantCompromise c) {
        return new TrafficProfile(tenant, homeCountry, cardholders, merchants, fraudRate, c);
    }
}
