/**
 * The one exactly-once consume-transform-produce loop of Umbra, on the plain Kafka client: every
 * service hands {@link io.umbra.kafka.ExactlyOnceProcessor} a {@link io.umbra.kafka.RecordHandler}
 * (one input record to an {@link io.umbra.kafka.Outcome}) or a {@link io.umbra.kafka.BatchHandler} (one
 * poll to a {@link io.umbra.kafka.BatchOutcome}), and the processor does the rest:
 * transactions, offsets, rewinds, fencing, and the dead-letter topic ({@link io.umbra.kafka.DeadLetters})
 * for whatever cannot be processed. Metrics hooks: {@link io.umbra.kafka.ProcessorListener}.
 *
 * <p>No Quarkus, no CDI, no event schemas here: payloads are bytes; services decode them in the handler.
 */
package io.umbra.kafka;
