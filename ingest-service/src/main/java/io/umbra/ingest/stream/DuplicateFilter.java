package io.umbra.ingest.stream;

import io.umbra.ingest.IngestMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops exact duplicates: a transaction id seen within the retention is consumed and counted, never passed
 * on and never dead-lettered (a bank's retry is not an error). Keyed by transaction id, in the task of a
 * raw partition: every record reaching it is on its card's partition (the screening step sends a record
 * under any other key back to the raw topic under its card id), so every copy of one transaction meets the
 * same store whatever key or producer it came with.
 *
 * <p>The store is a RocksDB window store with a changelog topic: it survives a restart (restored from the
 * changelog if the local files are gone), and its writes commit in the same Kafka transaction as the
 * outputs, so a crash never leaves an id marked seen without its features written, or the reverse. Entries
 * are stamped with this service's wall clock, not the record's timestamp, so a producer's wrong clock
 * cannot make the store forget early; whole segments expire after the retention.
 */
final class DuplicateFilter implements Processor<String, byte[], String, byte[]> {
    private final String storeName;
    private final IngestMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private WindowStore<String, Long> seen;

    DuplicateFilter(String storeName, IngestMetrics metrics) {
        this.storeName = storeName;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String transactionId = record.key();
        try (WindowStoreIterator<Long> earlier = seen.fetch(transactionId, 0L, Long.MAX_VALUE)) {
            if (earlier.hasNext()) {
                metrics.duplicate();
                return;
            }
        }
        long now = context.currentSystemTimeMs();
        seen.put(transactionId, now, now);
        context.forward(record);
    }
}
