package io.umbra.events.envelope;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The constants of the envelope byte layout (docs/EVENTS.md, "Envelope byte layout"). All integers are
 * big-endian; lengths are unsigned; times are signed 64-bit microseconds since 1970-01-01T00:00Z.
 */
public final class EnvelopeFormat {
    /** "UMBE" in ASCII: Umbra batch envelope. */
    public static final int MAGIC = 0x554D4245;
    /** The layout this release writes and reads for public bundles (kinds 3 and 4) and withdrawals (kind 5). */
    public static final int VERSION = 1;
    /**
     * The layout of score requests and results (kinds 1 and 2): version 2 carries the encrypt-service's
     * batch signature ({@link BatchSignature}). Version 1 batches were unsigned and are refused by name.
     */
    public static final int BATCH_VERSION = 2;
    /** The kind byte of a {@link ScoreRequest}. */
    public static final int KIND_SCORE_REQUEST = 1;
    /** The kind byte of a {@link ScoreResult}. */
    public static final int KIND_SCORE_RESULT = 2;
    /** The kind byte of a {@link PublicBundle}. */
    public static final int KIND_PUBLIC_BUNDLE = 3;
    /** The kind byte of a {@link SignedBundle}: a public bundle with its key-service's signature and validity. */
    public static final int KIND_SIGNED_BUNDLE = 4;
    /** The kind byte of a {@link SignedWithdrawal}: a key-service's signed statement that a key version is gone. */
    public static final int KIND_SIGNED_WITHDRAWAL = 5;
    /** The kind byte of the content a batch signature covers ({@link BatchSignature#contentToSign}); never a record. */
    static final int KIND_BATCH_SIGNED_CONTENT = 0x81;
    /** Times must lie in [1970-01-01, 10000-01-01). */
    static final Instant MAX_TIME = Instant.parse("+10000-01-01T00:00:00Z");

    private EnvelopeFormat() {
    }

    /** The format version this release reads and writes for {@code kind}. */
    static int versionOf(int kind) {
        return kind == KIND_SCORE_REQUEST || kind == KIND_SCORE_RESULT || kind == KIND_BATCH_SIGNED_CONTENT ? BATCH_VERSION : VERSION;
    }

    /**
     * The kind byte of an envelope, or -1 if {@code bytes} is too short or not an Umbra envelope: lets a
     * reader of a topic that carries two kinds (bundles and withdrawals) route before decoding.
     */
    public static int kindOf(byte[] bytes) {
        if (bytes == null || bytes.length < 6) {
            return -1;
        }
        int magic = (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF;
        return magic == MAGIC ? bytes[5] & 0xFF : -1;
    }

    static String kindName(int kind) {
        return switch (kind) {
            case KIND_SCORE_REQUEST -> "ScoreRequest";
            case KIND_SCORE_RESULT -> "ScoreResult";
            case KIND_PUBLIC_BUNDLE -> "PublicBundle";
            case KIND_SIGNED_BUNDLE -> "SignedBundle";
            case KIND_SIGNED_WITHDRAWAL -> "SignedWithdrawal";
            case KIND_BATCH_SIGNED_CONTENT -> "batch signature content";
            default -> "unknown kind " + kind;
        };
    }

    /** {@code t} truncated to microseconds, or an {@link IllegalArgumentException} if outside the range. */
    static Instant checkTime(String field, Instant t) {
        if (t == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (t.isBefore(Instant.EPOCH) || !t.isBefore(MAX_TIME)) {
            throw new IllegalArgumentException(field + " must lie between 1970 and the year 10000");
        }
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    static long toMicros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
