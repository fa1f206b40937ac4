/**
 * The encrypted batch on the topics the shared scoring pool reads and writes: {@link
 * io.umbra.events.envelope.ScoreRequest} on {@code <t>.score.requests}, {@link
 * io.umbra.events.envelope.ScoreResult} on {@code <t>.score.results}, a small versioned binary format
 * (byte layout in docs/EVENTS.md and on {@link io.umbra.events.envelope.ScoreRequest}). In the clear it
 * carries only what routing and scoring need — tenant, batch id, key version, slot count, feature-schema
 * version, model id, timestamps — never a transaction id or an amount; those are in the sealed manifest.
 *
 * <p>Decoding treats the bytes as hostile: the whole input is bounded first, then every length is
 * checked against the bytes that remain and against {@link io.umbra.events.envelope.EnvelopeLimits}
 * before anything is allocated, and any violation is an {@link
 * io.umbra.events.envelope.EnvelopeFormatException} naming the field and offset.
 */
package io.umbra.events.envelope;
