package io.umbra.ingest.stream;

import io.umbra.ingest.IngestMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Kafka Streams' {@code deserialization.exception.handler}: a record the source serdes cannot read is
 * logged (where, and the exception type — never its bytes) and skipped, never a reason to stop the
 * partition. The raw topic is read as bytes and the repartition topic as String/bytes, so this is a
 * safety net: a raw record is judged, and dead-lettered, by {@link ScreeningProcessor}.
 */
public class SkipUnreadableRecords implements DeserializationExceptionHandler {
    private static final Logger LOG = Logger.getLogger(SkipUnreadableRecords.class);

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        LOG.errorf("skipping unreadable record %s-%d@%d (%s)", context.topic(), context.partition(), context.offset(),
                exception.getClass().getName());
        IngestMetrics.streamError("deserialization");
        return DeserializationHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
