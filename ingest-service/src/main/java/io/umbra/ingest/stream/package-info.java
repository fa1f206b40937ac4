/**
 * The ingest-service's Kafka Streams topology ({@link io.umbra.ingest.stream.IngestTopology}): screen
 * each raw record ({@link io.umbra.ingest.stream.ScreeningProcessor}), drop duplicates by transaction id
 * ({@link io.umbra.ingest.stream.DuplicateFilter}), compute features
 * ({@link io.umbra.ingest.stream.FeatureProcessor}). Whatever cannot be processed goes to
 * {@code <t>.tx.dlq} with the original bytes and a reason ({@link io.umbra.ingest.stream.DeadLetters});
 * unreadable, unprocessable and unwritable records are skipped by their handlers so a partition never
 * stops, and stream-thread failures and readiness are reported to health checks.
 */
package io.umbra.ingest.stream;
