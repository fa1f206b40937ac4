package io.umbra.kafka;

import java.util.List;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@link RecordHandler} seen as a {@link BatchHandler}, so the processor has one transaction path (it hands
 * record mode's inputs over one a call, so each record's outputs leave before the next is handled): each
 * input goes to the record handler alone; its outputs name it as their only source (so a refused output
 * strikes that input alone), and a rejection or an exception dead-letters that input alone while the
 * others go on. It never throws for a record.
 */
final class RecordsAsBatch implements BatchHandler {
    private final RecordHandler handler;

    RecordsAsBatch(RecordHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public BatchOutcome handle(List<ConsumerRecord<byte[], byte[]>> records) {
        BatchOutcome.Builder out = BatchOutcome.builder();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Outcome outcome;
            try {
                outcome = Objects.requireNonNull(handler.handle(record), "the handler returned null instead of an Outcome");
            } catch (Exception e) {
                // Per record: one poisonous record must not stop its partition.
                out.reject(record, DeadLetters.HANDLER_EXCEPTION, KafkaErrors.describe(e));
                continue;
            }
            switch (outcome) {
                case Outcome.Emit emit -> {
                    for (ProducerRecord<byte[], byte[]> output : emit.records()) {
                        out.emit(output, List.of(record));
                    }
                }
                case Outcome.Reject reject -> out.reject(record, reject.reason(), reject.message());
            }
        }
        return out.build();
    }

    @Override
    public void batchCommitted() {
        handler.batchCommitted();
    }

    @Override
    public void batchAborted() {
        handler.batchAborted();
    }
}
