package io.umbra.load;

import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.events.score.Score;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One load run against a running pipeline: the Kafka edge of the harness.
 *
 * <ol>
 *   <li>Checks the tenants' topics exist, positions a {@code read_committed} reader at the end of
 *       every {@code <t>.scores} and a byte meter at the end of every {@code <t>.score.requests}.</li>
 *   <li>Sends one probe transaction per tenant and waits until each is scored: the run starts only
 *       against a pipeline that answers (keys published, every service up).</li>
 *   <li>Sends the warm-up and the window open-loop on the {@link SendSchedule}, never waiting for
 *       a score; latency of each score is its arrival minus its transaction's scheduled send time.</li>
 *   <li>Waits up to the drain period for the scores still in flight, then counts.</li>
 * </ol>
 *
 * <p>Progress goes to {@code progress} (stderr in the CLI) every five seconds. One instance runs once.
 */
public final class LoadRun {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final LoadPlan plan;
    private final String bootstrapServers;
    private final boolean selfStarted;
    private final TransactionSource source;
    private final PrintStream progress;
    private final Duration readyTimeout;

    private final SendSchedule schedule;
    private final TransactionIds ids = TransactionIds.random();
    private final TransactionLedger ledger;
    private final Timeline timeline;
    private final Set<String> probesScored = ConcurrentHashMap.newKeySet();
    private final AtomicLong requestRecords = new AtomicLong();
    private final AtomicLong requestBytes = new AtomicLong();
    private final AtomicLong lastMeasuredScoreNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile long t0 = Long.MAX_VALUE;
    /** Wall-clock time of {@link #t0}, for comparing with the times inside a Score. */
    private volatile Instant wallT0;
    private final StageBreakdown stages = new StageBreakdown();
    private TopicLag topicLag;

    private volatile boolean reading = true;
    private volatile Exception readerFailure;
    private KafkaConsumer<String, byte[]> scoreConsumer;
    private KafkaConsumer<Void, Void> requestConsumer;
    private Thread scoreReader;
    private Thread requestMeter;
    private Map<Long, String> processNames = Map.of();
    private Map<String, Object> clientProperties = Map.of();
    /** Null for a fixed warm-up. */
    private final SteadyState steadyState;
    private volatile LoadResult.WarmupOutcome warmupOutcome;

