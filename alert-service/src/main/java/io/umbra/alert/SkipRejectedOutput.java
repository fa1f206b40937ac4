package io.umbra.alert;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kafka Streams' production exception handler: an output the broker refuses for good (too large, an invalid
 * record) is skipped with a log line and a count instead of stopping the stream, so one poison output cannot
 * block a partition. Everything else (the broker away, a timeout) fails the task, which Kafka Streams retries
 * from the last committed transaction: nothing is lost there. Kafka Streams instantiates this class itself, so
 * the count lives here and {@link AlertMetrics} reads it.
 */
public class SkipRejectedOutput implements ProductionExceptionHandler {
    private static final Logger LOG = Logger.getLogger(SkipRejectedOutput.class);
    private static final AtomicLong SKIPPED = new AtomicLong();

    static long skipped() {
        return SKIPPED.get();
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        if (exception instanceof RecordTooLargeException || exception instanceof InvalidRecordException
                || exception instanceof InvalidTopicException) {
            return skip(context, record, exception);
        }
        return ProductionExceptionHandlerResponse.FAIL;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context, ProducerRecord record,
                                                                           Exception exception, SerializationExceptionOrigin origin) {
        return skip(context, record, exception instanceof SerializationException ? exception : new SerializationException(exception));
    }

    private static ProductionExceptionHandlerResponse skip(ErrorHandlerContext context, ProducerRecord<?, ?> record, Exception e) {
        SKIPPED.incrementAndGet();
        // topic and position only: the payload is a bank's data and never goes to a log
        LOG.warnf("output to %s skipped (%s: %s); input was %s-%d@%d", record.topic(), e.getClass().getSimpleName(), e.getMessage(),
                context.topic(), context.partition(), context.offset());
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
