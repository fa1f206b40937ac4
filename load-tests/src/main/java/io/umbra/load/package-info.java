/**
 * The load harness: drives the pipeline open-loop at a fixed rate and measures what a bank would ask
 * of it — how long from handing a transaction to Kafka until its score is readable, how many scores
 * never came, how many came twice, and how many ciphertext bytes each transaction cost on the shared
 * topics.
 *
 * <p>Pure parts, tested alone: {@link io.umbra.load.SendSchedule} (when each transaction is due),
 * {@link io.umbra.load.TransactionLedger} (produced, scored, duplicates, lost),
 * {@link io.umbra.load.Timeline} (per-second throughput and latency), {@link io.umbra.load.LoadSummary}
 * (the one-line JSON) and {@link io.umbra.load.LoadReport} (Markdown and HTML). The Kafka edge is
 * {@link io.umbra.load.LoadRun}.
 */
package io.umbra.load;