    public LoadRun(LoadPlan plan, String bootstrapServers, boolean selfStarted, TransactionSource source, PrintStream progress,
                   Duration readyTimeout) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.selfStarted = selfStarted;
        this.source = Objects.requireNonNull(source, "source");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
        this.schedule = plan.schedule();
        this.ledger = TransactionLedger.of(schedule);
        long windowSeconds = plan.duration().toSeconds() + plan.drain().toSeconds() + 2;
        this.timeline = new Timeline((int) Math.min(windowSeconds, 7 * 24 * 3600));
        this.steadyState = plan.steady() == null ? null
                : new SteadyState(plan.ratePerSecond(), plan.steady().window(), plan.steady().p99Bound());
        this.warmupOutcome = LoadResult.WarmupOutcome.fixed(plan.warmup());
    }

    /**
     * Kafka client settings added to every client of the run (producer, both readers, the admin client): how to
     * log in to a secured broker ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}). The run's own
     * settings (bootstrap, serializers, {@code read_committed}, acks, idempotence) are not overridden.
     */
    public LoadRun clientProperties(Map<String, Object> properties) {
        this.clientProperties = Map.copyOf(properties);
        return this;
    }

    /** Names for the report's CPU table: pid → what runs there (e.g. {@code acme-encrypt-service}). */
    public LoadRun processNames(Map<Long, String> names) {
        this.processNames = Map.copyOf(names);
        return this;
    }

    public LoadResult run() {
        Map<String, List<TopicPartition>> scorePartitions = new HashMap<>();
        Map<String, List<TopicPartition>> requestPartitions = new HashMap<>();
        describeTopics(scorePartitions, requestPartitions);

        scoreConsumer = new KafkaConsumer<>(consumerConfig("umbra-load-scores", 1 << 20),
                new StringDeserializer(), new ByteArrayDeserializer());
        requestConsumer = new KafkaConsumer<>(
                consumerConfig("umbra-load-requests", Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES), new Skip(), new Skip());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
        Admin lagAdmin = Admin.create(adminConfig("umbra-load-lag"));
        Set<String> tenantTopics = new java.util.TreeSet<>();
        for (String t : plan.tenants()) {
            for (TopicKind k : TopicKind.values()) {
                tenantTopics.add(Topics.name(TenantId.of(t), k));
            }
        }
        topicLag = new TopicLag(lagAdmin, tenantTopics);
        topicLag.start();
        try {
            List<TopicPartition> scores = scorePartitions.values().stream().flatMap(List::stream).toList();
            scoreConsumer.assign(scores);
            scoreConsumer.seekToEnd(scores);
            scores.forEach(scoreConsumer::position); // pin the end now, before anything is sent
            scoreReader = Thread.ofPlatform().name("load-score-reader").daemon().start(() -> readScores(scoreConsumer));

            probe(producer);

            List<TopicPartition> requests = requestPartitions.values().stream().flatMap(List::stream).toList();
            requestConsumer.assign(requests);
            requestConsumer.seekToEnd(requests);
            requests.forEach(requestConsumer::position);
            requestMeter = Thread.ofPlatform().name("load-request-meter").daemon().start(() -> meterRequests(requestConsumer));

            return sendAndDrain(producer);
        } finally {
            stopReaders();
            topicLag.finish();
            lagAdmin.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(10));
            scoreConsumer.close(Duration.ofSeconds(5));
            requestConsumer.close(Duration.ofSeconds(5));
        }
    }

    private LoadResult sendAndDrain(KafkaProducer<String, byte[]> producer) {
        long start = System.nanoTime() + 50_000_000L; // a moment to get the threads going
        Instant startedAt = Instant.now().plusMillis(50);
        wallT0 = startedAt;
        t0 = start;
        long measuredStart = start + schedule.measuredStartNanos();
        progress.printf(Locale.ROOT, "[load] sending %s tx/s to %s for %s (after a %s), run %s%n",
                LoadReport.rateText(plan.ratePerSecond()), String.join(", ", plan.tenants()), human(plan.duration()),
                steadyState == null ? human(plan.warmup()) + " warm-up"
                        : String.format(Locale.ROOT, "warm-up of at least %s that waits until, over %d s, scores keep up at p99 ≤ %.0f ms"
                                + " (at most %s)", human(plan.warmup()), steadyState.windowSeconds(), steadyState.p99BoundMillis(),
                                human(plan.steady().max())), ids.prefix());
        boolean warmupOpen = steadyState != null && schedule.warmupCount() > 0;
        long nextSteadyCheck = start + plan.warmup().toNanos();
        long nextWarmupNote = nextSteadyCheck + PROGRESS_EVERY.toNanos();

        long lateSends = 0;
        long maxLag = 0;
        String stopReason = null;
        long nextProgress = start + PROGRESS_EVERY.toNanos();
        ProcessCpu.Reading cpuAtStart = null;
        long seq = 0;
        for (; seq < schedule.total(); seq++) {
            long due = start + schedule.offsetNanos(seq);
            long now = System.nanoTime();
            while (due - now > 100_000) { // parking for less than ~0.1 ms costs more than it saves
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            if (warmupOpen && seq == schedule.warmupCount()) {
                warmupOpen = false;
                String why = steadyState.reason();
                warmupOutcome = new LoadResult.WarmupOutcome((measuredStart - start) / 1e9, true, false,
                        "did not settle within the cap of " + human(plan.steady().max()) + " (" + why + ")");
                progress.printf(Locale.ROOT, "[load] the pipeline did not keep up within the warm-up cap of %s (%s): measuring anyway,"
                        + " so the window includes its backlog%n", human(plan.steady().max()), why);
            } else if (warmupOpen && now >= nextSteadyCheck) {
                if (steadyState.isSteady(now - start, ledger.inFlight())) {
                    schedule.endWarmupAt(seq);
                    ledger.endWarmupAt(seq, schedule.measuredCount());
                    measuredStart = start + schedule.measuredStartNanos();
                    warmupOpen = false;
                    warmupOutcome = new LoadResult.WarmupOutcome((measuredStart - start) / 1e9, true, true, String.format(Locale.ROOT,
                            "steady after %.1f s: over %d s scores kept up at p99 ≤ %.0f ms", (measuredStart - start) / 1e9,
                            steadyState.windowSeconds(), steadyState.p99BoundMillis()));
                    progress.printf(Locale.ROOT, "[load] %s; the measured window starts now%n", warmupOutcome.note());
                } else {
                    nextSteadyCheck = now + 1_000_000_000L;
                    if (now >= nextWarmupNote) {
                        progress.printf(Locale.ROOT, "[load] warming up, %.0f s: not steady yet (%s)%n", (now - start) / 1e9,
                                steadyState.reason());
                        nextWarmupNote = now + PROGRESS_EVERY.toNanos();
                    }
                }
            }
            if (cpuAtStart == null && now >= measuredStart) {
                cpuAtStart = ProcessCpu.read();
                topicLag.recording(true);
            }
            long lag = now - due;
            if (lag > LoadResult.ProducerStats.LATE_MILLIS * 1_000_000) {
                lateSends++;
            }
            maxLag = Math.max(maxLag, lag);
            if (ledger.inFlight() >= plan.maxInFlight()) {
                stopReason = "more than " + plan.maxInFlight() + " transactions were waiting for their score at transaction "
                        + seq + " of " + schedule.total() + ": the pipeline had fallen that far behind";
                break;
            }
            if (readerFailure != null) {
                stopReason = "the score reader failed: " + readerFailure;
                break;
            }
            send(producer, seq, now, measuredStart);
            if (now >= nextProgress) {
                report(now, start);
                nextProgress += PROGRESS_EVERY.toNanos();
            }
        }
        long sendEnd = System.nanoTime();
        topicLag.recording(false);
        producer.flush();
        if (cpuAtStart == null) {
            cpuAtStart = ProcessCpu.read();
        }
        ProcessCpu.Reading cpuAtEnd = ProcessCpu.read();
        progress.printf(Locale.ROOT, "[load] sent %d in %.1f s; draining (up to %s) for %d scores in flight%n", seq,
                (sendEnd - start) / 1e9, human(plan.drain()), ledger.inFlight());

        long drainDeadline = System.nanoTime() + plan.drain().toNanos();
        long nextDrainProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        while (ledger.inFlight() > 0 && System.nanoTime() < drainDeadline && readerFailure == null) {
            LockSupport.parkNanos(20_000_000L);
            if (System.nanoTime() >= nextDrainProgress) {
                progress.printf(Locale.ROOT, "[load] draining: %d in flight%n", ledger.inFlight());
                nextDrainProgress += PROGRESS_EVERY.toNanos();
            }
        }
        double drainSeconds = (System.nanoTime() - sendEnd) / 1e9;
        // a score that arrives from now on is too late: the readers stop before anything is counted
        stopReaders();

        List<Timeline.Second> seconds = timeline.finish();
        double windowSeconds = plan.duration().toNanos() / 1e9;
        long last = lastMeasuredScoreNanos.get();
        if (last != Long.MIN_VALUE) {
            windowSeconds = Math.max(windowSeconds, (last - measuredStart) / 1e9);
        }
        TransactionLedger.Counts measured = ledger.counts(false);
        TransactionLedger.Counts warmup = ledger.counts(true);
        boolean stoppedEarly = stopReason != null;
        if (readerFailure != null && stopReason == null) {
            stopReason = "the score reader failed: " + readerFailure;
            stoppedEarly = true;
        }
        return new LoadResult(plan, new LoadResult.Target(bootstrapServers, selfStarted), startedAt, MachineInfo.current(),
                measured, warmup, ledger.sendFailures(), ledger.strays(), timeline.overall(), seconds,
                new LoadResult.ProducerStats(lateSends, maxLag / 1e6, stoppedEarly, stopReason),
                requestRecords.get(), requestBytes.get(), measured.scored() + warmup.scored(), windowSeconds, drainSeconds,
                ProcessCpu.between(cpuAtStart, cpuAtEnd, processNames), ProcessCpu.machineBusyPercent(cpuAtStart, cpuAtEnd),
                stages.stages(), warmupOutcome, topicLag.finish());
    }

    private void send(KafkaProducer<String, byte[]> producer, long seq, long now, long measuredStart) {
        String tenant = schedule.tenantOf(seq);
        TransactionSource.Outgoing tx = source.next(tenant, ids.idOf(seq), Instant.now());
        ledger.markSending(seq);
        if (!schedule.isWarmup(seq)) {
            timeline.recordSent(now - measuredStart);
        }
        producer.send(new ProducerRecord<>(Topics.name(TenantId.of(tenant), TopicKind.TX_RAW), tx.key(), tx.value()),
                (metadata, error) -> {
                    if (error == null) {
                        ledger.markAcknowledged(seq);
                    } else {
                        ledger.markSendFailed(seq);
                    }
                });
    }

    private void report(long now, long start) {
        TransactionLedger.Counts m = ledger.counts(false);
        TransactionLedger.Counts w = ledger.counts(true);
        progress.printf(Locale.ROOT, "[load] %4.0f s: produced %d, scored %d, in flight %d%s%n", (now - start) / 1e9,
                m.produced() + w.produced(), m.scored() + w.scored(), ledger.inFlight(),
                ledger.counts(false).duplicates() > 0 ? ", duplicates " + m.duplicates() : "");
    }

    /** One transaction per tenant, outside the schedule, until each is scored or the ready timeout passes. */
    private void probe(KafkaProducer<String, byte[]> producer) {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        long nextResend = System.nanoTime();
        long nextNote = System.nanoTime() + PROGRESS_EVERY.toNanos() * 2;
        progress.printf(Locale.ROOT, "[load] waiting for the pipeline to score a first transaction of each tenant (up to %s)%n",
                human(readyTimeout));
        while (true) {
            List<String> waiting = plan.tenants().stream().filter(t -> !probesScored.contains(ids.probeIdOf(t))).toList();
            if (waiting.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("the pipeline scored no transaction of " + String.join(", ", waiting) + " within "
                        + human(readyTimeout) + " on " + bootstrapServers + ": is every service running, and has the key-service"
                        + " published the tenant's public keys?");
            }
            if (readerFailure != null) {
                throw new IllegalStateException("reading the scores failed: " + readerFailure.getMessage(), readerFailure);
            }
            if (now >= nextResend) {
                // the ingest-service de-duplicates by id, so sending the probe again is harmless; it covers a
                // pipeline that was still starting and dropped nothing but had not subscribed yet
                for (String t : waiting) {
                    TransactionSource.Outgoing tx = source.next(t, ids.probeIdOf(t), Instant.now());
                    producer.send(new ProducerRecord<>(Topics.name(TenantId.of(t), TopicKind.TX_RAW), tx.key(), tx.value()));
                }
                producer.flush();
                nextResend = now + TimeUnit.SECONDS.toNanos(15);
            }
            if (now >= nextNote) {
                progress.printf(Locale.ROOT, "[load] still waiting for a score of %s%n", String.join(", ", waiting));
                nextNote = now + PROGRESS_EVERY.toNanos() * 2;
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    private void readScores(KafkaConsumer<String, byte[]> consumer) {
        try {
            while (reading) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> r : records) {
                    String id = r.key() != null ? r.key() : idInValue(r.value());
                    if (id == null || !id.startsWith(ids.prefix())) {
                        continue; // another producer's transaction, or an earlier run's
                    }
                    long seq = ids.seqOf(id);
                    if (seq < 0) {
                        probesScored.add(id);
                        continue;
                    }
                    TransactionLedger.ScoreOutcome outcome = ledger.markScored(seq);
                    if (outcome == TransactionLedger.ScoreOutcome.FIRST && schedule.isWarmup(seq) && steadyState != null) {
                        long now = System.nanoTime();
                        steadyState.recordScore(now - t0, now - (t0 + schedule.offsetNanos(seq)));
                    } else if (outcome == TransactionLedger.ScoreOutcome.FIRST && !schedule.isWarmup(seq)) {
                        long now = System.nanoTime();
                        long measuredStart = t0 + schedule.measuredStartNanos();
                        timeline.recordScore(now - measuredStart, now - (t0 + schedule.offsetNanos(seq)));
                        lastMeasuredScoreNanos.accumulateAndGet(now, Math::max);
                        if (seq % StageBreakdown.SAMPLE_EVERY == 0 && r.value() != null) {
                            sampleStages(seq, r.value());
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // asked to stop
        } catch (Exception e) {
            readerFailure = e;
        }
    }

    private void sampleStages(long seq, byte[] value) {
        try {
            Score s = Score.fromJson(value);
            stages.record(wallT0.plusNanos(schedule.offsetNanos(seq)), s, Instant.now());
        } catch (RuntimeException e) {
            // a score this harness cannot read is the alert-service's business, not a stage sample
        }
    }

    /** The transaction id inside a Score's JSON, for a producer that left the record key out. */
    private static String idInValue(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return Score.fromJson(value).transactionId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void meterRequests(KafkaConsumer<Void, Void> consumer) {
        try {
            while (reading) {
                for (ConsumerRecord<Void, Void> r : consumer.poll(Duration.ofMillis(200))) {
                    requestRecords.incrementAndGet();
                    requestBytes.addAndGet(Math.max(r.serializedKeySize(), 0) + Math.max(r.serializedValueSize(), 0));
                }
            }
        } catch (WakeupException e) {
            // asked to stop
        }
    }

    private Map<String, Object> adminConfig(String clientId) {
        Map<String, Object> adminConfig = new HashMap<>(clientProperties);
        adminConfig.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, clientId,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
        return adminConfig;
    }

    private void describeTopics(Map<String, List<TopicPartition>> scores, Map<String, List<TopicPartition>> requests) {
        try (Admin admin = Admin.create(adminConfig("umbra-load-admin"))) {
            List<String> names = new ArrayList<>();
            for (String t : plan.tenants()) {
                for (TopicKind k : List.of(TopicKind.TX_RAW, TopicKind.SCORE_REQUESTS, TopicKind.SCORES)) {
                    names.add(Topics.name(TenantId.of(t), k));
                }
            }
            Map<String, TopicDescription> described;
            try {
                Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
                List<String> missing = names.stream().filter(n -> !existing.contains(n)).toList();
                if (!missing.isEmpty()) {
                    throw new IllegalStateException("the broker at " + bootstrapServers + " has no topic " + String.join(", ", missing)
                            + ": is the pipeline running there (./umbra local --no-traffic) with these tenants?");
                }
                described = admin.describeTopics(names).allTopicNames().get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot reach the broker at " + bootstrapServers + ": "
                        + (e.getCause() != null ? e.getCause().getMessage() : e.toString()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking the broker for the topics", e);
            }
            for (String t : plan.tenants()) {
                scores.put(t, partitionsOf(described.get(Topics.name(TenantId.of(t), TopicKind.SCORES))));
                requests.put(t, partitionsOf(described.get(Topics.name(TenantId.of(t), TopicKind.SCORE_REQUESTS))));
            }
        }
    }

    private static List<TopicPartition> partitionsOf(TopicDescription d) {
        return d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())).toList();
    }

    private Map<String, Object> consumerConfig(String clientId, int maxPartitionFetchBytes) {
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + ids.prefix());
        // aborted transactions (a service killed mid-batch) must not count as scores
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxPartitionFetchBytes);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(maxPartitionFetchBytes, 50 << 20));
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return c;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "umbra-load-" + ids.prefix());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
        return c;
    }

    /** Stops both reader threads and waits for them; idempotent. */
    private void stopReaders() {
        reading = false;
        scoreConsumer.wakeup();
        requestConsumer.wakeup();
        join(scoreReader);
        join(requestMeter);
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** Reads nothing: the meter needs record sizes, which the consumer knows without deserialising. */
    private static final class Skip implements Deserializer<Void> {
        @Override
        public Void deserialize(String topic, byte[] data) {
            return null;
        }
    }
}
