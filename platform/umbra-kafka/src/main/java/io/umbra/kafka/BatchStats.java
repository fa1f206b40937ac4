package io.umbra.kafka;

import java.time.Duration;
import java.util.Map;

/**
 * One committed transaction of an {@link ExactlyOnceProcessor}.
 *
 * @param recordsIn            input records consumed (their offsets committed)
 * @param recordsOut           output records sent by the handler
 * @param recordsDeadLettered  input records sent to dead-letter topics
 * @param deadLetteredByReason the same, by reason code
 * @param latency              from the poll that returned the batch to the commit
 */
public record BatchStats(int recordsIn, int recordsOut, int recordsDeadLettered, Map<String, Integer> deadLetteredByReason,
                         Duration latency) {
    public BatchStats {
        deadLetteredByReason = Map.copyOf(deadLetteredByReason);
    }
}
