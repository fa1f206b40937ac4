package io.umbra.kafka.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.umbra.kafka.KafkaErrors;

/**
 * What happens when a stream thread dies of something the record handlers do not cover (a state store
 * error, an unexpected broker error, a fenced producer, an output the broker refuses for a missing ACL): the
 * thread is replaced and resumes from the last committed transaction, so the service recovers by itself
 * instead of idling in ERROR behind a green liveness. Exactly-once holds: the dead thread's open transaction
 * is aborted when it closes, and its replacement replays from the committed offsets, so nothing is skipped.
 *
 * <p>Failures in a row are backed off: the dying thread sleeps {@link #FIRST_BACKOFF}, doubling up to
 * {@link #MAX_BACKOFF}, before it answers {@code REPLACE_THREAD} (a failure after {@link #QUIET} without one starts
 * again at {@link #FIRST_BACKOFF}). A cause that does not go away (a revoked ACL) thus costs one replacement
 * and one log line every 30 s, not a tight replace loop; the full stack is logged for the first failure of a
 * run only. The sleep is on the dying thread, whose tasks and uncommittable transaction stay with it
 * meanwhile; it ends early when Kafka Streams shuts down ({@link #stopWaiting}).
 *
 * <p>{@link #notAuthorized()} says, for readiness, while the broker keeps refusing the stream an ACL.
 */
@ApplicationScoped
public class StreamThreadFailures {
    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);

    /** The back-off after the first failure of a run. */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** The longest back-off. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A failure this long after the previous one starts a new run (back-off {@link #FIRST_BACKOFF}). */
    public static final Duration QUIET = Duration.ofMinutes(1);
    /**
     * How long Kafka Streams must have been RUNNING since the latest refusal before readiness forgets it: a
     * replacement thread that is still refused meets the refusal again within a second or two of running (it
     * replays the uncommitted input first).
     */
    public static final Duration SETTLED = Duration.ofSeconds(10);

    private final LongSupplier nanoTime;
    private final CountDownLatch closing = new CountDownLatch(1);
    private boolean failedBefore;
    private long lastFailure;
    private long backoff;
    private String refusal;
    private int inARow;
    private boolean running;
    private long runningSince;

    public StreamThreadFailures() {
        this(System::nanoTime);
    }

    /** With {@code nanoTime} as the clock (tests). */
    StreamThreadFailures(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Produces
    StreamsUncaughtExceptionHandler replaceThread() {
        return exception -> {
            Duration wait = failed(exception);
            if (inARow() == 1) {
                LOG.error("a Kafka Streams thread failed; replacing it in {} ms (it resumes from the last committed transaction)",
                        wait.toMillis(), exception);
            } else {
                LOG.error("a Kafka Streams thread failed again ({} in a row: {}); replacing it in {} ms", inARow(),
                        KafkaErrors.describe(exception), wait.toMillis());
            }
            try {
                closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    /**
     * Records a thread's failure {@code e}: when, and whether it is the broker's refusal of an ACL
     * ({@link KafkaErrors#refusal}); returns how long to wait before replacing the thread.
     */
    synchronized Duration failed(Throwable e) {
        long now = nanoTime.getAsLong();
        if (!failedBefore || now - lastFailure > QUIET.toNanos()) {
            backoff = FIRST_BACKOFF.toNanos();
            inARow = 1;
        } else {
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
            inARow++;
        }
        failedBefore = true;
        lastFailure = now;
        refusal = KafkaErrors.refusal(e).orElse(null);
        return Duration.ofNanos(backoff);
    }

    /** Failures in this run (0 before the first). */
    synchronized int inARow() {
        return inARow;
    }

    /**
     * The broker's refusal ({@link KafkaErrors#refusal}, one line naming the resource, never a credential) while it
     * keeps coming: the latest thread failure was a refusal, and Kafka Streams has not been RUNNING for
     * {@link #SETTLED} since (a replaced thread first waits to rejoin the group, up to the session timeout, then
     * replays the uncommitted input and meets the refusal again, so a time window alone would let readiness
     * flicker UP in between). Once the ACL is granted back, the replacement runs without failing and this is empty
     * {@link #SETTLED} after it reached RUNNING. Empty after a failure of another kind.
     */
    public synchronized Optional<String> notAuthorized() {
        if (refusal != null && running && runningSince - lastFailure > 0
                && nanoTime.getAsLong() - runningSince >= SETTLED.toNanos()) {
            refusal = null;
        }
        return Optional.ofNullable(refusal);
    }

    /** Kafka Streams' state changed to {@code next} (from {@link StreamsHealth}'s state listener). */
    public synchronized void state(KafkaStreams.State next) {
        boolean nowRunning = next == KafkaStreams.State.RUNNING;
        if (nowRunning && !running) {
            runningSince = nanoTime.getAsLong();
        }
        running = nowRunning;
        if (next == KafkaStreams.State.PENDING_SHUTDOWN || next == KafkaStreams.State.PENDING_ERROR) {
            stopWaiting();
        }
    }

    /** Kafka Streams is shutting down: a dying thread waiting to be replaced stops waiting. */
    public void stopWaiting() {
        closing.countDown();
    }
}
