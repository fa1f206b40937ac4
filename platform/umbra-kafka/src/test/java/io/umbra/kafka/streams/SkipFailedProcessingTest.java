package io.umbra.kafka.streams;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A send that timed out while the broker was gone must stop the task, not skip the record: skipping it
 * commits the input without its output. Seen in a 6-minute broker outage of the ingest-service, where
 * the repartition send's timeout reached this handler and four transactions were logged "skipped".
 */
class SkipFailedProcessingTest {
    private final SkipFailedProcessing handler = new SkipFailedProcessing();
    private final Record<String, String> record = new Record<>("card-1", "{}", 0L);

    @Test
    void aSendThatTimedOutFailsTheTaskInsteadOfSkippingTheRecord() {
        Exception timeout = new StreamsException("Error encountered sending record to topic acme.tx.raw-dedupe",
                new TimeoutException("Expiring 1 record(s): 120000 ms has passed since batch creation"));
        assertEquals(ProcessingHandlerResponse.FAIL, handler.handle(new Context(), record, timeout));
        assertEquals(ProcessingHandlerResponse.FAIL,
                handler.handle(new Context(), record, new RuntimeException("wrapped", timeout)));
    }

    @Test
    void aDefectOnOneRecordIsSkippedSoThePartitionKeepsFlowing() {
        assertEquals(ProcessingHandlerResponse.CONTINUE,
                handler.handle(new Context(), record, new IllegalStateException("a bug on this record")));
        assertEquals(ProcessingHandlerResponse.CONTINUE,
                handler.handle(new Context(), record, new SerializationException("unreadable value")));
    }

    /** The coordinates Kafka Streams hands the handler: a plain value holder, not a stand-in for Kafka's behaviour. */
    private static final class Context implements ErrorHandlerContext {
        @Override public String topic() { return "acme.tx.raw"; }
        @Override public int partition() { return 0; }
        @Override public long offset() { return 74L; }
        @Override public Headers headers() { return new RecordHeaders(); }
        @Override public String processorNodeId() { return "dedupe"; }
        @Override public TaskId taskId() { return new TaskId(0, 0); }
        @Override public long timestamp() { return 0L; }
        @Override public byte[] sourceRawKey() { return null; }
        @Override public byte[] sourceRawValue() { return null; }
    }
}
