/**
 * The features the model sees, defined once for ingest (which computes them), training (which fits on
 * them) and the scorer (whose weights follow their order): {@link io.umbra.events.features.FeatureSchema}
 * names and orders them, {@link io.umbra.events.features.TransactionFeatures} computes the ones one
 * transaction determines (schema 1), {@link io.umbra.events.features.CardFeatures} adds the card's behaviour
 * from its bounded {@link io.umbra.events.features.CardHistory} (schema 2), and
 * {@link io.umbra.events.features.FeatureVector} carries them on
 * {@code <t>.tx.features}. A change of meaning or order is a new schema version, never an edit.
 */
package io.umbra.events.features;
