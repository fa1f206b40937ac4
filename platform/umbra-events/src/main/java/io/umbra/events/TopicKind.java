package io.umbra.events;

/**
 * The per-tenant topics, each named {@code <tenant>.<suffix>}. Dead-letter topics are one per consuming
 * stage, named after the stage, so a record that one service cannot process lands next to that service's
 * input and can be replayed there.
 */
public enum TopicKind {
    /** Raw transactions as banks produce them (JSON {@code RawTransaction}); read by ingest-service. */
    TX_RAW("tx.raw", false),
    /** Validated transactions as feature vectors (JSON {@code FeatureVector}); read by encrypt-service. */
    TX_FEATURES("tx.features", false),
    /** What ingest-service refused (the original bytes, the reason in {@code DeadLetter} headers). */
    TX_DLQ("tx.dlq", false),
    /** What encrypt-service could not batch or encrypt. */
    ENCRYPT_DLQ("encrypt.dlq", false),
    /** Encrypted batches (binary {@code ScoreRequest}); read by the shared scoring pool. */
    SCORE_REQUESTS("score.requests", true),
    /** Encrypted scores (binary {@code ScoreResult}); written by the scoring pool, read by key-service. */
    SCORE_RESULTS("score.results", true),
    /** Score requests the scoring pool could not score: envelopes only, still ciphertext. */
    SCORE_DLQ("score.dlq", true),
    /** Score results key-service could not decrypt or whose manifest did not open. */
    DECRYPT_DLQ("decrypt.dlq", false),
    /** Decrypted scores (JSON {@code Score}), bank zone; read by alert-service. */
    SCORES("scores", false),
    /** Alerts and their status changes (JSON {@code Alert}), for case systems. */
    ALERTS("alerts", false),
    /** Scores alert-service could not process. */
    ALERT_DLQ("alert.dlq", false),
    /** Every key operation of the tenant's key-service. */
    AUDIT("audit", false),
    /**
     * The key-service's replay set: batch id → key version and input position of its first decryption,
     * written in the decrypt transaction, compacted, read back at start, withdrawn with the key version.
     */
    DECRYPTED("decrypted", false);

    private final String suffix;
    private final boolean scoringZone;

    TopicKind(String suffix, boolean scoringZone) {
        this.suffix = suffix;
        this.scoringZone = scoringZone;
    }

    /** What follows {@code <tenant>.} in the topic name. */
    public String suffix() {
        return suffix;
    }

    /**
     * Whether the shared scoring pool reads or writes this topic. Such a topic carries ciphertext
     * envelopes only, and gets the raised {@code max.message.bytes} of {@link #maxMessageBytes()}.
     */
    public boolean scoringZone() {
        return scoringZone;
    }

    /**
     * Whether the topic is one of the two ciphertext streams between the bank zone and the pool
     * ({@link #SCORE_REQUESTS}, {@link #SCORE_RESULTS}): about 25 KB per transaction, read within seconds,
     * kept {@link Topics#CIPHERTEXT_RETENTION_MS} instead of Kafka's week (docs/RELIABILITY.md).
     */
    public boolean ciphertextStream() {
        return this == SCORE_REQUESTS || this == SCORE_RESULTS;
    }

    /**
     * The topic's {@code max.message.bytes}: {@link Topics#SCORE_TOPIC_MAX_MESSAGE_BYTES} on the
     * scoring-zone topics (one encrypted batch per record), Kafka's default 1,048,588 elsewhere.
     */
    public int maxMessageBytes() {
        return scoringZone ? Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES : Topics.KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
    }

    /** Whether the topic is compacted (the last record per key is kept) rather than deleted by age. */
    public boolean compacted() {
        return this == DECRYPTED;
    }

    /** The kind whose suffix is {@code suffix}, or null. */
    public static TopicKind ofSuffix(String suffix) {
        for (TopicKind k : values()) {
            if (k.suffix.equals(suffix)) {
                return k;
            }
        }
        return null;
    }
}
