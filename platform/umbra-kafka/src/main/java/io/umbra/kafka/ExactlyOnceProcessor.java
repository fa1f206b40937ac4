package io.umbra.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
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
 * ExactlyOnceProcessor decrypt = ExactlyOnceProcessor.builder()
 *         .bootstrapServers(bootstrap)
 *         .groupId("acme.key-service")
 *         .topics(List.of("acme.score.results"))
 *         .instanceId(podName)                         // stable across restarts of this instance
 *         .deadLetterTopic(source -> "acme.decrypt.dlq")
 *         .handler(record -> ...Outcome.emit(...) or Outcome.reject("MANIFEST_INVALID", "the manifest does not open"))
 *         .build();
 * decrypt.start();
 * ...
 * decrypt.close();                                     // finishes the current transaction
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
 *       {@link ProcessorConfig.Builder#maxRecordBytes} or outputs the broker refuses send that one input to the
 *       dead-letter topic ({@link DeadLetters}); its neighbours go through.</li>
 *   <li>On an abortable error the transaction is aborted and the consumer rewound to the batch's first
 *       offsets (the last committed ones: every transaction commits exactly what it consumed), so the
 *       batch is replayed: nothing lost, nothing doubled. Errors not tied to a record are retried with
 *       back-off (100 ms doubling to 5 s).</li>
 *   <li>When fenced ({@code ProducerFencedException}, {@code InvalidProducerEpochException}, a fenced
 *       static member) another instance has taken over: it stops, with that as its {@link #failure()}.
 *       So it does on a refused login and other fatal errors.</li>
 *   <li>When the broker refuses an ACL it needs (WRITE on an output or dead-letter topic, READ on an input topic
 *       or the group, WRITE on the transactional id) it does not stop: the transaction is aborted and the batch
 *       rewound as on any abortable error (nothing skipped, nothing doubled), the producer replaced if the refusal
 *       left it unusable, and it retries with back-off; {@link #notAuthorized()} says why meanwhile (readiness DOWN),
 *       and the first commit (or poll, for a consumer-side refusal) after the operator granted the ACL back clears
 *       it. No restart needed.</li>
 *   <li>A producer left in an error state that no abort clears, by no other instance (the coordinator aborted the
 *       transaction at its timeout while this instance was cut off from the brokers, and refused the commit after
 *       the heal: {@code InvalidTxnStateException}, or fenced on a transaction open longer than
 *       {@code transaction.timeout.ms}), is replaced by a new one with the same transactional id, and the batch is
 *       replayed.</li>
 * </ul>
 *
 * <p>Batch mode ({@link ProcessorConfig.Builder#batchHandler}): the whole poll goes to a {@link BatchHandler} at once,
 * still one poll = one transaction; {@link ProcessorConfig.Builder#batchLinger} makes the consumer's fetch wait for a
 * full batch or the linger, so a batch never spans transactions.
 *
 * Runs on a thread of its own ({@link #start()}); {@link #stop()} and {@link #close()} let the current
 * transaction finish. Memory per batch is bounded by {@code max.poll.records} and the fetch sizes.
 *
 * <h2>Where things are</h2>
 * This class is the loop — poll, process, send, commit — and the life cycle around it. Beside it:
 * {@link ProcessorConfig} (the settings and the clients' configurations), {@link PollTransaction} (what one
 * poll sends: outputs and dead letters), {@link RecordsAsBatch} (record mode on the one batch path),
 * {@link Strikes} (inputs a replay must dead-letter), {@link KafkaErrors} (what an error means),
 * {@link DeadLetters} (the dead-letter record).
 */
public final class ExactlyOnceProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceProcessor.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final int COMMIT_ATTEMPTS = 5;

    private enum State { NEW, STARTING, RUNNING, STOPPED }

    /** Thrown by the test seam ({@link #crashWithoutCommitting()}) in place of the commit; caught by {@link #run()} alone. */
    private static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("crashed on purpose (test)", null, false, false);
        }
    }

    private final ProcessorConfig config;
    private final String transactionalId;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final int maxRequestSize;
    private final long transactionTimeoutMs;
    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final Strikes strikes = new Strikes();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile Throwable failure;
    /** The ACL refusal that keeps the producer side (init, send, commit) from working, until a commit succeeds. */
    private volatile String produceRefused;
    /** The ACL refusal that keeps the consumer (topic READ, group READ) from polling, until a poll succeeds. */
    private volatile String consumeRefused;
    /** The test seam: when set, the transaction in progress is not committed and the process "dies". */
    private volatile boolean crashBeforeCommit;
    private Duration backoff = MIN_BACKOFF;
    /** When the transaction in progress began (the loop's thread only). */
    private long transactionBeganNanos;

    ExactlyOnceProcessor(ProcessorConfig config) {
        this.config = config;
        this.transactionalId = config.transactionalId();
        this.consumerConfig = config.consumerConfig();
        this.producerConfig = config.producerConfig();
        this.maxRequestSize = Integer.parseInt(producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG).toString());
        this.transactionTimeoutMs = Long.parseLong(producerConfig.getOrDefault(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000).toString());
        this.thread = new Thread(this::run, "eos-" + transactionalId);
    }

    public static ProcessorConfig.Builder builder() {
        return new ProcessorConfig.Builder();
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
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("processor " + transactionalId + " was already started");
        }
        try {
            producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            state.set(State.STOPPED);
            failure = e;
            stopped.countDown();
            throw e;
        }
        state.set(State.RUNNING);
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
        if (state.compareAndSet(State.NEW, State.STOPPED)) {
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
        return state.get() == State.RUNNING;
    }

    /** Why the loop stopped by itself (fenced, a fatal error), or empty. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * While the broker refuses this loop an ACL it needs: the refusal in one line (its kind and the resource it
     * names, no credential). The loop keeps retrying meanwhile; empty again once it works.
     */
    public Optional<String> notAuthorized() {
        String p = produceRefused;
        String c = consumeRefused;
        return Optional.ofNullable(p != null && c != null && !p.equals(c) ? p + "; " + c : p != null ? p : c);
    }

    /**
     * Test seam: dies like a killed process before the transaction in progress commits. The outputs sent so
     * far are flushed to the broker, then both clients are closed without committing or aborting (the
     * consumer does leave its group, so a successor need not wait out the session timeout). Call it from
     * the handler: that record's transaction never commits.
     */
    void crashWithoutCommitting() {
        crashBeforeCommit = true;
        stop();
    }

    // ---- the loop: poll, process, send, commit --------------------------------------------------

    private void run() {
        Throwable cause = null;
        boolean crashed = false;
        try {
            if (initTransactions()) {
                subscribe();
                while (!isStopRequested()) {
                    ConsumerRecords<byte[], byte[]> records;
                    try {
                        records = consumer.poll(config.pollTimeout());
                    } catch (WakeupException e) {
                        continue; // stop(): the loop condition decides
                    } catch (KafkaException e) {
                        // READ on an input topic or on the group refused: nothing was handed over, nothing to rewind
                        var refused = KafkaErrors.refusal(e);
                        if (refused.isEmpty()) {
                            throw e;
                        }
                        consumeRefused = refused(consumeRefused, refused.get(), "polling");
                        sleepUnlessStopped();
                        backoff = next(backoff);
                        continue;
                    }
                    consumeRefused = null;
                    if (!records.isEmpty()) {
                        processBatch(records);
                    }
                }
            }
        } catch (SimulatedCrash e) {
            crashed = true;
        } catch (Throwable e) {
            cause = e;
            if (KafkaErrors.isFenced(e)) {
                LOG.warn("processor {} is fenced: another instance took over ({}); stopping", transactionalId, e.toString());
            } else {
                LOG.error("processor {} stops on a fatal error", transactionalId, e);
            }
        } finally {
            if (crashed) {
                crash();
            } else {
                closeClients(cause == null);
                failure = cause;
            }
            state.set(State.STOPPED);
            tell(l -> l.stopped(failure)); // before awaitStopped() returns: waiting covers the listener too
            stopped.countDown();
        }
    }

    /**
     * Fences any older incarnation with this transactional id and aborts what it left open. False if stopped meanwhile.
     * A refused transactional-id ACL leaves the producer unusable: a new one tries again after the back-off.
     */
    private boolean initTransactions() {
        while (true) {
            try {
                producer.initTransactions();
                produceRefused = null;
                return true;
            } catch (TimeoutException e) {
                LOG.warn("processor {}: initTransactions timed out ({}); retrying", transactionalId, e.getMessage());
                if (sleepUnlessStopped()) {
                    return false;
                }
            } catch (KafkaException e) {
                var refused = KafkaErrors.refusal(e);
                if (refused.isEmpty()) {
                    throw e;
                }
                produceRefused = refused(produceRefused, refused.get(), "initTransactions");
                if (sleepUnlessStopped()) {
                    return false;
                }
                backoff = next(backoff);
                newProducer();
            }
        }
    }

    /** Closes the producer without waiting (its open transaction is aborted by the next initTransactions) and creates another. */
    private void newProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.warn("processor {}: closing the refused producer: {}", transactionalId, e.toString());
        }
        producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        tell(l -> l.clientsCreated(consumer, producer));
    }

    /** Logs a refusal when it is new or changed (not at every retry) and returns its one-line form. */
    private String refused(String before, String why, String where) {
        if (!why.equals(before)) {
            LOG.error("processor {}: the broker refused an ACL this service needs ({}): {}; retrying with back-off until it is granted",
                    transactionalId, where, why);
        }
        return why;
    }

    private static Duration next(Duration backoff) {
        return backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
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
                strikes.forget(partitions);
                tell(l -> l.partitionsRevoked(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                onPartitionsRevoked(partitions);
            }
        };
        if (config.topicPattern() != null) {
            consumer.subscribe(config.topicPattern(), rebalance);
        } else {
            consumer.subscribe(config.topics(), rebalance);
        }
    }

    /** One poll, one transaction: committed with the consumed offsets, or aborted and rewound for a replay. */
    private void processBatch(ConsumerRecords<byte[], byte[]> records) {
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
        PollTransaction transaction = new PollTransaction(config, producer, strikes, maxRequestSize);
        PollTransaction.SendFailures failures = transaction.failures();
        boolean open = false;
        try {
            producer.beginTransaction();
            transactionBeganNanos = System.nanoTime();
            open = true;
            transaction.send(records);
            if (crashBeforeCommit) {
                producer.flush();
                throw new SimulatedCrash();
            }
            if (!failures.any()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                commit();
            }
        } catch (KafkaException e) {
            // an ACL refusal even before the transaction began is aborted (or the producer replaced) like any other;
            // so is a fencing by the coordinator's own timeout (a partition outlasted it), which is not a takeover
            if ((KafkaErrors.isFatal(e) && !timedOutByTheCoordinator(e)) || (!open && KafkaErrors.refusal(e).isEmpty())) {
                throw e;
            }
            failures.batch(e);
        }
        if (failures.any()) {
            abort(records.count(), firstOffsets, failures);
            return;
        }
        backoff = MIN_BACKOFF;
        produceRefused = null;
        strikes.committed(records);
        config.handler().batchCommitted();
        BatchStats stats = transaction.stats(records.count(), Duration.ofNanos(System.nanoTime() - startNanos));
        if (stats.latency().toMillis() > transactionTimeoutMs / 2) {
            // Past transaction.timeout.ms the coordinator aborts the batch and fences this producer.
            LOG.warn("processor {}: a batch of {} records took {} ms, over half of transaction.timeout.ms ({} ms);"
                    + " lower maxPollRecords", transactionalId, records.count(), stats.latency().toMillis(), transactionTimeoutMs);
        }
        tell(l -> l.batchCommitted(stats));
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

    private void abort(int recordCount, Map<TopicPartition, Long> firstOffsets, PollTransaction.SendFailures failures) {
        Throwable cause = failures.first.get();
        var refusal = KafkaErrors.refusal(cause);
        for (int attempt = 1; ; attempt++) {
            try {
                producer.abortTransaction();
                break;
            } catch (TimeoutException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw new IllegalStateException("abortTransaction timed out " + attempt + " times", e);
                }
            } catch (KafkaException e) {
                // The producer cannot abort: a refused transactional-id or cluster ACL, or an error state the coordinator
                // left it in (it aborted the transaction at its timeout while this instance was cut off). A new producer's
                // initTransactions aborts what is open instead; a fencing by another incarnation or another fatal error
                // still stops the loop.
                var unusable = KafkaErrors.refusal(e); // empty for a fencing
                if (unusable.isEmpty() && KafkaErrors.isFatal(e) && !timedOutByTheCoordinator(e)) {
                    throw e;
                }
                if (refusal.isEmpty()) {
                    refusal = unusable;
                }
                if (!replaceProducer(e, unusable.isEmpty())) {
                    return; // stopping; the next incarnation's initTransactions aborts it
                }
                break;
            }
        }
        if (refusal.isPresent()) {
            produceRefused = refused(produceRefused, refusal.get(), "sending or committing");
        }
        boolean recordSpecific = false;
        for (Map.Entry<Coordinates, Strikes.SendFailure> f : failures.byRecord.entrySet()) {
            if (KafkaErrors.isRecordSpecific(f.getValue().error())) {
                strikes.strike(f.getKey(), f.getValue());
                recordSpecific = true;
            }
        }
        Set<TopicPartition> assigned = consumer.assignment();
        for (Map.Entry<TopicPartition, Long> e : firstOffsets.entrySet()) {
            if (assigned.contains(e.getKey())) {
                consumer.seek(e.getKey(), e.getValue());
            }
        }
        config.handler().batchAborted();
        LOG.warn("processor {}: aborted a transaction of {} records and rewound to the last committed offsets: {}",
                transactionalId, recordCount, String.valueOf(cause));
        tell(l -> l.batchAborted(recordCount, cause));
        if (!recordSpecific) {
            sleepUnlessStopped();
            backoff = next(backoff);
        }
    }

    /**
     * Whether a fencing error ({@code ProducerFencedException}, {@code InvalidProducerEpochException}) comes from the
     * coordinator itself rather than from another incarnation: the transaction in progress has been open longer than
     * {@code transaction.timeout.ms}, so the coordinator has aborted it and bumped the producer's epoch, and the stale
     * producer is told it is fenced. Another incarnation with this instance id does not run beside this one (in k8s/
     * the instance id is the pod's name, unique to the pod; a local run restarts a process only once it is gone), so
     * this is not a takeover.
     */
    private boolean timedOutByTheCoordinator(Throwable e) {
        return KafkaErrors.isFenced(e) && !hasOtherFatalCause(e)
                && System.nanoTime() - transactionBeganNanos > TimeUnit.MILLISECONDS.toNanos(transactionTimeoutMs);
    }

    private static boolean hasOtherFatalCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.FencedInstanceIdException) {
                return true; // a static member fenced by another: a real takeover
            }
        }
        return false;
    }

    /**
     * The producer is in an error state that no abort clears, and no other instance put it there (fencing and other
     * fatal errors stop the loop before this): typically the coordinator ended the transaction itself at
     * {@code transaction.timeout.ms}, with an epoch bump, while this instance was cut off from the brokers, and
     * refused what the stale producer sent after the heal ({@code InvalidTxnStateException}, or a fencing error on a
     * transaction older than its timeout: {@link #timedOutByTheCoordinator}). A new producer with the same
     * transactional id takes over: its {@code initTransactions} aborts whatever is still open, and the caller rewinds
     * the consumer to the batch's first offsets, so the batch is replayed instead of the loop stopping for good. The
     * same when a refused ACL left the producer unusable ({@code log} false: {@link #refused} says that once). False when
     * a stop was asked for meanwhile.
     */
    private boolean replaceProducer(KafkaException cause, boolean log) {
        if (log) {
            LOG.warn("processor {}: the producer is in an error state no abort clears ({}); replacing it with a new producer"
                    + " under the same transactional id, then replaying the batch", transactionalId, KafkaErrors.describe(cause));
        }
        newProducer();
        return initTransactions(); // false when a stop was asked for meanwhile
    }

    /** The end of {@link #crashWithoutCommitting()}: no commit, no abort, as if the process were killed. */
    private void crash() {
        LOG.warn("processor {}: crashing on purpose, without committing or aborting", transactionalId);
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
            call.accept(config.listener());
        } catch (RuntimeException e) {
            LOG.warn("processor {}: the listener threw {}", transactionalId, e.toString());
        }
    }
}
