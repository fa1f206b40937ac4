package io.umbra.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exactly-once consume-transform-produce loop of Umbra. Each poll is one Kafka transaction:
 * every input record goes through the {@link RecordHandler}; its outputs, the dead letters of the
 * records it rejected or threw on, and the consumed offsets are committed together, or not at all.
 *
 * <pre>{@code
 * ExactlyOnceProcessor ingest = ExactlyOnceProcessor.builder()
 *         .bootstrapServers(bootstrap)
 *         .groupId("acme.ingest-service")
 *         .topics(List.of("acme.tx.raw"))
 *         .instanceId(podName)                         // stable across restarts of this instance
 *         .deadLetterTopic(source -> "acme.tx.dlq")
 *         .handler(record -> ...Outcome.emit(...) or Outcome.reject("MISSING_FIELD", "amount is missing"))
 *         .build();
 * ingest.start();
 * ...
 * ingest.close();                                      // finishes the current transaction
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li>Consumers read {@code read_committed}; the producer is idempotent and transactional; offsets are
 *       committed only inside the transaction ({@code sendOffsetsToTransaction} with the consumer's group
 *       metadata, so a zombie of an old group generation is fenced).</li>
 *   <li>The transactional id is {@code <groupId>-<instanceId>}: a restarted instance aborts whatever its
 *       crashed predecessor left open, at once, instead of readers waiting out the transaction timeout.</li>
 *   <li>No bad record stops a partition: a rejection, a handler exception, an input over
 *       {@link Builder#maxRecordBytes} or outputs the broker refuses send that one input to the
 *       dead-letter topic ({@link DeadLetters}); its neighbours go through.</li>
 *   <li>On an abortable error the transaction is aborted and the consumer rewound to the batch's first
 *       offsets (the last committed ones: every transaction commits exactly what it consumed), so the
 *       batch is replayed: nothing lost, nothing doubled. Errors not tied to a record are retried with
 *       back-off (100 ms doubling to 5 s).</li>
 *   <li>When fenced ({@code ProducerFencedException}, {@code InvalidProducerEpochException}, a fenced
 *       static member) another instance has taken over: it stops, with that as its {@link #failure()}.
 *       So it does on authorization and other fatal errors.</li>
 * </ul>
 *
 * <p>Batch mode ({@link Builder#batchHandler}): the whole poll goes to a {@link BatchHandler} at once,
 * still one poll = one transaction; {@link Builder#batchLinger} makes the consumer's fetch wait for a
 * full batch or the linger, so a batch never spans transactions.
 *
 * Runs on a thread of its own ({@link #start()}); {@link #stop()} and {@link #close()} let the current
 * transaction finish. Memory per batch is bounded by {@code max.poll.records} and the fetch sizes.
 */
public final class ExactlyOnceProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceProcessor.class);
    /** Room for a dead letter's headers and the record framing around a payload of the maximum size. */
    static final int RECORD_OVERHEAD_BYTES = 64 << 10;
    private static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1 << 20;
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int COMMIT_ATTEMPTS = 5;

    private final Builder config;
    private final String transactionalId;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final int maxRequestSize;
    private final long transactionTimeoutMs;
    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<String> state = new AtomicReference<>("NEW");
    /** Records whose earlier attempt failed in a way that replaying cannot fix: what to do with them instead. */
    private final Map<Coordinates, Strike> strikes = new HashMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile Throwable failure;
    private volatile boolean crashRequested;
    private Duration backoff = MIN_BACKOFF;

    private ExactlyOnceProcessor(Builder b) {
        this.config = b;
        this.transactionalId = b.groupId + "-" + b.instanceId;
        this.consumerConfig = consumerConfig(b, transactionalId);
        this.producerConfig = producerConfig(b, transactionalId);
        this.maxRequestSize = Integer.parseInt(producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG).toString());
        this.transactionTimeoutMs = Long.parseLong(producerConfig.getOrDefault(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000).toString());
        this.thread = new Thread(this::run, "eos-" + transactionalId);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code <groupId>-<instanceId>}: also the client id of the consumer and the producer. */
    public String transactionalId() {
        return transactionalId;
    }

    /**
     * Creates the consumer and the producer (a bad configuration fails here, not later) and starts the
     * loop on its own thread. Once only.
     */
    public void start() {
        if (!state.compareAndSet("NEW", "STARTING")) {
            throw new IllegalStateException("processor " + transactionalId + " was already started");
        }
        try {
            producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            state.set("STOPPED");
            failure = e;
            stopped.countDown();
            throw e;
        }
        state.set("RUNNING");
        tell(l -> l.clientsCreated(consumer, producer));
        thread.start();
    }

    /** Asks the loop to stop after the transaction in progress; returns at once. */
    public void stop() {
        stopRequested.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Waits until the loop has stopped and closed its clients; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        if (Thread.currentThread() == thread) {
            return false;
        }
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@link #stop()}, then waits (up to a minute) for the current transaction to finish. */
    @Override
    public void close() {
        if (state.compareAndSet("NEW", "STOPPED")) {
            stopped.countDown();
            return;
        }
        stop();
        try {
            if (!awaitStopped(Duration.ofMinutes(1)) && Thread.currentThread() != thread) {
                LOG.warn("processor {} did not stop within a minute", transactionalId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop runs (started, not yet stopped). */
    public boolean isRunning() {
        return "RUNNING".equals(state.get());
    }

    /** Why the loop stopped by itself (fenced, a fatal error), or empty. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Test hook: dies like a killed process in the middle of a transaction. The outputs sent so far are
     * flushed to the broker, then both clients are closed without committing or aborting (the
     * consumer does leave its group, so a successor need not wait out the session timeout). Call it from
     * the handler to crash right after that record.
     */
    void crashWithoutCommitting() {
        crashRequested = true;
        stop();
    }

    // ---- the loop -------------------------------------------------------------------------------

    private void run() {
        Throwable cause = null;
        try {
            if (initTransactions()) {
                subscribe();
                while (!isStopRequested()) {
                    ConsumerRecords<byte[], byte[]> records;
                    try {
                        records = consumer.poll(config.pollTimeout);
                    } catch (WakeupException e) {
                        continue; // stop() or a crash: the loop condition decides
                    }
                    if (!records.isEmpty() && !processBatch(records)) {
                        break; // crashed on purpose
                    }
                }
            }
        } catch (Throwable e) {
            cause = e;
            if (isFenced(e)) {
                LOG.warn("processor {} is fenced: another instance took over ({}); stopping", transactionalId, e.toString());
            } else {
                LOG.error("processor {} stops on a fatal error", transactionalId, e);
            }
        } finally {
            if (crashRequested) {
                crash();
            } else {
                closeClients(cause == null);
                failure = cause;
            }
            state.set("STOPPED");
            tell(l -> l.stopped(failure)); // before awaitStopped() returns: waiting covers the listener too
            stopped.countDown();
        }
    }

    /** Fences any older incarnation with this transactional id and aborts what it left open. False if stopped meanwhile. */
    private boolean initTransactions() {
        while (true) {
            try {
                producer.initTransactions();
                return true;
            } catch (TimeoutException e) {
                LOG.warn("processor {}: initTransactions timed out ({}); retrying", transactionalId, e.getMessage());
                if (sleepUnlessStopped()) {
                    return false;
                }
            }
        }
    }

    private void subscribe() {
        ConsumerRebalanceListener rebalance = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                tell(l -> l.partitionsAssigned(partitions));
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Nothing to flush: every transaction is committed before the next poll.
                forgetStrikes(partitions);
                tell(l -> l.partitionsRevoked(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                onPartitionsRevoked(partitions);
            }
        };
        if (config.topicPattern != null) {
            consumer.subscribe(config.topicPattern, rebalance);
        } else {
            consumer.subscribe(config.topics, rebalance);
        }
    }

    /** One transaction. False when it crashed on purpose ({@link #crashWithoutCommitting()}). */
    private boolean processBatch(ConsumerRecords<byte[], byte[]> records) {
        long startNanos = System.nanoTime();
        Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(tp);
            firstOffsets.put(tp, inPartition.get(0).offset());
            ConsumerRecord<byte[], byte[]> last = inPartition.get(inPartition.size() - 1);
            // The position after the batch also skips the transaction markers behind the last record,
            // so the lag of an idle partition drops to 0 (autoscaling reads it).
            OffsetAndMetadata next = records.nextOffsets().get(tp);
            offsets.put(tp, next != null && next.offset() > last.offset() ? new OffsetAndMetadata(next.offset(), next.leaderEpoch(), "")
                    : new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
        }
        SendFailures failures = new SendFailures();
        BatchCounts counts = new BatchCounts();
        boolean open = false;
        try {
            producer.beginTransaction();
            open = true;
            if (config.batchHandler != null) {
                processWhole(records, failures, counts);
                if (crashRequested) {
                    return false;
                }
            } else {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    process(record, failures, counts);
                    if (crashRequested) {
                        return false; // run() crashes with this transaction open
                    }
                    if (failures.any()) {
                        break; // the transaction cannot commit any more: abort now rather than after the whole batch
                    }
                }
            }
            if (!failures.any()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                commit();
            }
        } catch (KafkaException e) {
            if (isFatal(e) || !open) {
                throw e;
            }
            failures.batch(e);
        }
        if (failures.any()) {
            abort(records.count(), firstOffsets, failures);
            return true;
        }
        backoff = MIN_BACKOFF;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            strikes.remove(Coordinates.of(record));
        }
        if (config.batchHandler != null) {
            config.batchHandler.batchCommitted();
        } else {
            config.handler.batchCommitted();
        }
        BatchStats stats = new BatchStats(records.count(), counts.out, counts.deadLettered(), counts.deadLettered,
                Duration.ofNanos(System.nanoTime() - startNanos));
        if (stats.latency().toMillis() > transactionTimeoutMs / 2) {
            // Past transaction.timeout.ms the coordinator aborts the batch and fences this producer.
            LOG.warn("processor {}: a batch of {} records took {} ms, over half of transaction.timeout.ms ({} ms);"
                    + " lower maxPollRecords", transactionalId, records.count(), stats.latency().toMillis(), transactionTimeoutMs);
        }
        tell(l -> l.batchCommitted(stats));
        return true;
    }

    private void process(ConsumerRecord<byte[], byte[]> record, SendFailures failures, BatchCounts counts) {
        Coordinates at = Coordinates.of(record);
        Strike strike = strikes.get(at);
        if (strike != null) {
            deadLetter(record, strike.reason, strike.detail, strike.omitPayload, failures, counts);
            return;
        }
        long size = sizeOf(record);
        if (size > config.maxRecordBytes) {
            deadLetter(record, DeadLetters.RECORD_TOO_LARGE, "the record is " + size + " bytes (key, value and headers);"
                    + " this service takes at most " + config.maxRecordBytes, false, failures, counts);
            return;
        }
        Outcome outcome;
        try {
            outcome = Objects.requireNonNull(config.handler.handle(record), "the handler returned null instead of an Outcome");
        } catch (Exception e) {
            // Per record: one poisonous record must not stop its partition.
            deadLetter(record, DeadLetters.HANDLER_EXCEPTION, describe(e), false, failures, counts);
            return;
        }
        switch (outcome) {
            case Outcome.Emit emit -> {
                for (ProducerRecord<byte[], byte[]> out : emit.records()) {
                    producer.send(out, failures.callback(at, null, null));
                    counts.out++;
                }
            }
            case Outcome.Reject reject -> deadLetter(record, reject.reason(), reject.message(), false, failures, counts);
        }
    }

    /**
     * Batch mode: the whole poll to the {@link BatchHandler} at once, minus the inputs dead-lettered up
     * front (refused on an earlier attempt, or too large). A handler exception cannot be pinned on one
     * record, so the handler gets each record alone and only those that throw again are dead-lettered.
     */
    private void processWhole(ConsumerRecords<byte[], byte[]> records, SendFailures failures, BatchCounts counts) {
        List<ConsumerRecord<byte[], byte[]>> handed = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Strike strike = strikes.get(Coordinates.of(record));
            long size = sizeOf(record);
            if (strike != null) {
                deadLetter(record, strike.reason, strike.detail, strike.omitPayload, failures, counts);
            } else if (size > config.maxRecordBytes) {
                deadLetter(record, DeadLetters.RECORD_TOO_LARGE, "the record is " + size + " bytes (key, value and headers);"
                        + " this service takes at most " + config.maxRecordBytes, false, failures, counts);
            } else {
                handed.add(record);
            }
        }
        if (handed.isEmpty()) {
            return;
        }
        BatchOutcome outcome;
        try {
            outcome = checked(config.batchHandler.handle(List.copyOf(handed)), handed);
        } catch (Exception e) {
            LOG.warn("processor {}: the batch handler threw on {} records ({}); handling them one by one to find the culprit",
                    transactionalId, handed.size(), e.getClass().getSimpleName());
            for (ConsumerRecord<byte[], byte[]> record : handed) {
                if (crashRequested) {
                    return;
                }
                BatchOutcome alone;
                try {
                    alone = checked(config.batchHandler.handle(List.of(record)), List.of(record));
                } catch (Exception again) {
                    deadLetter(record, DeadLetters.HANDLER_EXCEPTION, describe(again), false, failures, counts);
                    continue;
                }
                send(alone, List.of(record), failures, counts);
            }
            return;
        }
        send(outcome, handed, failures, counts);
    }

    /** The outcome, if it names only inputs it was given (and each rejected once); else an exception, as from the handler. */
    private static BatchOutcome checked(BatchOutcome outcome, List<ConsumerRecord<byte[], byte[]>> handed) {
        Objects.requireNonNull(outcome, "the batch handler returned null instead of a BatchOutcome");
        Set<ConsumerRecord<byte[], byte[]>> given = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        given.addAll(handed);
        Set<ConsumerRecord<byte[], byte[]>> rejected = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
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

    private void send(BatchOutcome outcome, List<ConsumerRecord<byte[], byte[]>> handed, SendFailures failures, BatchCounts counts) {
        for (BatchOutcome.Rejection r : outcome.rejections()) {
            deadLetter(r.input(), r.reason().reason(), r.reason().message(), false, failures, counts);
        }
        for (BatchOutcome.Output out : outcome.outputs()) {
            List<ConsumerRecord<byte[], byte[]>> sources = out.sources().isEmpty() ? handed : out.sources();
            List<Coordinates> from = new ArrayList<>(sources.size());
            for (ConsumerRecord<byte[], byte[]> source : sources) {
                from.add(Coordinates.of(source));
            }
            producer.send(out.record(), failures.callback(from));
            counts.out++;
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String detail, boolean omitPayload,
                            SendFailures failures, BatchCounts counts) {
        String topic = config.deadLetterTopic.apply(record.topic());
        if (topic == null || topic.isEmpty()) {
            throw new IllegalStateException("the dead-letter mapping gave no topic for " + record.topic());
        }
        // A payload larger than the producer may send goes without it at once, rather than after an abort.
        boolean omit = omitPayload || sizeOf(record) + RECORD_OVERHEAD_BYTES > maxRequestSize;
        String why = omit && !omitPayload ? detail + " (payload omitted: larger than max.request.size " + maxRequestSize + ")" : detail;
        ProducerRecord<byte[], byte[]> letter = DeadLetters.of(topic, record, reason, why, config.serviceName,
                config.clock.instant(), omit);
        producer.send(letter, failures.callback(Coordinates.of(record), reason, why));
        counts.deadLettered.merge(reason, 1, Integer::sum);
    }

    private void commit() {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                // The commit may have gone through; only retrying commitTransaction can tell (abort is refused now).
                if (attempt == COMMIT_ATTEMPTS) {
                    throw new IllegalStateException("commitTransaction timed out " + attempt + " times", e);
                }
                LOG.warn("processor {}: commitTransaction timed out, retrying ({}/{})", transactionalId, attempt, COMMIT_ATTEMPTS);
            }
        }
    }

    private void abort(int recordCount, Map<TopicPartition, Long> firstOffsets, SendFailures failures) {
        Throwable cause = failures.first.get();
        for (int attempt = 1; ; attempt++) {
            try {
                producer.abortTransaction();
                break;
            } catch (TimeoutException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw new IllegalStateException("abortTransaction timed out " + attempt + " times", e);
                }
            }
        }
        boolean recordSpecific = false;
        for (Map.Entry<Coordinates, SendFailure> f : failures.byRecord.entrySet()) {
            if (isRecordSpecific(f.getValue().error)) {
                strike(f.getKey(), f.getValue());
                recordSpecific = true;
            }
        }
        Set<TopicPartition> assigned = consumer.assignment();
        for (Map.Entry<TopicPartition, Long> e : firstOffsets.entrySet()) {
            if (assigned.contains(e.getKey())) {
                consumer.seek(e.getKey(), e.getValue());
            }
        }
        if (config.batchHandler != null) {
            config.batchHandler.batchAborted();
        } else {
            config.handler.batchAborted();
        }
        LOG.warn("processor {}: aborted a transaction of {} records and rewound to the last committed offsets: {}",
                transactionalId, recordCount, String.valueOf(cause));
        tell(l -> l.batchAborted(recordCount, cause));
        if (!recordSpecific) {
            sleepUnlessStopped();
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** A record's outputs or dead letter were refused for good: dead-letter it on replay, without its payload if need be. */
    private void strike(Coordinates at, SendFailure f) {
        Strike old = strikes.get(at);
        if (f.deadLetterReason == null) {
            strikes.put(at, new Strike(DeadLetters.OUTPUT_REJECTED, describe(f.error), false));
        } else if (old == null || !old.omitPayload) {
            strikes.put(at, new Strike(f.deadLetterReason, f.deadLetterDetail + " (payload omitted: " + describe(f.error) + ")", true));
        } else {
            throw new IllegalStateException("the dead-letter topic refuses even the payload-free dead letter of " + at
                    + ": " + describe(f.error), f.error);
        }
    }

    private void forgetStrikes(Collection<TopicPartition> partitions) {
        strikes.keySet().removeIf(c -> partitions.contains(new TopicPartition(c.topic, c.partition)));
    }

    private void crash() {
        LOG.warn("processor {}: crashing on purpose, without committing or aborting", transactionalId);
        try {
            producer.flush();
        } catch (RuntimeException ignored) {
            // a crash is a crash
        }
        producer.close(Duration.ZERO); // no abort: a zero timeout skips the producer's abort-on-close
        consumer.close();              // no commit (auto-commit is off); leaves the group
        failure = new IllegalStateException("crashed on purpose (test)");
    }

    private void closeClients(boolean graceful) {
        Duration timeout = graceful ? Duration.ofSeconds(30) : Duration.ofSeconds(5);
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            LOG.warn("processor {}: closing the producer: {}", transactionalId, e.toString());
        }
        try {
            consumer.close(timeout);
        } catch (RuntimeException e) {
            LOG.warn("processor {}: closing the consumer: {}", transactionalId, e.toString());
        }
    }

    /** Sleeps the current back-off; true if a stop was asked for meanwhile. */
    private boolean sleepUnlessStopped() {
        try {
            return stopRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private boolean isStopRequested() {
        return stopRequested.getCount() == 0;
    }

    private void tell(java.util.function.Consumer<ProcessorListener> call) {
        try {
            call.accept(config.listener);
        } catch (RuntimeException e) {
            LOG.warn("processor {}: the listener threw {}", transactionalId, e.toString());
        }
    }

    // ---- classification -------------------------------------------------------------------------

    static boolean isFenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }

    static boolean isFatal(Throwable e) {
        if (isFenced(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException || t instanceof AuthenticationException
                    || t instanceof UnsupportedVersionException) {
                return true;
            }
        }
        return false;
    }

    /** Errors that a replay of the same record would meet again. */
    static boolean isRecordSpecific(Throwable e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidRecordException || e instanceof InvalidTopicException;
    }

    static long sizeOf(ConsumerRecord<byte[], byte[]> record) {
        long size = Math.max(0, record.serializedKeySize()) + (long) Math.max(0, record.serializedValueSize());
        for (Header h : record.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            b.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            b.append(" (caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                b.append(": ").append(cause.getMessage());
            }
            b.append(')');
        }
        return DeadLetters.cut(b.toString(), DeadLetters.MAX_DETAIL_CHARS);
    }

    // ---- bookkeeping ----------------------------------------------------------------------------

    record Coordinates(String topic, int partition, long offset) {
        static Coordinates of(ConsumerRecord<?, ?> r) {
            return new Coordinates(r.topic(), r.partition(), r.offset());
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    private record Strike(String reason, String detail, boolean omitPayload) {
    }

    /** A send that failed: of an output ({@code deadLetterReason} null) or of a dead letter. */
    private record SendFailure(Exception error, String deadLetterReason, String deadLetterDetail) {
    }

    /** Filled by the producer's I/O thread through the send callbacks. */
    private static final class SendFailures {
        final Map<Coordinates, SendFailure> byRecord = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> first = new AtomicReference<>();

        Callback callback(Coordinates at, String deadLetterReason, String deadLetterDetail) {
            return (metadata, exception) -> {
                if (exception != null) {
                    byRecord.putIfAbsent(at, new SendFailure(exception, deadLetterReason, deadLetterDetail));
                    first.compareAndSet(null, exception);
                }
            };
        }

        /** An output made from several inputs: a lasting refusal strikes each of them. */
        Callback callback(List<Coordinates> from) {
            return (metadata, exception) -> {
                if (exception != null) {
                    for (Coordinates at : from) {
                        byRecord.putIfAbsent(at, new SendFailure(exception, null, null));
                    }
                    first.compareAndSet(null, exception);
                }
            };
        }

        void batch(Throwable e) {
            first.compareAndSet(null, e);
        }

        boolean any() {
            return first.get() != null;
        }
    }

    private static final class BatchCounts {
        int out;
        final Map<String, Integer> deadLettered = new TreeMap<>();

        int deadLettered() {
            int n = 0;
            for (int v : deadLettered.values()) {
                n += v;
            }
            return n;
        }
    }

    // ---- configuration --------------------------------------------------------------------------

    private static Map<String, Object> consumerConfig(Builder b, String transactionalId) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group processes what is there
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(KAFKA_DEFAULT_MAX_REQUEST_SIZE, b.maxRecordBytes + RECORD_OVERHEAD_BYTES));
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId);
        c.putAll(b.consumerProperties);
        b.security.addTo(c);
        enforce(c, "consumer", ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        enforce(c, "consumer", ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        enforce(c, "consumer", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        enforce(c, "consumer", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        enforce(c, "consumer", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(b.maxPollRecords));
        c.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        c.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return c;
    }

    private static Map<String, Object> producerConfig(Builder b, String transactionalId) {
        Map<String, Object> c = new LinkedHashMap<>();
        // Big enough for a dead letter of any input this processor accepts; outputs larger than their
        // inputs (an encrypted batch) need producerProperty("max.request.size", ...).
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(KAFKA_DEFAULT_MAX_REQUEST_SIZE, b.maxRecordBytes + RECORD_OVERHEAD_BYTES));
        c.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        c.putAll(b.producerProperties);
        b.security.addTo(c);
        enforce(c, "producer", ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        enforce(c, "producer", ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        enforce(c, "producer", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        enforce(c, "producer", ProducerConfig.ACKS_CONFIG, "all");
        c.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        c.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return c;
    }

    /** Sets {@code key} to what exactly-once needs, refusing a caller's different value rather than overriding it silently. */
    private static void enforce(Map<String, Object> config, String client, String key, String value) {
        Object given = config.get(key);
        if (given != null && !given.toString().trim().equalsIgnoreCase(value)
                && !(key.equals(ProducerConfig.ACKS_CONFIG) && given.toString().trim().equals("-1"))) {
            throw new IllegalArgumentException(client + " property " + key + "=" + given + " conflicts with exactly-once processing,"
                    + " which sets " + key + "=" + value + (key.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
                    ? " (derived from groupId and instanceId)" : ""));
        }
        config.put(key, value);
    }

    /** How to build a processor. Required: bootstrap servers, group id, topics or a pattern, instance id, handler, dead-letter mapping. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId;
        private List<String> topics;
        private Pattern topicPattern;
        private String instanceId;
        private RecordHandler handler;
        private BatchHandler batchHandler;
        private UnaryOperator<String> deadLetterTopic;
        private String serviceName;
        private int maxPollRecords = 500;
        private int maxRecordBytes = KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        private Duration pollTimeout = Duration.ofMillis(500);
        private ProcessorListener listener = ProcessorListener.NONE;
        private Clock clock = Clock.systemUTC();
        private KafkaClientSecurity security;
        private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The consumer group: one per service (and tenant, in the bank zone). */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder topics(Collection<String> topics) {
            this.topics = List.copyOf(topics);
            return this;
        }

        /** Subscribe by pattern, e.g. every tenant's score requests; new matching topics are picked up. */
        public Builder topicPattern(Pattern topicPattern) {
            this.topicPattern = topicPattern;
            return this;
        }

        /**
         * This instance's stable name (a StatefulSet pod name, a host name): the same after a restart, unique
         * among the group's live instances. The transactional id is {@code <groupId>-<instanceId>}.
         */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        public Builder handler(RecordHandler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Batch mode instead of {@link #handler}: the whole poll goes to {@code batchHandler} at once, still one
         * poll = one transaction. Size the poll with {@link #maxPollRecords} and let it fill with
         * {@link #batchLinger}.
         */
        public Builder batchHandler(BatchHandler batchHandler) {
            this.batchHandler = batchHandler;
            return this;
        }

        /**
         * The linger of batch mode, like a producer's {@code batch.size} / {@code linger.ms}: the broker holds
         * a fetch until {@code fetchMinBytes} are there or {@code maxWait} has passed (the consumer's
         * {@code fetch.min.bytes} and {@code fetch.max.wait.ms}), so a poll returns a full batch
         * ({@code maxPollRecords} × the typical record size) or what came within the linger. Sized this way,
         * in the consumer rather than by buffering across polls, because a record is committed with the poll
         * that returned it: a batch never spans transactions, and records beyond it keep their offsets
         * uncommitted. Raises the poll timeout to at least {@code maxWait} plus a margin.
         */
        public Builder batchLinger(int fetchMinBytes, Duration maxWait) {
            consumerProperties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(fetchMinBytes));
            consumerProperties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(maxWait.toMillis()));
            Duration atLeast = maxWait.plusMillis(500);
            if (pollTimeout.compareTo(atLeast) < 0) {
                pollTimeout = atLeast;
            }
            return this;
        }

        /** The dead-letter topic of each input topic, e.g. {@code acme.tx.raw -> acme.tx.dlq}. */
        public Builder deadLetterTopic(UnaryOperator<String> deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        /** The {@code umbra.dlq.service} header; default the group id. */
        public Builder serviceName(String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        /** Records per poll, hence per transaction; default 500. */
        public Builder maxPollRecords(int maxPollRecords) {
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        /**
         * The largest input (key + value + headers) the handler is given; larger ones are dead-lettered as
         * {@code RECORD_TOO_LARGE}. Default 1 MiB. Also raises the consumer's {@code max.partition.fetch.bytes}
         * and the producer's {@code max.request.size} to this plus 64 KiB, unless set explicitly.
         */
        public Builder maxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        /** How long one poll waits for records; default 500 ms. */
        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = pollTimeout;
            return this;
        }

        public Builder listener(ProcessorListener listener) {
            this.listener = listener;
            return this;
        }

        /** The clock of the {@code umbra.dlq.failed.at} header. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * How the consumer and producer log in to the broker; default {@link KafkaClientSecurity#fromEnvironment()},
         * the service's {@code KAFKA_SECURITY_PROTOCOL} and related variables.
         */
        public Builder security(KafkaClientSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Any consumer property (e.g. {@code session.timeout.ms}, {@code group.instance.id}). Those exactly-once
         * depends on are set by the processor; a different value for one of them is refused.
         */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(key, value);
            return this;
        }

        public Builder consumerProperties(Map<String, ?> properties) {
            consumerProperties.putAll(properties);
            return this;
        }

        /** Any producer property (e.g. {@code max.request.size}, {@code compression.type}); as for the consumer. */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(key, value);
            return this;
        }

        public Builder producerProperties(Map<String, ?> properties) {
            producerProperties.putAll(properties);
            return this;
        }

        /** A processor, not started yet; every missing or contradictory setting is named here. */
        public ExactlyOnceProcessor build() {
            List<String> problems = new ArrayList<>();
            if (blank(bootstrapServers)) {
                problems.add("bootstrapServers is missing");
            }
            if (blank(groupId)) {
                problems.add("groupId is missing");
            }
            if (blank(instanceId) || !instanceId.matches("[A-Za-z0-9._-]+")) {
                problems.add("instanceId must be a stable, non-empty name of [A-Za-z0-9._-]");
            }
            if ((topics == null || topics.isEmpty()) == (topicPattern == null)) {
                problems.add("give either topics or a topicPattern");
            }
            if ((handler == null) == (batchHandler == null)) {
                problems.add("give either a handler or a batchHandler");
            }
            if (deadLetterTopic == null) {
                problems.add("deadLetterTopic mapping is missing");
            }
            if (maxPollRecords < 1) {
                problems.add("maxPollRecords must be at least 1");
            }
            if (maxRecordBytes < 1) {
                problems.add("maxRecordBytes must be positive");
            }
            if (pollTimeout == null || pollTimeout.isNegative() || listener == null || clock == null) {
                problems.add("pollTimeout, listener and clock must be set (they have defaults)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("exactly-once processor: " + String.join("; ", problems));
            }
            if (security == null) {
                security = KafkaClientSecurity.fromEnvironment();
            }
            if (serviceName == null) {
                serviceName = groupId;
            }
            return new ExactlyOnceProcessor(copy());
        }

        private Builder copy() {
            Builder b = new Builder();
            b.bootstrapServers = bootstrapServers;
            b.groupId = groupId;
            b.topics = topics;
            b.topicPattern = topicPattern;
            b.instanceId = instanceId;
            b.handler = handler;
            b.batchHandler = batchHandler;
            b.deadLetterTopic = deadLetterTopic;
            b.serviceName = serviceName;
            b.maxPollRecords = maxPollRecords;
            b.maxRecordBytes = maxRecordBytes;
            b.pollTimeout = pollTimeout;
            b.listener = listener;
            b.clock = clock;
            b.security = security;
            b.consumerProperties.putAll(consumerProperties);
            b.producerProperties.putAll(producerProperties);
            return b;
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }
}
