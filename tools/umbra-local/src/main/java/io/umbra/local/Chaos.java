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
 * {@link LocalPipeline} with services): every {@code every}, for {@code duration}, one service process chosen at
 * random (seeded) among the running ones that match the filter is sent SIGKILL from outside the run, as the OOM
 * killer or a lost node would; the run's {@link Supervisor} brings it back. Used by {@code ./umbra chaos} and by
 * pipeline-tests' {@code ChaosPipelineTest}. It refuses a run that is not running or not supervised (a killed
 * service would stay dead). It never kills a broker.
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
     * @param restarts the supervisor's restarts per service at the end (from the run's status file; empty if the run had ended)
     * @param idleTicks intervals in which no candidate was running (all restarting), so nothing was killed
     */
    public record Report(long seed, List<Kill> kills, Map<String, Integer> perService, Map<String, Integer> restarts, int idleTicks,
                         String endedBecause) {
        /** Lines for a console: the kills per service, and the restarts. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            out.add("chaos: " + kills.size() + " SIGKILLs (seed " + seed + ")" + (idleTicks > 0 ? ", " + idleTicks
                    + " interval(s) with nothing to kill (every candidate restarting)" : "") + (endedBecause == null ? "" : "; " + endedBecause));
            int width = perService.keySet().stream().mapToInt(String::length).max().orElse(10);
            perService.forEach((name, n) -> out.add(String.format(Locale.ROOT, "  %-" + width + "s  killed %3d   restarted by the run %s", name, n,
                    restarts.containsKey(name) ? String.format(Locale.ROOT, "%3d", restarts.get(name)) : "  ?")));
            return out;
        }
    }

    private final Path runDirectory;
    private final Duration every;
    private final Duration duration;
    private final Set<Service> services;
    private final String tenant;
    private final long seed;
    private final Consumer<String> out;
    private volatile boolean stopped;
    private volatile Thread runner;

    private Chaos(Builder b) {
        this.runDirectory = b.runDirectory;
        this.every = b.every;
        this.duration = b.duration;
        this.services = EnumSet.copyOf(b.services);
        this.tenant = b.tenant;
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
        if (candidates(status).isEmpty()) {
            throw new IllegalStateException("no service of the run in " + runDirectory + " matches " + services
                    + (tenant == null ? "" : " of tenant " + tenant));
        }
        return status;
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
        List<Kill> kills = new ArrayList<>();
        int idle = 0;
        String ended = null;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        out.accept("chaos: a SIGKILL every " + human(every) + " for " + human(duration) + " among " + String.join(", ", perService.keySet())
                + " (seed " + seed + ")");
        for (long next = start + every.toNanos(); next <= end && !stopped; next += every.toNanos()) {
            if (!sleepUntil(next)) {
                break;
            }
            Optional<RunStatus> now = RunStatus.read(runDirectory);
            if (now.isEmpty() || !now.get().runAlive()) {
                ended = "the local run stopped";
                break;
            }
            List<RunStatus.Entry> running = candidates(now.get()).stream().filter(RunStatus.Entry::isRunning).toList();
            if (running.isEmpty()) {
                idle++;
                out.accept(stamp(start) + "  nothing to kill: every candidate is restarting");
                continue;
            }
            RunStatus.Entry victim = running.get(random.nextInt(running.size()));
            Optional<ProcessHandle> handle = ProcessHandle.of(victim.pid());
            if (handle.isEmpty() || !handle.get().destroyForcibly()) {
                out.accept(stamp(start) + "  " + victim.name() + " (pid " + victim.pid() + ") was gone before the SIGKILL");
                continue;
            }
            Instant at = Instant.now();
            kills.add(new Kill(at, Duration.ofNanos(System.nanoTime() - start), victim.name(), victim.pid()));
            perService.merge(victim.name(), 1, Integer::sum);
            out.accept(stamp(start) + "  SIGKILL " + victim.name() + " (pid " + victim.pid() + ")");
            try {
                handle.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // it is gone or going; the next interval reads the status again
            }
        }
        Map<String, Integer> restarts = new LinkedHashMap<>();
        RunStatus.read(runDirectory).ifPresent(s -> s.services().forEach(e -> restarts.put(e.name(), e.restarts())));
        runner = null;
        return new Report(seed, List.copyOf(kills), perService, restarts, idle, stopped ? "stopped early" : ended);
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

    /** How to run chaos; defaults: every 5 s for 3 min, every service, every tenant, a random seed. */
    public static final class Builder {
        private final Path runDirectory;
        private Duration every = Duration.ofSeconds(5);
        private Duration duration = Duration.ofMinutes(3);
        private Set<Service> services = EnumSet.allOf(Service.class);
        private String tenant;
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

        public Builder services(Set<Service> services) {
            if (services.isEmpty()) {
                throw new IllegalArgumentException("no services to kill");
            }
            this.services = EnumSet.copyOf(services);
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
            return new Chaos(this);
        }
    }
}
