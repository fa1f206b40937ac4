package io.umbra.local;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A chaos run against a running local run (one that writes {@link RunStatus}, i.e. {@code ./umbra local} or a
 * {@link LocalPipeline} with services): every {@code every}, for {@code duration}, one process chosen at random
 * (seeded) among the running candidates is sent SIGKILL from outside the run, as the OOM killer or a lost node would;
 * the run's {@link Supervisor} brings it back. The candidates are the service processes that match the filter and,
 * with {@link Builder#brokers(boolean) brokers(true)}, the broker processes of a three-broker run
 * ({@code ./umbra local --brokers 3}), but a broker only while all three are running: with replication factor 3
 * and {@code min.insync.replicas} 2 the cluster keeps every write going with one broker down, not two, so chaos
 * never takes a second one down. Used by {@code ./umbra chaos} and by pipeline-tests' {@code ChaosPipelineTest}. It
 * refuses a run that is not running or not supervised (a killed process would stay dead), and brokers of a run
 * that has no three broker processes (see {@link #check()}).
 */
public final class Chaos {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    /** One SIGKILL: when, which process, and how long after the start of the chaos run. */
    public record Kill(Instant at, Duration after, String name, long pid) {
    }

    /**
     * What a chaos run did.
     *
     * @param kills    every SIGKILL, in order
     * @param perService SIGKILLs per service process name, every candidate listed (0 for one never hit)
     * @param perBroker SIGKILLs per broker process ({@code broker-1} …), each listed; empty unless brokers were candidates
     * @param restarts the supervisor's restarts per service and broker process at the end (from the run's status file;
     *                 empty if the run had ended)
     * @param idleTicks intervals in which no candidate was running (all restarting), so nothing was killed
     */
    public record Report(long seed, List<Kill> kills, Map<String, Integer> perService, Map<String, Integer> perBroker,
                         Map<String, Integer> restarts, int idleTicks, String endedBecause) {
        /** Lines for a console: the kills per service and broker process, and the restarts. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            int brokerKills = perBroker.values().stream().mapToInt(Integer::intValue).sum();
            out.add("chaos: " + kills.size() + " SIGKILLs" + (perBroker.isEmpty() ? "" : " (" + brokerKills + " of brokers)") + " (seed "
                    + seed + ")" + (idleTicks > 0 ? ", " + idleTicks + " interval(s) with nothing to kill (every candidate restarting)" : "")
                    + (endedBecause == null ? "" : "; " + endedBecause));
            Map<String, Integer> all = new LinkedHashMap<>(perService);
            all.putAll(perBroker);
            int width = all.keySet().stream().mapToInt(String::length).max().orElse(10);
            all.forEach((name, n) -> out.add(String.format(Locale.ROOT, "  %-" + width + "s  killed %3d   restarted by the run %s", name, n,
                    restarts.containsKey(name) ? String.format(Locale.ROOT, "%3d", restarts.get(name)) : "  ?")));
            return out;
        }
    }

    private final Path runDirectory;
    private final Duration every;
    private final Duration duration;
    private final Set<Service> services;
    private final String tenant;
    private final boolean brokers;
    private final long seed;
    private final Consumer<String> out;
    private volatile boolean stopped;
    private volatile Thread runner;

    private Chaos(Builder b) {
        this.runDirectory = b.runDirectory;
        this.every = b.every;
        this.duration = b.duration;
        this.services = b.services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(b.services);
        this.tenant = b.tenant;
        this.brokers = b.brokers;
        this.seed = b.seed;
        this.out = b.out;
    }

    public static Builder builder(Path runDirectory) {
        return new Builder(runDirectory);
    }

    /**
     * The run's status, checked: it exists, its JVM is alive, it is supervised and something matches the filter.
     * An IllegalStateException that says why otherwise (the CLI prints its message).
     */
    public RunStatus check() {
        Optional<RunStatus> read = RunStatus.read(runDirectory);
        if (read.isEmpty()) {
            throw new IllegalStateException("no local run is running in " + runDirectory + " (no " + RunStatus.FILE
                    + ": the run has stopped, or it has not started its services yet). Start one with ./umbra local");
        }
        RunStatus status = read.get();
        if (!status.runAlive()) {
            throw new IllegalStateException("the local run in " + runDirectory + " is not running: its JVM (pid " + status.runPid()
                    + ") is gone. Start one with ./umbra local");
        }
        if (!status.supervised()) {
            throw new IllegalStateException("the local run in " + runDirectory + " has no supervisor, so a killed service would stay dead;"
                    + " start it with ./umbra local (supervised unless --no-supervisor) or LocalPipelineBuilder.supervise(true)");
        }
        if (tenant != null && status.services().stream().noneMatch(e -> tenant.equals(e.tenant()))) {
            throw new IllegalStateException("the local run in " + runDirectory + " has no tenant " + tenant + "; its tenants: "
                    + status.services().stream().map(RunStatus.Entry::tenant).filter(Objects::nonNull).distinct().toList());
        }
        if (brokers) {
            if (status.brokers() == 0) {
                throw new IllegalStateException("the local run in " + runDirectory + " has its broker inside its JVM: there is no broker"
                        + " process to kill. Start one with ./umbra local --brokers 3");
            }
            if (status.brokers() == 1) {
                // one broker down is the whole cluster down: every write stops until it is back (SingleBrokerFaultPipelineTest's
                // fault, not the promise a cluster keeps), so chaos does not do it at random
                throw new IllegalStateException("the local run in " + runDirectory + " has a single broker process: killing it stops"
                        + " every write of the run until it is back, which is no fault a cluster rides out. Chaos with brokers needs"
                        + " ./umbra local --brokers 3 (replication 3, min.insync.replicas 2: one broker at a time may be down)");
            }
            if (status.brokerProcesses().size() != status.brokers()) {
                throw new IllegalStateException("the local run in " + runDirectory + " does not list its broker processes in "
                        + RunStatus.FILE + " (a run of an older build?); start it again with ./umbra local --brokers 3");
            }
        }
        if (!services.isEmpty() && candidates(status).isEmpty()) {
            throw new IllegalStateException("no service of the run in " + runDirectory + " matches " + services
                    + (tenant == null ? "" : " of tenant " + tenant));
        }
        return status;
    }

    /**
     * The broker processes that may be killed now: all of them when brokers are candidates and every one of the run is
     * running (serving clients), none otherwise, so that at most one broker is ever down.
     */
    static List<RunStatus.Broker> brokerCandidates(RunStatus status, boolean brokers) {
        if (!brokers || status.brokers() < 3 || status.brokerProcesses().size() != status.brokers()
                || !status.brokerProcesses().stream().allMatch(RunStatus.Broker::isRunning)) {
            return List.of();
        }
        return status.brokerProcesses();
    }

    /** The service processes this run may kill: of the chosen services, of the chosen tenant (the shared pool with any tenant). */
    private List<RunStatus.Entry> candidates(RunStatus status) {
        return status.services().stream().filter(e -> services.contains(e.service()))
                .filter(e -> tenant == null || e.tenant() == null || tenant.equals(e.tenant())).toList();
    }

    /** Runs the chaos (after {@link #check()}) until {@code duration} has passed, {@link #stop()} or the run ends. */
    public Report run() {
        RunStatus status = check();
        runner = Thread.currentThread();
        Random random = new Random(seed);
        Map<String, Integer> perService = new LinkedHashMap<>();
        candidates(status).forEach(e -> perService.put(e.name(), 0));
        Map<String, Integer> perBroker = new LinkedHashMap<>();
        if (brokers) {
            status.brokerProcesses().forEach(b -> perBroker.put(b.name(), 0));
        }
        List<Kill> kills = new ArrayList<>();
        int idle = 0;
        String ended = null;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<String> among = new ArrayList<>(perService.keySet());
        among.addAll(perBroker.keySet());
        out.accept("chaos: a SIGKILL every " + human(every) + " for " + human(duration) + " among " + String.join(", ", among)
                + (brokers ? " (a broker only while all " + status.brokers() + " run)" : "") + " (seed " + seed + ")");
        for (long next = start + every.toNanos(); next <= end && !stopped; next += every.toNanos()) {
            if (!sleepUntil(next)) {
                break;
            }
            Optional<RunStatus> now = RunStatus.read(runDirectory);
            if (now.isEmpty() || !now.get().runAlive()) {
                ended = "the local run stopped";
                break;
            }
            // services first, then brokers, each in the status file's order: a seed replays the same choices
            List<Victim> running = new ArrayList<>();
            candidates(now.get()).stream().filter(RunStatus.Entry::isRunning).forEach(e -> running.add(new Victim(e.name(), e.pid(), false)));
            brokerCandidates(now.get(), brokers).forEach(b -> running.add(new Victim(b.name(), b.pid(), true)));
            if (running.isEmpty()) {
                idle++;
                out.accept(stamp(start) + "  nothing to kill: every candidate is restarting");
                continue;
            }
            Victim victim = running.get(random.nextInt(running.size()));
            Optional<ProcessHandle> handle = ProcessHandle.of(victim.pid());
            if (handle.isEmpty() || !handle.get().destroyForcibly()) {
                out.accept(stamp(start) + "  " + victim.name() + " (pid " + victim.pid() + ") was gone before the SIGKILL");
                continue;
            }
            Instant at = Instant.now();
            kills.add(new Kill(at, Duration.ofNanos(System.nanoTime() - start), victim.name(), victim.pid()));
            (victim.broker() ? perBroker : perService).merge(victim.name(), 1, Integer::sum);
            out.accept(stamp(start) + "  SIGKILL " + victim.name() + " (pid " + victim.pid() + ")");
            try {
                handle.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // it is gone or going; the next interval reads the status again
            }
        }
        Map<String, Integer> restarts = new LinkedHashMap<>();
        RunStatus.read(runDirectory).ifPresent(s -> {
            s.services().forEach(e -> restarts.put(e.name(), e.restarts()));
            s.brokerProcesses().forEach(b -> restarts.put(b.name(), b.restarts()));
        });
        runner = null;
        return new Report(seed, List.copyOf(kills), perService, perBroker, restarts, idle, stopped ? "stopped early" : ended);
    }

    private record Victim(String name, long pid, boolean broker) {
    }

    /** Ends {@link #run()} at its next step (from another thread, e.g. on Ctrl-C). */
    public void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    private boolean sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait <= 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            if (!stopped) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private static String stamp(long start) {
        return LocalTime.now(ZoneId.systemDefault()).format(CLOCK) + String.format(Locale.ROOT, "  +%5.1f s",
                (System.nanoTime() - start) / 1e9);
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** How to run chaos; defaults: every 5 s for 3 min, every service, no broker, every tenant, a random seed. */
    public static final class Builder {
        private final Path runDirectory;
        private Duration every = Duration.ofSeconds(5);
        private Duration duration = Duration.ofMinutes(3);
        private Set<Service> services = EnumSet.allOf(Service.class);
        private String tenant;
        private boolean brokers;
        private long seed = new Random().nextInt(1_000_000);
        private Consumer<String> out = line -> { };

        private Builder(Path runDirectory) {
            this.runDirectory = Objects.requireNonNull(runDirectory, "runDirectory").toAbsolutePath().normalize();
        }

        public Builder every(Duration every) {
            if (every.isNegative() || every.toMillis() < 100) {
                throw new IllegalArgumentException("the interval must be at least 100 ms, got " + every);
            }
            this.every = every;
            return this;
        }

        public Builder duration(Duration duration) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("the duration must be positive, got " + duration);
            }
            this.duration = duration;
            return this;
        }

        /** Which services may be killed; empty (with {@link #brokers(boolean) brokers(true)}): only brokers. */
        public Builder services(Set<Service> services) {
            this.services = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
            return this;
        }

        /**
         * Whether the run's broker processes are candidates too (default false): only in a run with three, and a broker
         * only while all three are running, so that at most one is down at a time ({@link Chaos#check()} refuses a run
         * with its broker in its JVM or a single broker process).
         */
        public Builder brokers(boolean brokers) {
            this.brokers = brokers;
            return this;
        }

        /** Only this tenant's services (and the shared scoring pool, if chosen); null: every tenant. */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where each kill and the start line go. */
        public Builder output(Consumer<String> out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        public Chaos build() {
            if (services.isEmpty() && !brokers) {
                throw new IllegalArgumentException("no services to kill (and no brokers)");
            }
            return new Chaos(this);
        }
    }
}
