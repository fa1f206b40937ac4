package io.umbra.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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

    /** Handles {@code records} and sends what comes of them, inside the open transaction. */
    void send(ConsumerRecords<byte[], byte[]> records) {
        Map<ConsumerRecord<byte[], byte[]>, Integer> position = new IdentityHashMap<>();
        List<Letter> letters = new ArrayList<>();
        List<BatchOutcome.Output> outputs = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> handed = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            position.put(record, position.size());
            Strikes.Strike strike = strikes.of(record);
            long size = sizeOf(record);
            if (strike != null) {
                letters.add(new Letter(record, strike.reason(), strike.detail(), strike.omitPayload()));
            } else if (size > config.maxRecordBytes()) {
                letters.add(new Letter(record, DeadLetters.RECORD_TOO_LARGE, "the record is " + size + " bytes (key, value and headers);"
                        + " this service takes at most " + config.maxRecordBytes(), false));
            } else {
                handed.add(record);
            }
        }
        if (!handed.isEmpty()) {
            try {
                collect(checked(config.handler().handle(List.copyOf(handed)), handed), handed, letters, outputs);
            } catch (Exception e) {
                LOG.warn("processor {}: the batch handler threw on {} records ({}); handling them one by one to find the culprit",
                        config.transactionalId(), handed.size(), e.getClass().getSimpleName());
                for (ConsumerRecord<byte[], byte[]> record : handed) {
                    try {
                        collect(checked(config.handler().handle(List.of(record)), List.of(record)), List.of(record), letters, outputs);
                    } catch (Exception again) {
                        letters.add(new Letter(record, DeadLetters.HANDLER_EXCEPTION, KafkaErrors.describe(again), false));
                    }
                }
            }
        }
        letters.sort(Comparator.comparingInt(l -> position.get(l.input())));
        for (Letter letter : letters) {
            deadLetter(letter);
        }
        for (BatchOutcome.Output output : outputs) {
            List<Coordinates> from = new ArrayList<>(output.sources().size());
            for (ConsumerRecord<byte[], byte[]> source : output.sources()) {
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

    /** An output without sources was made from every input handed over. */
    private static void collect(BatchOutcome outcome, List<ConsumerRecord<byte[], byte[]>> handed, List<Letter> letters,
                                List<BatchOutcome.Output> outputs) {
        for (BatchOutcome.Rejection r : outcome.rejections()) {
            letters.add(new Letter(r.input(), r.reason().reason(), r.reason().message(), false));
        }
        for (BatchOutcome.Output o : outcome.outputs()) {
            outputs.add(o.sources().isEmpty() ? new BatchOutcome.Output(o.record(), handed) : o);
        }
    }

    private void deadLetter(Letter letter) {
        ConsumerRecord<byte[], byte[]> record = letter.input();
        String topic = config.deadLetterTopic().apply(record.topic());
        if (topic == null || topic.isEmpty()) {
            throw new IllegalStateException("the dead-letter mapping gave no topic for " + record.topic());
        }
        // A payload larger than the producer may send goes without it at once, rather than after an abort.
        boolean omit = letter.omitPayload() || sizeOf(record) + ProcessorConfig.RECORD_OVERHEAD_BYTES > maxRequestSize;
        String why = omit && !letter.omitPayload()
                ? letter.detail() + " (payload omitted: larger than max.request.size " + maxRequestSize + ")" : letter.detail();
        ProducerRecord<byte[], byte[]> dead = DeadLetters.of(topic, record, letter.reason(), why, config.serviceName(),
                config.clock().instant(), omit);
        producer.send(dead, failures.callback(Coordinates.of(record), letter.reason(), why));
        deadLettered.merge(letter.reason(), 1, Integer::sum);
    }

    /** Key, value and headers: what {@code maxRecordBytes} limits. */
    static long sizeOf(ConsumerRecord<byte[], byte[]> record) {
        long size = Math.max(0, record.serializedKeySize()) + (long) Math.max(0, record.serializedValueSize());
        for (Header h : record.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    /** An input to dead-letter, and why. */
    private record Letter(ConsumerRecord<byte[], byte[]> input, String reason, String detail, boolean omitPayload) {
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
