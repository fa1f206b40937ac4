package io.umbra.kafka;

import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * What a Kafka error means for the exactly-once loop: fenced (another instance took over: stop), fatal
 * (stop), an ACL refused (abort, rewind, wait until the operator grants it), tied to one record (dead-letter
 * that record on the replay), or none of these (abort, rewind, retry the batch).
 */
public final class KafkaErrors {
    /** The text of Kafka's {@code *_AUTHORIZATION_FAILED} errors ("Topic authorization failed.", "Group authorization failed.", ...). */
    private static final Pattern AUTHORIZATION_FAILED = Pattern.compile("(?i)\\bauthorization failed\\b");
    private KafkaErrors() {
    }

    /** Another incarnation of this transactional id, or of this static member, has taken over. */
    public static boolean isFenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fenced, or an error no retry can fix: the loop stops. An authorization refusal is not among them: an
     * operator who grants the missing ACL back expects the service to resume without a restart
     * ({@link #refusal}).
     */
    public static boolean isFatal(Throwable e) {
        if (isFenced(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof UnsupportedVersionException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The broker's refusal of an ACL this client needs (WRITE or READ on a topic, READ on the group, WRITE on the
     * transactional id, the cluster's IDEMPOTENT_WRITE), however the client wrapped it, in one line for readiness and
     * logs: its kind and the broker's message, which names the resource (topic, group, transactional id), never a
     * credential; e.g. {@code TopicAuthorizationException: Not authorized to access topics: [acme.score.results]}. Empty
     * if {@code e} is something else, or a fencing. The transactional producer reports some refusals as a plain
     * {@code KafkaException} with the broker's error text (a refused topic READ when it commits the consumed offsets:
     * "Unexpected error in TxnOffsetCommitResponse: Topic authorization failed."): those count too.
     */
    public static Optional<String> refusal(Throwable e) {
        if (isFenced(e)) {
            return Optional.empty();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException) {
                return Optional.of(oneLine(t));
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KafkaException && t.getMessage() != null && AUTHORIZATION_FAILED.matcher(t.getMessage()).find()) {
                return Optional.of(oneLine(t));
            }
        }
        return Optional.empty();
    }

    private static String oneLine(Throwable t) {
        String message = t.getMessage();
        return DeadLetters.cut(t.getClass().getSimpleName() + (message == null ? "" : ": " + message), 300);
    }

    /** Errors that a replay of the same record would meet again. */
    public static boolean isRecordSpecific(Throwable e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidRecordException || e instanceof InvalidTopicException;
    }

    /** The exception and its cause in one line, for a dead letter's detail: class names and messages, no stack. */
    public static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            b.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            b.append(" (caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                b.append(": ").append(cause.getMessage());
            }
            b.append(')');
        }
        return DeadLetters.cut(b.toString(), DeadLetters.MAX_DETAIL_CHARS);
    }
}
