package io.umbra.kafka.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a stream thread dies of something the record handlers do not cover (a state store
 * error, an unexpected broker error, a fenced producer): the thread is replaced and resumes from the last
 * committed transaction, so the service recovers by itself instead of idling in ERROR behind a green
 * liveness. Exactly-once holds: the dead thread's open transaction is aborted.
 */
@ApplicationScoped
public class StreamThreadFailures {
    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);

    @Produces
    StreamsUncaughtExceptionHandler replaceThread() {
        return exception -> {
            LOG.error("a Kafka Streams thread failed; replacing it (it resumes from the last committed transaction)", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }
}
