package io.umbra.kafka.streams;

import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@code processing.exception.handler}: an exception escaping a processor is logged with the
 * input's coordinates (never its payload), counted, and the record skipped. The processors route bad input
 * to the dead-letter topic themselves; this only keeps an unforeseen defect from stopping the partition.
 */
public class SkipFailedProcessing implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SkipFailedProcessing.class);

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.error("processor {} failed on {}-{}@{}; record skipped", context.processorNodeId(), context.topic(),
                context.partition(), context.offset(), exception);
        StreamErrors.skip(StreamErrors.Kind.PROCESSING);
        return ProcessingHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
