/**
 * What banks produce on {@code <t>.tx.raw} and POST to ingest: the {@link io.umbra.events.tx.RawTransaction}
 * JSON, and the {@link io.umbra.events.tx.TransactionValidator} that turns untrusted bytes into either
 * a valid transaction or a list of {@link io.umbra.events.tx.Violation}s with machine-readable
 * {@link io.umbra.events.tx.ReasonCode}s (what ingest writes to {@code <t>.tx.dlq} and returns as HTTP 400).
 * The JSON is documented with examples in docs/EVENTS.md.
 */
package io.umbra.events.tx;
