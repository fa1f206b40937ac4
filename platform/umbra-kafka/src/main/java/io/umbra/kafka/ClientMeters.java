package io.umbra.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Publishes a processor's Kafka client metrics to Micrometer, consumer lag first among them
 * ({@code kafka_consumer_fetch_manager_records_lag_max}, per partition {@code ..._records_lag}): what an
 * operator (and KEDA) watches. A service's {@link ProcessorListener} calls {@link #bind} from
 * {@link ProcessorListener#clientsCreated}. Needs micrometer-core on the classpath (every Quarkus service
 * with quarkus-micrometer has it).
 */
public final class ClientMeters implements AutoCloseable {
    private final MeterRegistry registry;
    private KafkaClientMetrics consumerMetrics;
    private KafkaClientMetrics producerMetrics;

    public ClientMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Binds these clients' metrics, releasing those of clients bound before (a restarted processor). */
    public synchronized void bind(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer) {
        close();
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
    }

    @Override
    public synchronized void close() {
        if (consumerMetrics != null) {
            consumerMetrics.close();
            consumerMetrics = null;
        }
        if (producerMetrics != null) {
            producerMetrics.close();
            producerMetrics = null;
        }
    }
}
