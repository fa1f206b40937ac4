package io.umbra.ingest.stream;

import io.umbra.ingest.IngestMetrics;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Kafka Streams' {@code processing.exception.handler}: an exception escaping a processor is logged with
 * the input's coordinates and the record skipped. The processors route bad input to the dead-letter topic
 * themselves; this only keeps an unforeseen defect from stopping the partition.
 */
public class SkipFailedProcessing implements ProcessingExceptionHandler {
    private static final Logger LOG = Logger.getLogger(SkipFailedProcessing.class);

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.errorf(exception, "processor %s failed on %s-%d@%d; record skipped", context.processorNodeId(), context.topic(),
                context.partition(), context.offset());
        IngestMetrics.streamError("processing");
        return ProcessingHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
