package io.umbra.ingest;

import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.features.TransactionFeatures;
import io.umbra.events.tx.RawTransaction;

/**
 * The feature step of ingest: one validated, first-seen transaction in, its feature vector out.
 *
 * <p>Today every feature is determined by the transaction alone ({@link FeatureSchema#V1}, computed by
 * umbra-events' {@link TransactionFeatures}, the code training uses too). Per-card behavioural features
 * (velocity, amount against the card's history) will need the card's recent past: this class is where that
 * state will be read and updated, which is why the topology calls it after deduplication, per card.
 */
public final class FeatureExtractor {
    private final TransactionFeatures features;

    public FeatureExtractor(String homeCountry, ReferenceRates rates) {
        this.features = new TransactionFeatures(homeCountry, rates);
    }

    /** The schema of the vectors this step writes. */
    public FeatureSchema schema() {
        return features.schema();
    }

    /** The feature vector of {@code transaction}, keyed downstream by its card id. */
    public FeatureVector extract(RawTransaction transaction) {
        return features.vector(transaction);
    }
}
