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
    void aRefusalIsNamedWhileItKeepsComingAndForgottenOnceItStops() {
        assertEquals(Optional.empty(), failures.notAuthorized(), "nothing failed yet");
        failures.failed(refused("acme.tx.features"));
        Optional<String> why = failures.notAuthorized();
        assertTrue(why.isPresent());
        assertTrue(why.get().contains("TopicAuthorizationException") && why.get().contains("acme.tx.features"), why.get());
        // refusals every replacement: still named between two of them, however long the back-off grew
        for (int i = 0; i < 8; i++) {
            Duration wait = failures.failed(refused("acme.tx.features"));
            after(wait.plusSeconds(5));
            assertTrue(failures.notAuthorized().isPresent(), "refused " + (i + 2) + " times, " + wait + " back-off");
        }
        // the ACL is back: the replacement no longer fails, and the refusal is forgotten after 2 x 30 s
        after(Duration.ofSeconds(56));
        assertFalse(failures.notAuthorized().isPresent());
    }

    @Test
    void aShortRunOfRefusalsIsForgottenAfterTheMinimumWindow() {
        failures.failed(refused("acme.alerts"));
        after(StreamThreadFailures.MIN_REFUSAL_WINDOW.minusSeconds(1));
        assertTrue(failures.notAuthorized().isPresent());
        after(Duration.ofSeconds(2));
        assertFalse(failures.notAuthorized().isPresent());
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
