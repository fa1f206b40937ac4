package io.umbra.kafka.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** The back-off and the readiness decision of a Streams service whose threads keep failing; a fake clock, no broker. */
class StreamThreadFailuresTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final StreamThreadFailures failures = new StreamThreadFailures(now::get);

    private static StreamsException refused(String topic) {
        return new StreamsException("Error encountered sending record to topic " + topic,
                new TopicAuthorizationException(Set.of(topic)));
    }

    private void after(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void failuresInARowBackOffFromOneSecondDoublingToThirtyAndStartAgainAfterAQuietMinute() {
        long[] expected = {1, 2, 4, 8, 16, 30, 30};
        for (long seconds : expected) {
            assertEquals(Duration.ofSeconds(seconds), failures.failed(new StreamsException("x", new TimeoutException("t"))));
            after(Duration.ofSeconds(seconds + 5));   // the wait, then the replacement runs a while and fails again
        }
        assertEquals(expected.length, failures.inARow());
        after(Duration.ofSeconds(61));
        assertEquals(Duration.ofSeconds(1), failures.failed(new StreamsException("x")), "a new run after a quiet minute");
        assertEquals(1, failures.inARow());
    }

    @Test
    void aRefusalIsNamedWhileItKeepsComingAndForgottenOnceAReplacementRunsWithoutIt() {
        failures.state(KafkaStreams.State.REBALANCING);
        failures.state(KafkaStreams.State.RUNNING);
        after(Duration.ofMinutes(5));
        assertEquals(Optional.empty(), failures.notAuthorized(), "nothing failed yet");
        // refused again and again: each replacement waits out its back-off and the session timeout, runs, is refused
        for (int i = 0; i < 8; i++) {
            Duration wait = failures.failed(refused("acme.tx.features"));
            Optional<String> why = failures.notAuthorized();
            assertTrue(why.isPresent(), "refused " + (i + 1) + " times");
            assertTrue(why.get().contains("TopicAuthorizationException") && why.get().contains("acme.tx.features"), why.get());
            after(wait.plusSeconds(45));   // the dead thread's client stays RUNNING while the replacement rejoins
            assertTrue(failures.notAuthorized().isPresent(), "still refused while the replacement rejoins");
            failures.state(KafkaStreams.State.REBALANCING);
            after(Duration.ofSeconds(1));
            failures.state(KafkaStreams.State.RUNNING);
            after(Duration.ofSeconds(1));
            assertTrue(failures.notAuthorized().isPresent(), "still refused as the replacement starts running");
        }
        // the ACL is back: the replacement runs without failing
        after(StreamThreadFailures.SETTLED.minusSeconds(2));
        assertTrue(failures.notAuthorized().isPresent(), "not yet settled");
        after(Duration.ofSeconds(2));
        assertEquals(Optional.empty(), failures.notAuthorized(), "settled");
        failures.state(KafkaStreams.State.REBALANCING);
        assertEquals(Optional.empty(), failures.notAuthorized(), "forgotten, not brought back by a rebalance");
    }

    @Test
    void aRefusalStaysNamedWhileStreamsDoesNotRunAgain() {
        failures.state(KafkaStreams.State.RUNNING);
        failures.failed(refused("acme.alerts"));
        after(Duration.ofMinutes(10));
        assertTrue(failures.notAuthorized().isPresent(), "the client still says RUNNING from before the failure");
        failures.state(KafkaStreams.State.REBALANCING);
        after(Duration.ofMinutes(10));
        assertTrue(failures.notAuthorized().isPresent(), "the replacement never got its tasks");
    }

    @Test
    void aFailureOfAnotherKindIsNotARefusal() {
        failures.failed(refused("acme.alerts"));
        failures.failed(new StreamsException("store", new IllegalStateException("boom")));
        assertEquals(Optional.empty(), failures.notAuthorized());
    }

    @Test
    void readyOnlyWhenRunningAndNotRefused() {
        assertTrue(StreamsHealth.ready(KafkaStreams.State.RUNNING, true, Optional.empty()));
        assertTrue(StreamsHealth.ready(KafkaStreams.State.REBALANCING, true, Optional.empty()));
        assertFalse(StreamsHealth.ready(KafkaStreams.State.REBALANCING, false, Optional.empty()));
        assertFalse(StreamsHealth.ready(KafkaStreams.State.RUNNING, true, Optional.of("TopicAuthorizationException: ...")));
        assertFalse(StreamsHealth.ready(KafkaStreams.State.REBALANCING, true, Optional.of("TopicAuthorizationException: ...")));
        assertFalse(StreamsHealth.ready(KafkaStreams.State.ERROR, true, Optional.empty()));
        assertFalse(StreamsHealth.ready(null, false, Optional.empty()));
    }
}
