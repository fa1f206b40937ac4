package io.umbra.local;

import io.umbra.kafka.local.KafkaCluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What Kubernetes' {@code restartPolicy: Always} does for a pod, for the service processes of a local run
 * ({@link LocalPipelineBuilder#supervise(boolean)}, on in {@code ./umbra local}): a service process that exits
 * without the run having asked it to (a SIGKILL from outside such as {@code ./umbra chaos}'s, the OOM killer, a
 * crash, a failed start) is started again with the same command and environment, so the same instance id (and
 * transactional id, group membership and state directory). Before each restart it waits a back-off that doubles on
 * repeated crashes, 1 s, 2 s, 4 s … up to 30 s, and starts again from 1 s once a process has stayed up for
 * {@link #RESET_AFTER} (Kubernetes' CrashLoopBackOff, with shorter steps for a laptop).
 *
 * <p>An exit the run asked for is never fought: {@link ServiceProcess#kill()}, {@link ServiceProcess#stop},
 * {@link ServiceProcess#restart()} and {@link LocalPipeline#close()} mark the process they end, and the fault tests
 * that kill a service and restart it themselves behave as without a supervisor.
 *
 * <p>The broker processes of a run with {@link LocalPipelineBuilder#brokers} are supervised the same way
 * ({@link #superviseBrokers}), as the kubelet restarts a StatefulSet's broker pod: a node that exits unasked is started
 * again with its data and ports ({@link KafkaCluster#restartIfDown}) after the same back-off; {@link KafkaCluster#kill}
 * and {@link KafkaCluster#close} are exits the run asked for. Broker restarts run on a thread of their own (each
 * waits until the node serves clients), so they never hold up a service's.
 */
final class Supervisor implements AutoCloseable {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A process up this long has recovered: its next crash waits {@link #FIRST_BACKOFF} again. */
    static final Duration RESET_AFTER = Duration.ofSeconds(60);

    private final Consumer<String> log;
    private final Runnable changed;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration resetAfter;
    private final ScheduledExecutorService scheduler;
    /** Crashes in a row per service (reset after a process stayed up {@link #resetAfter}). */
    private final Map<ServiceProcess, Integer> crashesInARow = new ConcurrentHashMap<>();
    /** Broker restarts run here: each blocks until the node serves clients. */
    private final ScheduledExecutorService brokerScheduler;
    /** Per broker node id: restarts so far, crashes in a row, and the nodes between an unasked exit and serving again. */
    private final Map<Integer, Integer> brokerRestarts = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> brokerCrashesInARow = new ConcurrentHashMap<>();
    private final Set<Integer> brokersRestarting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param log     one line per exit and per restart ("acme-encrypt-service exited (code 137); restarting in 1 s (restart 3)")
     * @param changed called after every exit and restart (the run rewrites its pid and status files)
     */
    Supervisor(Consumer<String> log, Runnable changed) {
        this(log, changed, FIRST_BACKOFF, MAX_BACKOFF, RESET_AFTER);
    }

    Supervisor(Consumer<String> log, Runnable changed, Duration firstBackoff, Duration maxBackoff, Duration resetAfter) {
        this.log = log;
        this.changed = changed;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.resetAfter = resetAfter;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "umbra-local-supervisor");
            t.setDaemon(true);
            return t;
        });
        this.brokerScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "umbra-local-broker-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Watches every node of {@code cluster} from now on (its present processes and every later one). */
    void superviseBrokers(KafkaCluster cluster) {
        cluster.nodeIds().forEach(id -> brokerRestarts.putIfAbsent(id, 0));
        cluster.onNodeStarted((process, id) -> {
            // read while it runs: /proc of an exited process tells nothing
            Instant started = process.info().startInstant().orElseGet(Instant::now);
            process.onExit().thenRun(() -> {
                if (!closed) {
                    try {
                        brokerScheduler.execute(() -> brokerExited(cluster, id, process, started));
                    } catch (java.util.concurrent.RejectedExecutionException ignored) {
                        // closing
                    }
                }
            });
        });
    }

    /** Restarts of broker node {@code id} by this supervisor so far. */
    int brokerRestarts(int id) {
        return brokerRestarts.getOrDefault(id, 0);
    }

    /** Whether broker node {@code id} exited unasked and is not serving again yet (waiting its back-off, or starting). */
    boolean brokerRestarting(int id) {
        return brokersRestarting.contains(id);
    }

    private void brokerExited(KafkaCluster cluster, int id, Process process, Instant started) {
        if (closed || cluster.exitAsked(id, process)) {
            return;    // the run's own kill, the cluster closing, or a process already replaced
        }
        Duration up = Duration.between(started, Instant.now()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        int n = up.compareTo(resetAfter) >= 0 ? 1 : brokerCrashesInARow.getOrDefault(id, 0) + 1;
        brokerCrashesInARow.put(id, n);
        Duration wait = backoff(n, firstBackoff, maxBackoff);
        brokersRestarting.add(id);
        int restart = brokerRestarts(id) + 1;
        log.accept("broker-" + id + " (pid " + process.pid() + ") exited (code " + process.exitValue() + ") after " + seconds(up)
                + "; restarting it with its data in " + seconds(wait) + " (restart " + restart + ")");
        notifyChanged();
        brokerScheduler.schedule(() -> restartBroker(cluster, id, restart), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restartBroker(KafkaCluster cluster, int id, int restart) {
        if (closed) {
            return;
        }
        try {
            if (cluster.restartIfDown(id)) {
                brokerRestarts.merge(id, 1, Integer::sum);
                log.accept("broker-" + id + " restarted (restart " + restart + ", pid " + cluster.process(id).pid() + "), serving again");
            }
            brokersRestarting.remove(id);
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            int n = brokerCrashesInARow.merge(id, 1, Integer::sum);
            Duration wait = backoff(n, firstBackoff, maxBackoff);
            log.accept("broker-" + id + " could not be restarted (" + e.getMessage() + "); trying again in " + seconds(wait));
            try {
                brokerScheduler.schedule(() -> restartBroker(cluster, id, restart), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing
            }
        }
        notifyChanged();
    }

    /** The wait before the {@code n}-th restart in a row (n ≥ 1): first, 2 × first, 4 × first … at most max. */
    static Duration backoff(int n, Duration first, Duration max) {
        long millis = first.toMillis();
        for (int i = 1; i < n && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** Called by {@link ServiceProcess#start()} with each new OS process: its exit is looked at. */
    void watch(ServiceProcess service, Process process) {
        process.onExit().thenRun(() -> {
            if (!closed) {
                try {
                    scheduler.execute(() -> exited(service, process));
                } catch (java.util.concurrent.RejectedExecutionException ignored) {
                    // closing
                }
            }
        });
    }

    private void exited(ServiceProcess service, Process process) {
        if (closed || service.exitRequested(process) || service.currentProcess() != process) {
            return;    // asked for, or already replaced by a restart of the caller's
        }
        Duration up = service.uptime();
        int n = up.compareTo(resetAfter) >= 0 ? 1 : crashesInARow.getOrDefault(service, 0) + 1;
        crashesInARow.put(service, n);
        Duration wait = backoff(n, firstBackoff, maxBackoff);
        int restart = service.restarts() + 1;
        log.accept(service.name() + " exited (code " + process.exitValue() + ") after " + seconds(up) + "; restarting in "
                + seconds(wait) + " (restart " + restart + ")");
        notifyChanged();
        scheduler.schedule(() -> restart(service, process, restart), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restart(ServiceProcess service, Process exited, int restart) {
        synchronized (service) {
            if (closed || service.currentProcess() != exited || service.isAlive()) {
                return;    // the run is closing, or the caller restarted it meanwhile
            }
            try {
                service.start();
                service.countRestart();
                log.accept(service.name() + " restarted (restart " + restart + ", pid " + service.pid() + ")");
            } catch (RuntimeException e) {
                // a start that fails is one more crash: the next try waits the next back-off
                int n = crashesInARow.merge(service, 1, Integer::sum);
                Duration wait = backoff(n, firstBackoff, maxBackoff);
                log.accept(service.name() + " could not be restarted (" + e.getMessage() + "); trying again in " + seconds(wait));
                scheduler.schedule(() -> restart(service, exited, restart), wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        notifyChanged();
    }

    private void notifyChanged() {
        try {
            changed.run();
        } catch (RuntimeException e) {
            log.accept("cannot update the run's pid files: " + e.getMessage());
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** No more restarts; waits (a few seconds at most) for one under way, so that the caller stops what it started. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        brokerScheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            brokerScheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
