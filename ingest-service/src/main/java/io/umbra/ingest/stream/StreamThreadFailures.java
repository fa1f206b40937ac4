package io.umbra.ingest.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * What happens when a stream thread dies of something the record handlers do not cover (a state store
 * error, an unexpected broker error): the thread is replaced and resumes from the last commit, so the
 * service recovers by itself instead of idling in state ERROR. Exactly-once holds: the dead thread's open
 * transaction is aborted.
 */
@ApplicationScoped
public class StreamThreadFailures {
    private static final Logger LOG = Logger.getLogger(StreamThreadFailures.class);

    @Produces
    StreamsUncaughtExceptionHandler replaceThread() {
        return exception -> {
            LOG.errorf(exception, "a Kafka Streams thread failed; replacing it (it resumes from the last committed offsets)");
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }
}
