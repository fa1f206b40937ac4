package io.umbra.kafka.streams;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@code deserialization.exception.handler}: a record the source serdes cannot read is
 * logged (where, and the exception type — never its bytes), counted and skipped, never a reason to stop
 * the partition. Umbra's topologies read their inputs as bytes and judge (and dead-letter) them in a
 * processor, so this is a safety net.
 */
public class SkipUnreadableRecords implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SkipUnreadableRecords.class);

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        LOG.error("skipping unreadable record {}-{}@{} ({})", context.topic(), context.partition(), context.offset(),
                exception.getClass().getName());
        StreamErrors.skip(StreamErrors.Kind.DESERIALIZATION);
        return DeserializationHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
