package io.umbra.kafka.streams;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.umbra.kafka.KafkaErrors;

/**
 * Kafka Streams' {@code production.exception.handler}: an output the broker refuses for good (too large, an
 * invalid record or topic: what {@link KafkaErrors#isRecordSpecific} says a retry would meet again) or that
 * cannot be serialized is logged with the input's coordinates — so it can be found and replayed from the
 * input topic — counted and skipped, so one poisonous output cannot block a partition. Anything else (the
 * broker away, a timeout) fails the task, which Kafka Streams retries from the last committed transaction:
 * nothing is lost there. Retriable errors never reach it, nor does being fenced.
 */
public class SkipRefusedOutput implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SkipRefusedOutput.class);

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        if (!KafkaErrors.isRecordSpecific(exception)) {
            return ProductionExceptionHandlerResponse.FAIL;
        }
        skip(context, record, exception, StreamErrors.Kind.PRODUCTION);
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context, ProducerRecord record,
                                                                           Exception exception, SerializationExceptionOrigin origin) {
        skip(context, record, exception, StreamErrors.Kind.SERIALIZATION);
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    private static void skip(ErrorHandlerContext context, ProducerRecord<?, ?> record, Exception e, StreamErrors.Kind kind) {
        StreamErrors.skip(kind);
        // topic and position only: the payload is a bank's data and never goes to a log
        LOG.warn("output to {} skipped ({}: {}); input was {}-{}@{}", record.topic(), e.getClass().getSimpleName(), e.getMessage(),
                context.topic(), context.partition(), context.offset());
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
