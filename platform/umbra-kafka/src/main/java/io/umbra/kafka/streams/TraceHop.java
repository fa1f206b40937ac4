package io.umbra.kafka.streams;

import io.umbra.kafka.tracing.HopTracing;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A Kafka Streams step that records a transaction's hop ({@link HopTracing#transactionHop}) in the record's
 * headers and forwards it unchanged otherwise: what the ingest and alert topologies put before their sinks.
 * The headers are the record's own, which Streams writes on every record forwarded from it.
 */
public final class TraceHop {
    private TraceHop() {
    }

    /** For the DSL: {@code stream.processValues(TraceHop.values(tracing, "ingest"))}. */
    public static <K, V> FixedKeyProcessorSupplier<K, V, V> values(HopTracing tracing, String hop) {
        return () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<K, V> context;

            @Override
            public void init(FixedKeyProcessorContext<K, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<K, V> record) {
                tracing.transactionHop(hop, record.headers());
                context.forward(record);
            }
        };
    }

    /** For the Processor API: {@code topology.addProcessor("trace", TraceHop.node(tracing, "alert"), source)}. */
    public static <K, V> ProcessorSupplier<K, V, K, V> node(HopTracing tracing, String hop) {
        return () -> new Processor<>() {
            private ProcessorContext<K, V> context;

            @Override
            public void init(ProcessorContext<K, V> context) {
                this.context = context;
            }

            @Override
            public void process(Record<K, V> record) {
                tracing.transactionHop(hop, record.headers());
                context.forward(record);
            }
        };
    }
}
