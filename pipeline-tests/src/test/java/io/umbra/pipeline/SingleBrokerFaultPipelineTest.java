package io.umbra.pipeline;

import io.umbra.events.TenantId;
import io.umbra.kafka.local.FaultProxy;
import io.umbra.kafka.local.KafkaCluster;
import io.umbra.local.Service;
import io.umbra.local.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults of a single broker ({@code --brokers 1}) run, both banks' traffic flowing, one pipeline for both tests:
 * <ol>
 *   <li>The broker SIGKILLed mid-stream and restarted with its data {@value #DOWN_SECONDS} s later: longer than the
 *       clients' {@code max.block.ms} and the pool's and key-service's {@code transaction.timeout.ms} (60 s each), with
 *       the Streams services' {@code task.timeout.ms} lowered to 5 s so that a task timing out on the missing broker (and
 *       its stream thread being replaced) falls inside the outage. Meanwhile every service's readiness goes DOWN
 *       (kafka-brokers check), and no service spins: the CPU of each of the nine processes, from {@code /proc}, over the
 *       same 60 s of the outage, stays under 10 % of a core (the orphaned ingest-service of issue 14 kept 80 % busy).
 *       Then every service is ready again.</li>
 *   <li>A network partition between the shared scoring pool and the broker, longer than the pool's consumer session
 *       timeout (45 s, Kafka's default) and its producer's transaction timeout (60 s, Kafka's default; the pool sets
 *       neither), then healed: the pool reaches the broker only through a {@link FaultProxy} in front of the broker's
 *       {@code PROXIED} listener, which advertises the proxy; every other service and the test's clients use the
 *       ordinary listener. The pool's readiness goes DOWN during the partition and UP after; the others stay UP.</li>
 * </ol>
 * After each: every transaction scored exactly once, alerted exactly by policy, every service still alive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleBrokerFaultPipelineTest {
    private static final int DOWN_SECONDS = 100;
    private static final Duration DOWN = Duration.ofSeconds(DOWN_SECONDS);
    /** A service waiting for its broker reconnects with backoff: 10 % of a core is far above that and far below a spin. */
    private static final double MAX_SHARE_OF_A_CORE = 0.10;
    /** Where the broker's PROXIED listener binds, and where the proxy in front of it listens (and the listener advertises). */
    private static final int LISTENER_PORT = 18470;
    private static final int PROXY_PORT = 18474;
    /** Kafka's defaults, which the pool keeps: {@code session.timeout.ms} of its consumers and {@code transaction.timeout.ms}. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(60);
    /** Past both, plus the coordinator's 10 s check for timed-out transactions; {@code -Dumbra.faults.partition=PT3M} for longer. */
    private static final Duration PARTITION = Duration.parse(System.getProperty("umbra.faults.partition", "PT75S"));
    private static final String POOL_GROUP = "umbra.he-scoring";
    private static final String POOL_TRANSACTIONAL_ID = POOL_GROUP + "-he-scoring-service-0";
    private FaultProxy proxy;
    private FaultRun run;

    @BeforeAll
    void start() {
        proxy = FaultProxy.start(PROXY_PORT, "127.0.0.1", LISTENER_PORT);
        // task.timeout.ms: a Streams task that cannot reach the broker fails after it (5 min by default) and umbra-kafka's
        // StreamThreadFailures replaces its thread; 5 s brings that path well inside the outage and the CPU window
        run = new FaultRun(1, 18480, "fault-run-1-broker", false, b -> b.proxiedListener(LISTENER_PORT, PROXY_PORT)
                .serviceBootstrap(null, Service.HE_SCORING, proxy.address()).jvmOption("-Dkafka-streams.task.timeout.ms=5000"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (run != null) {
                run.close();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @Test
    @Order(1)
    void theOnlyBrokerGoneLongerThanTheClientsTimeoutsCostsNoCpuAndLosesDoublesAndDuplicatesNothing() throws Exception {
        KafkaCluster cluster = run.pipeline.cluster();
        List<String> readyWhileDown = new ArrayList<>();
        List<String> notReadyAfter = new ArrayList<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        for (ServiceProcess p : run.pipeline.processes()) {
            pids.put(p.name(), p.pid());
            cpu.put(p.name(), new ArrayList<>());
        }
        long[] recovered = new long[1];
        var counts = run.run(1_000, 100, Duration.ofSeconds(3), () -> {
            cluster.kill(1);
            long killed = System.nanoTime();
            System.out.println("[faults] SIGKILLed the only broker for " + DOWN_SECONDS + " s");
            try {
                // readiness tells the truth: every service goes DOWN while it cannot reach the broker (its probe
                // gives up after 6 s without an answer) ...
                readyWhileDown.addAll(run.awaitReadiness(false, Duration.ofSeconds(18)));
                System.out.println("[faults] readiness with the broker gone: " + (readyWhileDown.isEmpty() ? "every service DOWN"
                        : "still UP: " + readyWhileDown));
                // ... no service spins while it waits: six 10 s windows, from 25 s to 85 s into the outage, the
                // clients' first timeouts (request 30 s, max.block 60 s, the tasks' 5 s) falling inside them
                FaultRun.sleep(Duration.ofNanos(Math.max(0, Duration.ofSeconds(25).toNanos() - (System.nanoTime() - killed))));
                for (int w = 0; w < 6; w++) {
                    long from = (System.nanoTime() - killed) / 1_000_000_000;
                    Map<String, Double> shares = ProcessCpu.sharesOfACore(pids, 10_000);
                    shares.forEach((name, share) -> cpu.get(name).add(share));
                    System.out.printf(Locale.ROOT, "[faults] CPU, broker down %d-%d s: %s%n", from,
                            (System.nanoTime() - killed) / 1_000_000_000, percent(shares));
                }
                FaultRun.sleep(Duration.ofNanos(Math.max(0, DOWN.toNanos() - (System.nanoTime() - killed))));
                long down = (System.nanoTime() - killed) / 1_000_000_000;
                cluster.restart(1);
                long restarted = System.nanoTime();
                System.out.println("[faults] the broker restarted " + down + " s after the SIGKILL, serving again after "
                        + (restarted - killed) / 1_000_000_000 + " s");
                // ... and UP again once it can
                notReadyAfter.addAll(run.awaitReadiness(true, Duration.ofMinutes(2)));
                recovered[0] = (System.nanoTime() - restarted) / 1_000_000;
                System.out.println("[faults] every service ready again " + recovered[0] + " ms after the restart");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
        assertEquals(List.of(), readyWhileDown, "services that stayed ready while the only broker was gone");
        assertEquals(List.of(), notReadyAfter, "services not ready again after the broker came back");
        List<String> spinning = new ArrayList<>();
        cpu.forEach((name, windows) -> {
            double mean = windows.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            if (mean >= MAX_SHARE_OF_A_CORE) {
                spinning.add(String.format(Locale.ROOT, "%s %.1f %% of a core (windows %s)", name, 100 * mean, windows));
            }
        });
        assertEquals(List.of(), spinning, "services that spin while their broker is gone (mean over 60 s of the outage)");
    }

    private static String percent(Map<String, Double> shares) {
        StringBuilder b = new StringBuilder();
        shares.forEach((name, share) -> b.append(b.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f %%", name, 100 * share)));
        return b.toString();
    }

    @Test
    @Order(2)
    void theScoringPoolPartitionedFromTheBrokerPastItsSessionAndTransactionTimeoutsThenHealedLosesDoublesAndDuplicatesNothing()
            throws Exception {
        assertTrue(PARTITION.compareTo(TRANSACTION_TIMEOUT.plusSeconds(10)) > 0 && PARTITION.compareTo(SESSION_TIMEOUT) > 0,
                "the partition must outlast the session and transaction timeouts (and the coordinator's 10 s check), got " + PARTITION);
        ServiceProcess pool = run.pipeline.process(FaultRun.ACME, Service.HE_SCORING);
        List<ServiceProcess> others = run.pipeline.processes().stream().filter(p -> p != pool).toList();
        Admin admin = run.pipeline.cluster().admin();
        long logBefore = Files.size(pool.logFile());
        List<String> poolReadyWhileCut = new ArrayList<>();
        List<String> othersDownWhileCut = new ArrayList<>();
        List<String> poolNotReadyAfter = new ArrayList<>();
        AtomicReference<TransactionDescription> transactionAtCut = new AtomicReference<>();
        AtomicReference<TransactionDescription> transactionBeforeHeal = new AtomicReference<>();
        AtomicReference<ConsumerGroupDescription> groupBeforeHeal = new AtomicReference<>();
        Map<TenantId, Integer> scoredBefore = new HashMap<>();
        FaultRun.TENANTS.forEach(t -> scoredBefore.put(t, run.scoredSoFar(t)));
        double[] seconds = new double[4]; // pool DOWN after cut, partition length, pool UP after heal, all scored after heal
        int[] attempts = new int[1];
        var counts = run.run(1_500, 100, Duration.ofSeconds(3), () -> {
            try {
                long cut = cutWhileThePoolsTransactionIsOpen(admin, transactionAtCut, attempts);
                System.out.println("[faults] partitioned the scoring pool from the broker (attempt " + attempts[0] + ", "
                        + proxy.connections() + " connections stalled); its transaction 0.2 s after the cut: " + format(transactionAtCut.get()));
                poolReadyWhileCut.addAll(run.awaitReadiness(List.of(pool), false, Duration.ofSeconds(30)));
                seconds[0] = since(cut);
                System.out.printf(Locale.ROOT, "[faults] pool readiness %s %.1f s after the cut%n",
                        poolReadyWhileCut.isEmpty() ? "DOWN" : "still UP", seconds[0]);
                // the partition is the pool's alone: every other service still reaches the broker
                othersDownWhileCut.addAll(run.awaitReadiness(others, true, Duration.ofSeconds(30)));
                FaultRun.sleep(Duration.ofNanos(Math.max(0, PARTITION.toNanos() - (System.nanoTime() - cut))));
                // what the broker made of the silence: the pool's group member expired, its open transaction aborted
                groupBeforeHeal.set(admin.describeConsumerGroups(List.of(POOL_GROUP)).describedGroups().get(POOL_GROUP)
                        .get(30, TimeUnit.SECONDS));
                transactionBeforeHeal.set(describe(admin));
                int closed = proxy.heal();
                long healed = System.nanoTime();
                seconds[1] = (healed - cut) / 1e9;
                System.out.printf(Locale.ROOT, "[faults] healed after %.1f s (%d stalled connections closed); before the heal the"
                                + " pool's group %s had %d members (state %s), its transaction: %s%n", seconds[1], closed, POOL_GROUP,
                        groupBeforeHeal.get().members().size(), groupBeforeHeal.get().groupState(), format(transactionBeforeHeal.get()));
                poolNotReadyAfter.addAll(run.awaitReadiness(List.of(pool), true, Duration.ofMinutes(2)));
                seconds[2] = since(healed);
                System.out.printf(Locale.ROOT, "[faults] pool readiness %s %.1f s after the heal%n",
                        poolNotReadyAfter.isEmpty() ? "UP" : "still DOWN", seconds[2]);
                if (!poolNotReadyAfter.isEmpty()) {
                    printPoolLog(pool, logBefore);
                    throw new AssertionError("the pool is not ready 2 min after the heal: " + poolNotReadyAfter);
                }
                // recovery: until a score has arrived for everything sent (a bound; the exact count follows)
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                while (System.nanoTime() < deadline && (!run.trafficDone()
                        || FaultRun.TENANTS.stream().anyMatch(t -> run.scoredSoFar(t) - scoredBefore.get(t) < run.sentSoFar(t)))) {
                    Thread.sleep(200);
                }
                seconds[3] = since(healed);
                for (TenantId t : FaultRun.TENANTS) {
                    System.out.printf(Locale.ROOT, "[faults] %s: %d sent, %d scores arrived %.1f s after the heal%n", t, run.sentSoFar(t),
                            run.scoredSoFar(t) - scoredBefore.get(t), seconds[3]);
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        printPoolLog(pool, logBefore);
        System.out.printf(Locale.ROOT, "[faults] partition of the pool: %.1f s (session timeout %d s, transaction timeout %d s);"
                        + " pool DOWN %.1f s after the cut, UP %.1f s after the heal, every score %.1f s after the heal%n", seconds[1],
                SESSION_TIMEOUT.toSeconds(), TRANSACTION_TIMEOUT.toSeconds(), seconds[0], seconds[2], seconds[3]);
        FaultRun.assertExact(counts);
        run.assertEveryServiceAlive();
        assertEquals(List.of(), poolReadyWhileCut, "the pool stayed ready while cut off from the broker");
        assertEquals(List.of(), othersDownWhileCut, "services not ready while only the pool was cut off");
        assertEquals(List.of(), poolNotReadyAfter, "the pool not ready again after the heal");
        assertEquals(0, groupBeforeHeal.get().members().size(),
                "the broker had expired the pool's group member before the heal (session timeout): " + groupBeforeHeal.get());
        assertEquals(TransactionState.ONGOING, transactionAtCut.get().state(), "the cut caught a transaction of the pool open");
        assertTrue(Set.of(TransactionState.PREPARE_ABORT, TransactionState.COMPLETE_ABORT).contains(transactionBeforeHeal.get().state()),
                "the coordinator aborted the pool's open transaction at its timeout, before the heal: " + format(transactionBeforeHeal.get()));
    }

    /**
     * Partitions the pool while its coordinator has a transaction of it open (Ongoing), so that only the transaction
     * timeout can end it: waits for one, partitions, and checks 0.2 s later that it is still open (a commit already on
     * its way could have closed it); if not, heals at once and tries again, up to 5 times. Returns when the partition
     * that counts began.
     */
    private long cutWhileThePoolsTransactionIsOpen(Admin admin, AtomicReference<TransactionDescription> atCut, int[] attempts)
            throws Exception {
        while (true) {
            attempts[0]++;
            long waitFrom = System.nanoTime();
            while (describe(admin).state() != TransactionState.ONGOING && since(waitFrom) < 30) {
                Thread.sleep(5);
            }
            proxy.partition();
            long cut = System.nanoTime();
            Thread.sleep(200);
            atCut.set(describe(admin));
            if (atCut.get().state() == TransactionState.ONGOING || attempts[0] == 5) {
                return cut;
            }
            System.out.println("[faults] the pool's transaction ended before the cut took hold (" + format(atCut.get()) + "); healing and"
                    + " cutting again");
            proxy.heal();
            Thread.sleep(2_000);
        }
    }

    /** The pool's transactional id as the coordinator sees it. */
    private static TransactionDescription describe(Admin admin) throws Exception {
        return admin.describeTransactions(List.of(POOL_TRANSACTIONAL_ID)).description(POOL_TRANSACTIONAL_ID).get(30, TimeUnit.SECONDS);
    }

    /** State, producer epoch, and how long ago the open transaction began. */
    private static String format(TransactionDescription d) {
        return d.state() + " (producer epoch " + d.producerEpoch() + (d.transactionStartTimeMs().isPresent()
                ? ", began " + (System.currentTimeMillis() - d.transactionStartTimeMs().getAsLong()) + " ms ago" : "") + ")";
    }

    private static double since(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    /** The pool's warnings and errors since the fault began: what its loop met (timeouts, aborts, fencing). */
    private static void printPoolLog(ServiceProcess pool, long from) throws IOException {
        byte[] all = Files.readAllBytes(pool.logFile());
        String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                java.nio.charset.StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
        System.out.println("[faults] the pool's log during and after the partition: " + lines.size() + " WARN/ERROR lines"
                + (lines.size() > 40 ? ", the first 40:" : ":"));
        lines.stream().limit(40).forEach(l -> System.out.println("[faults]   " + (l.length() > 400 ? l.substring(0, 400) + "…" : l)));
    }
}
