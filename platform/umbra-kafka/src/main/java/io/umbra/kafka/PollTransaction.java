package io.umbra.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one poll puts into its transaction: the dead letters and the outputs. Inputs struck on an earlier
 * attempt or over {@code maxRecordBytes} are dead-lettered without the handler seeing them; the rest go to
 * the {@link BatchHandler} at once (a {@link RecordHandler} through {@link RecordsAsBatch}). A handler
 * exception cannot be pinned on one record, so the handler then gets each record alone and only those that
 * throw again are dead-lettered. Dead letters are sent in poll order, then the outputs; the producer's
 * callbacks collect what the broker refused ({@link #failures()}), for the processor to abort on.
 */
final class PollTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(PollTransaction.class);

    private final ProcessorConfig config;
    private final Producer<byte[], byte[]> producer;
    private final Strikes strikes;
    private final int maxRequestSize;
    private final SendFailures failures = new SendFailures();
    private final Map<String, Integer> deadLettered = new TreeMap<>();
    private int out;

    PollTransaction(ProcessorConfig config, Producer<byte[], byte[]> producer, Strikes strikes, int maxRequestSize) {
        this.config = config;
        this.producer = producer;
        this.strikes = strikes;
        this.maxRequestSize = maxRequestSize;
    }

    /**
     * Handles {@code records} and sends what comes of them, inside the open transaction. The handler gets
     * them in chunks: the whole poll in batch mode, one record at a time in record mode (each record's
     * outputs then leave before the next is handled, as a record handler's caller expects). Stops handing
     * over once a send has failed: the transaction will be aborted anyway.
     */
    void send(ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> chunk = new ArrayList<>(config.recordMode() ? 1 : records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Strikes.Strike strike = strikes.of(record);
            long size = sizeOf(record);
            if (strike != null) {
                deadLetter(record, strike.reason(), strike.detail(), strike.omitPayload());
            } else if (size > config.maxRecordBytes()) {
                deadLetter(record, DeadLetters.RECORD_TOO_LARGE, "the record is " + size + " bytes (key, value and headers);"
                        + " this service takes at most " + config.maxRecordBytes(), false);
            } else {
                chunk.add(record);
                if (config.recordMode()) {
                    handle(chunk);
                    chunk.clear();
                    if (failures.any()) {
                        return;
                    }
                }
            }
        }
        if (!chunk.isEmpty()) {
            handle(chunk);
        }
    }

    /**
     * One handler call and its sends. A handler exception cannot be pinned on one record, so the handler then
     * gets each record alone and only those that throw again are dead-lettered.
     */
    private void handle(List<ConsumerRecord<byte[], byte[]>> handed) {
        try {
            send(checked(config.handler().handle(List.copyOf(handed)), handed), handed);
        } catch (Exception e) {
            LOG.warn("processor {}: the batch handler threw on {} records ({}); handling them one by one to find the culprit",
                    config.transactionalId(), handed.size(), e.getClass().getSimpleName());
            for (ConsumerRecord<byte[], byte[]> record : handed) {
                List<ConsumerRecord<byte[], byte[]>> alone = List.of(record);
                BatchOutcome outcome;
                try {
                    outcome = checked(config.handler().handle(alone), alone);
                } catch (Exception again) {
                    deadLetter(record, DeadLetters.HANDLER_EXCEPTION, KafkaErrors.describe(again), false);
                    continue;
                }
                send(outcome, alone);
            }
        }
    }

    /** The rejections' dead letters, then the outputs; an output without sources was made from every input handed over. */
    private void send(BatchOutcome outcome, List<ConsumerRecord<byte[], byte[]>> handed) {
        for (BatchOutcome.Rejection r : outcome.rejections()) {
            deadLetter(r.input(), r.reason().reason(), r.reason().message(), false);
        }
        for (BatchOutcome.Output output : outcome.outputs()) {
            List<ConsumerRecord<byte[], byte[]>> sources = output.sources().isEmpty() ? handed : output.sources();
            List<Coordinates> from = new ArrayList<>(sources.size());
            for (ConsumerRecord<byte[], byte[]> source : sources) {
                from.add(Coordinates.of(source));
            }
            producer.send(output.record(), failures.callback(from));
            out++;
        }
    }

    /** The refused sends so far (filled by the producer's I/O thread). */
    SendFailures failures() {
        return failures;
    }

    /** The batch's figures once it has committed. */
    BatchStats stats(int recordsIn, java.time.Duration latency) {
        int n = 0;
        for (int v : deadLettered.values()) {
            n += v;
        }
        return new BatchStats(recordsIn, out, n, deadLettered, latency);
    }

    /** The outcome, if it names only inputs it was given (and each rejected once); else an exception, as from the handler. */
    private static BatchOutcome checked(BatchOutcome outcome, List<ConsumerRecord<byte[], byte[]>> handed) {
        Objects.requireNonNull(outcome, "the batch handler returned null instead of a BatchOutcome");
        Set<ConsumerRecord<byte[], byte[]>> given = Collections.newSetFromMap(new IdentityHashMap<>());
        given.addAll(handed);
        Set<ConsumerRecord<byte[], byte[]>> rejected = Collections.newSetFromMap(new IdentityHashMap<>());
        for (BatchOutcome.Rejection r : outcome.rejections()) {
            if (!given.contains(r.input()) || !rejected.add(r.input())) {
                throw new IllegalStateException("the batch handler rejected " + Coordinates.of(r.input())
                        + ", which it was not given or had rejected already");
            }
        }
        for (BatchOutcome.Output o : outcome.outputs()) {
            for (ConsumerRecord<byte[], byte[]> source : o.sources()) {
                if (!given.contains(source)) {
                    throw new IllegalStateException("the batch handler named " + Coordinates.of(source)
                            + " as the source of an output; it was not given that record");
                }
            }
        }
        return outcome;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String detail, boolean omitPayload) {
        String topic = config.deadLetterTopic().apply(record.topic());
        if (topic == null || topic.isEmpty()) {
            throw new IllegalStateException("the dead-letter mapping gave no topic for " + record.topic());
        }
        // A payload larger than the producer may send goes without it at once, rather than after an abort.
        boolean omit = omitPayload || sizeOf(record) + ProcessorConfig.RECORD_OVERHEAD_BYTES > maxRequestSize;
        String why = omit && !omitPayload ? detail + " (payload omitted: larger than max.request.size " + maxRequestSize + ")" : detail;
        ProducerRecord<byte[], byte[]> dead = DeadLetters.of(topic, record, reason, why, config.serviceName(), config.clock().instant(), omit);
        producer.send(dead, failures.callback(Coordinates.of(record), reason, why));
        deadLettered.merge(reason, 1, Integer::sum);
    }

    /** Key, value and headers: what {@code maxRecordBytes} limits. */
    static long sizeOf(ConsumerRecord<byte[], byte[]> record) {
        long size = Math.max(0, record.serializedKeySize()) + (long) Math.max(0, record.serializedValueSize());
        for (Header h : record.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    /** Filled by the producer's I/O thread through the send callbacks. */
    static final class SendFailures {
        final Map<Coordinates, Strikes.SendFailure> byRecord = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> first = new AtomicReference<>();

        Callback callback(Coordinates at, String deadLetterReason, String deadLetterDetail) {
            return (metadata, exception) -> {
                if (exception != null) {
                    byRecord.putIfAbsent(at, new Strikes.SendFailure(exception, deadLetterReason, deadLetterDetail));
                    first.compareAndSet(null, exception);
                }
            };
        }

        /** An output made from several inputs: a lasting refusal strikes each of them. */
        Callback callback(List<Coordinates> from) {
            return (metadata, exception) -> {
                if (exception != null) {
                    for (Coordinates at : from) {
                        byRecord.putIfAbsent(at, new Strikes.SendFailure(exception, null, null));
                    }
                    first.compareAndSet(null, exception);
                }
            };
        }

        /** An error of the transaction as a whole (not of one send). */
        void batch(Throwable e) {
            first.compareAndSet(null, e);
        }

        boolean any() {
            return first.get() != null;
        }
    }
}
