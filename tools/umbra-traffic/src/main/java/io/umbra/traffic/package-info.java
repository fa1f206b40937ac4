/**
 * Synthetic card traffic for a tenant: a population of cardholders with habits (home country, usual
 * merchants and categories, spending level, hours of the day), the transactions they make, and planted
 * frauds of five kinds, each labelled. {@link io.umbra.traffic.TrafficGenerator} is deterministic for a
 * seed and the instants it is asked for; {@link io.umbra.traffic.TrafficProducer} sends its output to
 * {@code <t>.tx.raw} at a steady rate.
 *
 * <p>The label of a planted fraud stays beside the transaction ({@link io.umbra.traffic.LabelledTransaction});
 * the JSON a bank would send, and which goes to Kafka, is the plain {@code RawTransaction}.
 */
package io.umbra.traffic;
