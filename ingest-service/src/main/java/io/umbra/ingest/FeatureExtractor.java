package io.umbra.ingest;

import io.umbra.events.features.CardFeatures;
import io.umbra.events.features.CardHistory;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.features.TransactionFeatures;
import io.umbra.events.tx.RawTransaction;

/**
 * The feature step of ingest: one validated, first-seen transaction in, its feature vector out, in the
 * tenant's configured schema version ({@code UMBRA_FEATURE_SCHEMA_VERSION}).
 *
 * <ul>
 *   <li>V1 (the default): every feature is determined by the transaction alone, computed by umbra-events'
 *       {@link TransactionFeatures}, the code training uses too.</li>
 *   <li>V2: V1 plus the card's behaviour, computed by umbra-events' {@link CardFeatures} from the card's
 *       {@link CardHistory}, which the topology keeps in a per-card state store (training runs the same class
 *       over the card's transactions in stream order).</li>
 * </ul>
 */
public final class FeatureExtractor {
    private final FeatureSchema schema;
    private final TransactionFeatures transactionFeatures;
    private final CardFeatures cardFeatures;

    /** V1, the default. */
    public FeatureExtractor(String homeCountry, ReferenceRates rates) {
        this(homeCountry, rates, FeatureSchema.V1.version());
    }

    /** {@code schemaVersion} 1, 2 or 3; anything else is an {@link IllegalArgumentException} naming the known ones. */
    public FeatureExtractor(String homeCountry, ReferenceRates rates, int schemaVersion) {
        this.schema = FeatureSchema.of(FeatureSchema.TX, schemaVersion);
        this.transactionFeatures = new TransactionFeatures(homeCountry, rates);
        this.cardFeatures = schema.equals(FeatureSchema.V1) ? null : new CardFeatures(schema, homeCountry, rates);
    }

    /** The schema of the vectors this step writes. */
    public FeatureSchema schema() {
        return schema;
    }

    /** Whether the vectors need the card's history (V2, V3): the topology then keys by card and keeps a store. */
    public boolean needsCardHistory() {
        return cardFeatures != null;
    }

    /** The V1 feature vector of {@code transaction}, keyed downstream by its card id. */
    public FeatureVector extract(RawTransaction transaction) {
        return transactionFeatures.vector(transaction);
    }

    /** The V2 or V3 feature vector of {@code transaction} against {@code history}, which is then advanced past it. */
    public FeatureVector extract(CardHistory history, RawTransaction transaction, long wallClockMs) {
        if (cardFeatures == null) {
            throw new IllegalStateException("feature schema 1 keeps no card history");
        }
        return cardFeatures.next(history, transaction, wallClockMs);
    }
}
