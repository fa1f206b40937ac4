package io.umbra.ingest.stream;

import io.umbra.events.EventJson;
import io.umbra.events.tx.ReasonCode;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.events.tx.ValidationResult;
import io.umbra.events.tx.Violation;
import io.umbra.ingest.IngestMetrics;
import io.umbra.ingest.TenantStreamsConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The first step: every raw record is judged by the tenant's {@link TransactionValidator} (size before
 * parsing, JSON, schema version, every field). A valid transaction that arrived keyed by its card id goes on
 * keyed by its transaction id, as the canonical JSON of the {@code RawTransaction} the validator built; a
 * valid one under any other key (another id, a null key) is sent back to {@code <t>.tx.raw} under its card
 * id, unchanged ({@link Routed.Rekeyed}), so that it reaches its card's partition and the duplicate check
 * that partition keeps; anything else goes to the dead-letter topic unchanged, with the validator's reason
 * codes. Never throws on input: bytes of any kind end as one of the three.
 */
final class ScreeningProcessor implements Processor<byte[], byte[], byte[], Routed> {
    private final TransactionValidator validator;
    private final IngestMetrics metrics;
    private ProcessorContext<byte[], Routed> context;

    ScreeningProcessor(TransactionValidator validator, IngestMetrics metrics) {
        this.validator = validator;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.recordIn();
        RecordMetadata source = context.recordMetadata().orElseThrow();
        switch (judge(record.value())) {
            case ValidationResult.Valid valid -> {
                byte[] cardId = valid.transaction().cardId().getBytes(StandardCharsets.UTF_8);
                if (!Arrays.equals(cardId, record.key())) {
                    metrics.rekeyed();
                    context.forward(new Record<>(record.key(), new Routed.Rekeyed(cardId, record.value()), record.timestamp(),
                            record.headers()));
                    return;
                }
                RecordHeaders headers = new RecordHeaders(record.headers().toArray());
                headers.add(DeadLetters.HEADER_RAW_PARTITION, DeadLetters.utf8(source.partition()));
                headers.add(DeadLetters.HEADER_RAW_OFFSET, DeadLetters.utf8(source.offset()));
                byte[] canonical = EventJson.write(valid.transaction());
                context.forward(new Record<>(record.key(), new Routed.Forward(valid.transaction().transactionId(), canonical),
                        record.timestamp(), headers));
            }
            case ValidationResult.Invalid invalid -> {
                metrics.deadLettered(invalid.reason());
                context.forward(DeadLetters.of(record, record.key(), invalid.reason(), invalid.detail(), TenantStreamsConfig.SERVICE,
                        source.topic(), source.partition(), source.offset()));
            }
        }
    }

    private ValidationResult judge(byte[] value) {
        try {
            return validator.validate(value);
        } catch (RuntimeException e) {
            // The validator is built never to throw on bytes; should it ever, the record is still refused, not the partition.
            return new ValidationResult.Invalid(List.of(new Violation(ReasonCode.MALFORMED_JSON, null,
                    "the payload could not be read (" + e.getClass().getSimpleName() + ")")));
        }
    }
}
