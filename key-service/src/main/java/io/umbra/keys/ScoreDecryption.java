package io.umbra.keys;

import io.umbra.events.score.Score;

import java.util.List;
import java.util.UUID;

/** What became of one encrypted result: a score per transaction, or a refusal with a dead-letter reason. */
public sealed interface ScoreDecryption {

    /**
     * The batch's scores, one per manifest slot, in slot order; {@code keyVersion} is the version that decrypted them,
     * {@code position} where the batch was read (null outside a topic): what the replay log records.
     */
    record Scores(int keyVersion, List<Score> scores, UUID batchId, String position) implements ScoreDecryption {
        public Scores {
            scores = List.copyOf(scores);
        }
    }

    /**
     * Not decrypted. {@code reason} is the dead-letter code; {@code detail} names the check that failed,
     * never a transaction, a slot value or key material.
     */
    record Refused(String reason, String detail) implements ScoreDecryption {
    }
}
