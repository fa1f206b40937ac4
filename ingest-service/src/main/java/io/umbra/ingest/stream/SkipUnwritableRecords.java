package io.umbra.ingest.stream;

import io.umbra.ingest.IngestMetrics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Kafka Streams' {@code production.exception.handler}: an output the broker refuses for good (too large,
 * invalid) or that cannot be serialized is logged with the input's coordinates — so it can be found and
 * replayed from {@code <t>.tx.raw} — and skipped, rather than failing the task and stalling the partition.
 * Retriable errors never reach it (Kafka Streams retries them), nor does being fenced.
 */
public class SkipUnwritableRecords implements ProductionExceptionHandler {
    private static final Logger LOG = Logger.getLogger(SkipUnwritableRecords.class);

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        LOG.errorf("output to %s for input %s-%d@%d refused (%s); skipped", record.topic(), context.topic(), context.partition(),
                context.offset(), exception.getClass().getName());
        IngestMetrics.streamError("production");
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context, ProducerRecord record,
                                                                           Exception exception, SerializationExceptionOrigin origin) {
        LOG.errorf("output to %s for input %s-%d@%d could not be serialized (%s, %s); skipped", record.topic(), context.topic(),
                context.partition(), context.offset(), origin, exception.getClass().getName());
        IngestMetrics.streamError("serialization");
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
