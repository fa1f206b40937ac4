package io.umbra.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The inputs whose last attempt failed in a way a replay cannot fix (the broker refused their outputs, or
 * even their dead letter, for good), and what to send for them instead when the aborted batch is replayed:
 * a dead letter, and on a second refusal one without the payload. Kept on the processor's thread only;
 * an input is forgotten once a batch holding it commits or its partition is revoked.
 */
final class Strikes {
    /** What the replay sends for a struck input. */
    record Strike(String reason, String detail, boolean omitPayload) {
    }

    /**
     * A send that failed: of an output ({@code deadLetterReason} null) or of a dead letter.
     */
    record SendFailure(Exception error, String deadLetterReason, String deadLetterDetail) {
    }

    private final Map<Coordinates, Strike> byRecord = new HashMap<>();

    /** What to send for {@code record} instead of handling it, or null. */
    Strike of(ConsumerRecord<byte[], byte[]> record) {
        return byRecord.get(Coordinates.of(record));
    }

    /**
     * Strikes {@code at} for a failure a replay would meet again: its outputs refused means its dead letter
     * next time; its dead letter refused means one without the payload; that refused too is fatal.
     */
    void strike(Coordinates at, SendFailure f) {
        Strike old = byRecord.get(at);
        if (f.deadLetterReason() == null) {
            byRecord.put(at, new Strike(DeadLetters.OUTPUT_REJECTED, KafkaErrors.describe(f.error()), false));
        } else if (old == null || !old.omitPayload()) {
            byRecord.put(at, new Strike(f.deadLetterReason(), f.deadLetterDetail() + " (payload omitted: "
                    + KafkaErrors.describe(f.error()) + ")", true));
        } else {
            throw new IllegalStateException("the dead-letter topic refuses even the payload-free dead letter of " + at
                    + ": " + KafkaErrors.describe(f.error()), f.error());
        }
    }

    /** The batch holding these records committed: their strikes are settled. */
    void committed(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            byRecord.remove(Coordinates.of(record));
        }
    }

    /** These partitions went to another instance: it decides afresh. */
    void forget(Collection<TopicPartition> partitions) {
        byRecord.keySet().removeIf(c -> partitions.contains(c.topicPartition()));
    }
}
