/**
 * The ingest-service's HTTP face: {@code POST /transactions}
 * ({@link io.umbra.ingest.http.TransactionResource}) for banks that submit over HTTP instead of producing
 * to Kafka. Each submitted transaction is published unchanged to {@code <t>.tx.raw}
 * ({@link io.umbra.ingest.http.RawTransactionPublisher}), so HTTP and Kafka input take exactly the same
 * path through validation and deduplication; the answer reports per transaction whether it was accepted
 * ({@link io.umbra.ingest.http.SubmissionReport}).
 */
package io.umbra.ingest.http;
