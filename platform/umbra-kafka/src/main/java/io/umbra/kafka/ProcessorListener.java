package io.umbra.kafka;

import java.util.Collection;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * What an {@link ExactlyOnceProcessor} reports, for metrics (bind the counters to Micrometer in the
 * service) and logs. Called on the processor's thread: keep it quick. A listener that throws is logged
 * and otherwise ignored.
 */
public interface ProcessorListener {
    ProcessorListener NONE = new ProcessorListener() {
    };

    /**
     * The processor created its clients, before its loop starts: bind their metrics here (consumer lag
     * above all, e.g. Micrometer's {@code KafkaClientMetrics}). Never poll, send or commit with them. Called again
     * with a new producer when a refused ACL left the old one unusable (bind anew, releasing the old one's meters).
     */
    default void clientsCreated(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
    }

    /** A transaction committed: count records in, out and dead-lettered, and time the batch. */
    default void batchCommitted(BatchStats stats) {
    }

    /** A transaction was aborted; its {@code records} will be consumed again. */
    default void batchAborted(int records, Throwable cause) {
    }

    /** The group gave this instance these partitions. */
    default void partitionsAssigned(Collection<TopicPartition> partitions) {
    }

    /** These partitions were taken away (or lost). */
    default void partitionsRevoked(Collection<TopicPartition> partitions) {
    }

    /** The processor stopped: {@code failure} is null after {@link ExactlyOnceProcessor#stop()}, else why it gave up. */
    default void stopped(Throwable failure) {
    }
}
