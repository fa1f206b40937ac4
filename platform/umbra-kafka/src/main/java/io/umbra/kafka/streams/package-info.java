/**
 * The Kafka Streams glue both Streams services (ingest, alert) share, so it exists once: the exception
 * handlers Kafka Streams instantiates by class name ({@link io.umbra.kafka.streams.SkipUnreadableRecords},
 * {@link io.umbra.kafka.streams.SkipFailedProcessing}, {@link io.umbra.kafka.streams.SkipRefusedOutput},
 * counted in {@link io.umbra.kafka.streams.StreamErrors}), and three CDI beans: the Streams health checks
 * ({@link io.umbra.kafka.streams.StreamsHealth}), the replacement of a dead stream thread
 * ({@link io.umbra.kafka.streams.StreamThreadFailures}) and the JSON mapper configuration
 * ({@link io.umbra.kafka.streams.EventJsonCustomizer}).
 *
 * <p>The CDI beans become beans only in a service that indexes this jar
 * ({@code quarkus.index-dependency.umbra-kafka.*} in its application.properties): the Streams services do;
 * of the services on {@link io.umbra.kafka.ExactlyOnceProcessor} only the key-service does, for the JSON
 * mapper, and it excludes the Streams health and thread beans ({@code quarkus.arc.exclude-types}). The Quarkus, CDI, health and Streams dependencies are optional: every Streams service has them.
 */
package io.umbra.kafka.streams;
