/**
 * {@code umbra produce} and {@code umbra dlq}: a bank's own transactions onto {@code <t>.tx.raw} with the producer
 * settings docs/EVENTS.md recommends, and what ingest dead-lettered, with its reasons, back out.
 */
package io.umbra.cli.produce;
