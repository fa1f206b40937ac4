package io.umbra.cli.local;

import io.umbra.cli.CommandFailure;
import io.umbra.cli.load.DurationConverter;
import io.umbra.local.Chaos;
import io.umbra.local.RunStatus;
import io.umbra.local.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code umbra chaos}: SIGKILLs of random service processes (and, with {@code --brokers}, broker processes of a
 * {@code --brokers 3} run, one at a time) of a running {@code ./umbra local}, every interval for a while; the run's
 * supervisor restarts them. Prints each kill and, at the end, the kills and restarts per process.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
        "SIGKILL a random service process of a running ./umbra local every interval, for a while, as a crashing node or the OOM "
            + "killer would; the run's supervisor starts it again (same instance id, back-off 1 s, 2 s, 4 s … 30 s). Prints "
            + "each kill and, at the end, the kills and restarts per service. Watch the run's console: every transaction "
            + "must still be scored once (the summary's counts).",
        "With --brokers, the broker processes of a ./umbra local --brokers 3 run are candidates too, but a broker only while "
            + "all three run: replication factor 3 and min.insync.replicas 2 keep every write going with one broker down, "
            + "not two. The supervisor restarts a killed broker with its data.",
        "Refuses when no local run is running, when the run has no supervisor (--no-supervisor), and --brokers against a run "
            + "without three broker processes (a single broker down stops every write of the run)."},
    footer = {"", "Examples:", "  ./umbra chaos                                   # the latest run, every 5 s for 3 min",
        "  ./umbra chaos --duration 10m --every 2s --seed 7",
        "  ./umbra chaos --services encrypt,key --tenant acme",
        "  ./umbra chaos --brokers                         # services and brokers (./umbra local --brokers 3)",
        "  ./umbra chaos --brokers --services none         # brokers only"})
public final class ChaosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "3m",
            description = "How long to go on (default: ${DEFAULT-VALUE}); e.g. 60s, 10m.")
    Duration duration;

    @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5s",
            description = "One SIGKILL per interval (default: ${DEFAULT-VALUE}; at least 100ms).")
    Duration every;

    @Option(names = "--services", paramLabel = "S1,S2", split = ",",
            description = "Which services may be killed: ingest, encrypt, scoring, key, alert (or their module names, e.g. "
                + "encrypt-service); default all five; none (with --brokers): brokers only.")
    List<String> services;

    @Option(names = "--brokers",
            description = "Broker processes are candidates too (a ./umbra local --brokers 3 run), one down at a time: a broker "
                + "only while all three are running.")
    boolean brokers;

    @Option(names = "--tenant", paramLabel = "T",
            description = "Only this tenant's services (and the shared scoring pool, unless --services leaves it out).")
    String tenant;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random choices (default: a random one, printed).")
    Long seed;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "The local run to put under chaos (default: the newest running one under target/umbra-local).")
    Path runDir;

    @Override
    public Integer call() {
        if (every.toMillis() < 100) {
            throw new ParameterException(spec.commandLine(), "--every must be at least 100ms, got " + every);
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--duration must be positive, got " + duration);
        }
        Set<Service> chosen = services == null ? EnumSet.allOf(Service.class) : parseServices(services);
        if (chosen.isEmpty() && !brokers) {
            throw new ParameterException(spec.commandLine(), "--services none leaves nothing to kill without --brokers");
        }
        long s = seed != null ? seed : new SecureRandom().nextInt(1_000_000);
        Path run = runDir != null ? runDir.toAbsolutePath().normalize() : latestRunning();
        PrintWriter out = spec.commandLine().getOut();
        Chaos chaos = Chaos.builder(run).every(every).duration(duration).services(chosen).brokers(brokers).tenant(tenant).seed(s)
                .output(line -> {
                    out.println(line);
                    out.flush();
                }).build();
        try {
            chaos.check();
        } catch (IllegalStateException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        out.println("chaos against " + run);
        out.flush();
        // Ctrl-C ends the chaos early; the report is still printed
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            chaos.stop();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "umbra-chaos-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Chaos.Report report = chaos.run();
            out.println();
            report.lines().forEach(out::println);
            out.flush();
            return "stopped early".equals(report.endedBecause()) ? 130 : 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
    }

    /** {@code encrypt}, {@code encrypt-service}, {@code scoring}, {@code he-scoring}, {@code he-scoring-service}, …; {@code none} alone: empty. */
    Set<Service> parseServices(List<String> names) {
        Set<Service> out = EnumSet.noneOf(Service.class);
        if (names.size() == 1 && names.get(0).trim().equalsIgnoreCase("none")) {
            return out;
        }
        for (String raw : names) {
            String n = raw.trim().toLowerCase(Locale.ROOT);
            Service s = switch (n.endsWith("-service") ? n.substring(0, n.length() - "-service".length()) : n) {
                case "ingest" -> Service.INGEST;
                case "encrypt" -> Service.ENCRYPT;
                case "scoring", "he-scoring", "pool" -> Service.HE_SCORING;
                case "key", "keys" -> Service.KEY;
                case "alert", "alerts" -> Service.ALERT;
                default -> throw new ParameterException(spec.commandLine(), "--services: no service '" + raw
                        + "'; choose from ingest, encrypt, scoring, key, alert" + (n.startsWith("broker") ? " (brokers: --brokers)" : ""));
            };
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--services names no service");
        }
        return out;
    }

    /** The newest run under $UMBRA_ROOT/target/umbra-local (or ./target/umbra-local) whose status file names a live JVM. */
    private static Path latestRunning() {
        Path root = Path.of(Optional.ofNullable(System.getenv("UMBRA_ROOT")).orElse(".")).resolve("target/umbra-local").toAbsolutePath()
                .normalize();
        List<Path> runs;
        try (Stream<Path> list = Files.list(root)) {
            runs = list.filter(d -> Files.isRegularFile(d.resolve(RunStatus.FILE)))
                    .sorted(Comparator.comparing((Path d) -> d.resolve(RunStatus.FILE).toFile().lastModified()).reversed()).toList();
        } catch (IOException e) {
            throw new CommandFailure("no local run is running: nothing under " + root + ". Start one with ./umbra local (or give --run-dir)");
        }
        for (Path d : runs) {
            try {
                if (RunStatus.read(d).map(RunStatus::runAlive).orElse(false)) {
                    return d;
                }
            } catch (RuntimeException ignored) {
                // an unreadable status: not a running run
            }
        }
        throw new CommandFailure("no local run is running under " + root + ". Start one with ./umbra local (or give --run-dir)");
    }
}
