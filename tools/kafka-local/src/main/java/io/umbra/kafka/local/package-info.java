/**
 * The one broker launcher: a single-node Kafka 4 broker in KRaft mode (combined broker and controller),
 * started from the Maven artifacts alone, for tests and for {@code ./umbra local}.
 *
 * <ul>
 *   <li>{@link io.umbra.kafka.local.EmbeddedKafka}: the broker inside this JVM, with topic creation;</li>
 *   <li>{@link io.umbra.kafka.local.KafkaLocalMain}: the broker as a process ({@code bootstrap=host:port} on stdout);</li>
 *   <li>{@link io.umbra.kafka.local.KafkaLocalTestResource}: the broker for {@code @QuarkusTest}s;</li>
 *   <li>{@link io.umbra.kafka.local.BrokerLogging}: the broker logs WARN and above unless {@code UMBRA_KAFKA_LOG} asks for more.</li>
 * </ul>
 *
 * Never a production broker: one replica, no authentication, no TLS.
 */
package io.umbra.kafka.local;
