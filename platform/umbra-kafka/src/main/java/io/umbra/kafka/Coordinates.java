package io.umbra.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Where an input record was read: what strikes and send failures are keyed by. */
record Coordinates(String topic, int partition, long offset) {
    static Coordinates of(ConsumerRecord<?, ?> r) {
        return new Coordinates(r.topic(), r.partition(), r.offset());
    }

    TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
