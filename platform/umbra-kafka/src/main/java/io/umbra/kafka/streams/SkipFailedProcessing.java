package io.umbra.kafka.streams;

import java.util.Map;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@code processing.exception.handler}: an exception escaping a processor is logged with the
 * input's coordinates (never its payload), counted, and the record skipped. The processors route bad input
 * to the dead-letter topic themselves; this only keeps an unforeseen defect from stopping the partition.
 *
 * <p>What it must never skip: a failure of Kafka itself. When a send times out (a broker gone for longer
 * than {@code delivery.timeout.ms}) and the production handler answers FAIL, Kafka Streams 4.1 raises that
 * failure inside the processor that forwarded the record, so it reaches this handler too. Skipping it would
 * commit the input's offset without its output: a transaction lost under exactly-once. So any
 * {@link KafkaException} other than a serialization error fails the task instead; the stream thread is
 * replaced ({@link StreamThreadFailures}) and the task resumes from its last commit once the broker is back.
 */
public class SkipFailedProcessing implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SkipFailedProcessing.class);

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isKafkaFailure(exception)) {
            LOG.warn("processor {} on {}-{}@{}: Kafka failed ({}); the task stops and resumes from its last commit",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(), exception.toString());
            return ProcessingHandlerResponse.FAIL;
        }
        LOG.error("processor {} failed on {}-{}@{}; record skipped", context.processorNodeId(), context.topic(),
                context.partition(), context.offset(), exception);
        StreamErrors.skip(StreamErrors.Kind.PROCESSING);
        return ProcessingHandlerResponse.CONTINUE;
    }

    /** A failure of the broker or the client, anywhere in the cause chain; not one of a record's content. */
    static boolean isKafkaFailure(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KafkaException && !(t instanceof SerializationException)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
