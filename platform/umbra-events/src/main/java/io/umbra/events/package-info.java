/**
 * Every Kafka topic and every event Umbra's services exchange, defined once. A service names a topic
 * only through {@link io.umbra.events.Topics}, reads and writes JSON only through
 * {@link io.umbra.events.EventJson}, and treats every byte it consumes as hostile: each decoder here
 * bounds its input before it allocates and fails with an {@link io.umbra.events.EventFormatException}
 * (never an index error, never an out-of-memory).
 *
 * <p>Subpackages, in the order data flows: {@code tx} (what banks produce, and its validator),
 * {@code features} (the feature schema and the vector on {@code <t>.tx.features}), {@code manifest}
 * (the plaintext batch manifest, its HPKE associated data, the sealed form), {@code envelope} (the
 * binary {@code ScoreRequest} / {@code ScoreResult} on the topics the shared scoring pool reads and
 * writes), {@code score} (decrypted scores and alerts). This module has no Kafka client, no Quarkus
 * and no HE engine: ciphertexts are opaque SEAL bytes here.
 */
package io.umbra.events;
