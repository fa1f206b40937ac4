/**
 * The ingest-service (bank zone, one per tenant): the bank's front door, in plaintext, never leaving the
 * bank zone. Raw card transactions come in on {@code <t>.tx.raw} or over HTTP ({@code http}); a Kafka
 * Streams topology ({@code stream}) refuses invalid ones to the dead-letter topic with a reason, drops
 * exact duplicates, and writes each transaction's feature vector ({@link io.umbra.ingest.FeatureExtractor})
 * to {@code <t>.tx.features}. This package holds the domain step, the configuration
 * ({@link io.umbra.ingest.IngestConfig}) and the wiring.
 */
package io.umbra.ingest;
