package io.umbra.events.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The names and order of the features of one schema version. Column {@code i} of an encrypted batch
 * is feature {@code i} of this list, and a model's weight {@code i} multiplies it, so the list is
 * append-only across versions and never reordered within one.
 *
 * <p>Version 1 ({@link #V1}): the features one transaction determines, all in [-1, 1] or a small
 * positive range (see docs/EVENTS.md for the table). Version 2 ({@link #V2}) appends per-card
 * behavioural features (velocity, amount versus the card's history, first-seen merchant / country /
 * device, distance and speed) that ingest computes from its per-card state store. Version 3 ({@link #V3})
 * appends one transaction feature, whether the merchant sells digital goods, where stolen card numbers
 * are tested. {@link #current()}, the default of the library, stays V1; a tenant opts into V2 or V3 in
 * ingest's configuration (the local run and the Kubernetes tenant defaults do).
 */
public record FeatureSchema(String id, int version, List<Feature> features) {
    /** The schema id of transaction feature schemas. */
    public static final String TX = "umbra.tx";

    /** One feature: its name (snake_case, stable) and what it is. */
    public record Feature(String name, String description) {
        public Feature {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
        }
    }

    public static final FeatureSchema V1 = new FeatureSchema(TX, 1, List.of(
            new Feature("log_amount", "ln(1 + amount in major units of its own currency)"),
            new Feature("amount_bucket", "amount in reference-currency units, bucketed at 10, 50, 100, 250, 500, 1000, 5000: bucket index / 7"),
            new Feature("hour_sin", "sin(2π·h/24), h = local hour of day with minutes as a fraction, at the timestamp's own offset"),
            new Feature("hour_cos", "cos(2π·h/24)"),
            new Feature("day_of_week", "(ISO day of week − 1) / 6 at the timestamp's own offset: Monday 0, Sunday 1"),
            new Feature("channel_pos", "1 if channel is POS, else 0"),
            new Feature("channel_ecom", "1 if channel is ECOM, else 0"),
            new Feature("channel_atm", "1 if channel is ATM, else 0"),
            new Feature("mcc_low", "1 if the MCC is in risk group LOW, else 0"),
            new Feature("mcc_medium", "1 if the MCC is in risk group MEDIUM, else 0"),
            new Feature("mcc_high", "1 if the MCC is in risk group HIGH, else 0"),
            new Feature("mcc_travel", "1 if the MCC is in risk group TRAVEL, else 0"),
            new Feature("cross_border", "1 if country differs from cardCountry (else from the tenant's home country), else 0"),
            new Feature("has_device", "1 if deviceId is present, else 0"),
            new Feature("has_coordinates", "1 if latitude and longitude are present, else 0")));

    /**
     * Version 2: {@link #V1}'s 15 features unchanged, then the card's behaviour as ingest's per-card state
     * ({@link CardHistory}) sees it before this transaction, computed by {@link CardFeatures}. Every added
     * feature lies in [0, 1] (a model's worst-case bound relies on that, as on V1's ranges).
     */
    public static final FeatureSchema V2 = v2();

    /**
     * Version 3: {@link #V2}'s 27 features unchanged, then {@code mcc_digital}. Versions 1 and 2 count the digital-goods
     * codes as MEDIUM, with books and streaming: a model cannot tell a burst of one-euro payments for game credits from a
     * card's first e-book. Computed by {@link CardFeatures} (the column needs no card history).
     */
    public static final FeatureSchema V3 = v3();

    /** Every schema this release knows, oldest first. */
    public static final List<FeatureSchema> KNOWN = List.of(V1, V2, V3);

    /** The schema new vectors are written with. */
    public static FeatureSchema current() {
        return V1;
    }

    private static FeatureSchema v2() {
        List<Feature> f = new ArrayList<>(V1.features());
        f.add(new Feature("prior_transactions", "transactions the card had before this one, capped at 32, / 32"));
        f.add(new Feature("count_1h", "the card's earlier transactions with an event time less than 1 h before this one's, / 32"));
        f.add(new Feature("count_24h", "the same within 24 h (the state keeps at most 32), / 32"));
        f.add(new Feature("log_sum_1h", "ln(1 + sum of those within 1 h, in reference-currency units) / ln(1 + 10^7), capped at 1"));
        f.add(new Feature("log_sum_24h", "ln(1 + sum of those within 24 h, in reference-currency units) / ln(1 + 10^7), capped at 1"));
        f.add(new Feature("log_seconds_since_previous",
                "ln(1 + seconds since the card's latest earlier event time, clamped at 0) / ln(1 + 30 days in s), capped at 1; 1 for a first transaction"));
        f.add(new Feature("amount_zscore",
                "(z + 4) / 8, z = (ln(1 + reference amount) − the card's running mean) / max(running std, 0.25), clamped to [−4, 4]; 0.5 before 2 earlier transactions"));
        f.add(new Feature("new_merchant", "1 if the card has history and none of its last 16 merchants is this one, else 0"));
        f.add(new Feature("new_country", "1 if the card has history and none of its last 8 countries is this one, else 0"));
        f.add(new Feature("new_device", "1 if the transaction names a device and the card has history without it among its last 8, else 0"));
        f.add(new Feature("log_distance_km",
                "ln(1 + great-circle km from the card's last located transaction) / ln(1 + 20016); 0 unless both are located"));
        f.add(new Feature("log_speed_kmh",
                "ln(1 + that distance / max(hours between them, 1 minute)) / ln(1 + 20016 · 60); 0 unless both are located"));
        return new FeatureSchema(TX, 2, f);
    }

    private static FeatureSchema v3() {
        List<Feature> f = new ArrayList<>(V2.features());
        f.add(new Feature("mcc_digital", "1 if the MCC is one of digital goods and online services (" + MccRiskGroup.DIGITAL_GOODS_DESCRIPTION
                + "), else 0"));
        return new FeatureSchema(TX, 3, f);
    }

    public FeatureSchema {
        Objects.requireNonNull(id, "id");
        features = List.copyOf(features);
        if (version < 1 || version > 0xFFFF) {
            throw new IllegalArgumentException("feature schema version must be in [1, 65535]");
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("a feature schema needs at least one feature");
        }
        if (features.stream().map(Feature::name).distinct().count() != features.size()) {
            throw new IllegalArgumentException("feature names must be distinct");
        }
    }

    /** Whether {@code version} is a known schema of {@link #TX}: what a setting or option naming a version is checked against. */
    public static boolean isKnownTx(int version) {
        return KNOWN.stream().anyMatch(s -> s.id.equals(TX) && s.version == version);
    }

    /** The known versions of {@link #TX} in words, for refusals: "1, 2 or 3". */
    public static String knownTxVersions() {
        List<String> v = KNOWN.stream().filter(s -> s.id.equals(TX)).map(s -> Integer.toString(s.version)).toList();
        return v.size() == 1 ? v.get(0) : String.join(", ", v.subList(0, v.size() - 1)) + " or " + v.get(v.size() - 1);
    }

    /** The known schema {@code id} version {@code version}, or an {@link IllegalArgumentException}. */
    public static FeatureSchema of(String id, int version) {
        for (FeatureSchema s : KNOWN) {
            if (s.id.equals(id) && s.version == version) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown feature schema " + id + " v" + version + "; known: " + KNOWN.stream()
                .map(s -> s.id + " v" + s.version).toList());
    }

    /** How many features: the number of ciphertexts in a batch. */
    public int dimension() {
        return features.size();
    }

    /** The names in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(features.size());
        for (Feature f : features) {
            names.add(f.name());
        }
        return List.copyOf(names);
    }

    /** The position of {@code name}, or an {@link IllegalArgumentException}. */
    public int indexOf(String name) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("feature schema " + id + " v" + version + " has no feature " + name);
    }
}
