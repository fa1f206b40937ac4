package io.umbra.he.ckks;

import org.apache.kafka.common.TopicPartition;

/** Test fixture, never production: the engine using a Kafka type, which the engine rule refuses. */
public final class EngineCallingKafkaViolation {
    private EngineCallingKafkaViolation() {
    }

    static String where(TopicPartition partition) {
        return partition.topic();
    }
}
