/**
 * End-to-end tracing across the hops: W3C trace context in Kafka record headers, a batch span that links its
 * transactions, spans exported over OTLP when configured ({@link io.umbra.kafka.tracing.HopTracing}).
 */
package io.umbra.kafka.tracing;
