package io.umbra.cli.load;

import io.umbra.cli.CommandFailure;
import io.umbra.cli.KafkaClientOptions;
import io.umbra.load.LoadHarness;
import io.umbra.load.LoadPlan;
import io.umbra.load.LoadResult;
import io.umbra.load.LoadSummary;
import io.umbra.load.Sla;
import io.umbra.load.SlaVerdict;
import io.umbra.load.SoakReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code umbra load}: drives the pipeline open-loop at a fixed rate and reports latency, loss,
 * duplicates and bytes per transaction. Progress goes to stderr; standard output ends with the
 * one-line JSON summary, so {@code ./umbra load … | tail -1} is what a script reads.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
        "Load-test the pipeline: send R transactions per second (all tenants together, open loop: never waiting "
            + "for a score) for a duration, and measure each one's latency from its scheduled send time to its score "
            + "on <tenant>.scores (read_committed).",
        "Against a running pipeline with --bootstrap (e.g. the one './umbra local --no-traffic' started); otherwise "
            + "this command starts one (broker, topics, the five services from their built jars) and stops it after.",
        "Writes <report-dir>/load-<date>-<rate>.md, .html and .json; the last line on standard output is a JSON summary.",
        "With --sla FILE the run is checked against an SLA (rate, duration, p99, lost, duplicates, request bytes per tx): each "
            + "criterion is printed with what was measured and allowed, the verdict goes into the reports, and the exit code is "
            + "3 when any criterion is missed.",
        "With --soak, every --sample-every each service process's RSS, heap after GC, threads and open file descriptors, its "
            + "Kafka Streams state on disk and every topic's size are sampled through the run; the report gets a chart per resource "
            + "and a growth verdict per curve, and the exit code is 4 when one keeps growing under the steady load (a suspected leak)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the run completed (and met the SLA, if one was given)",
        "1:the run could not be made (broker unreachable, topics missing, no first score within --ready-timeout, jars not built)",
        "2:bad options or a bad SLA file",
        "3:the run completed and MISSED the SLA of --sla",
        "4:the run completed (met the SLA, if one was given) and, with --soak, a resource KEPT GROWING"},
    footer = {"", "Examples:",
        "  ./umbra load --rate 300 --duration 60s",
        "  ./umbra load --sla load-tests/sla/smoke.yaml",
        "  ./umbra load --soak --rate 500 --duration 30m",
        "  ./umbra local --no-traffic &   # then, in another shell:",
        "  ./umbra load --rate 1000 --duration 60s --bootstrap 127.0.0.1:<port it printed>",
        "  ./umbra load --sla bank-sla.yaml --bootstrap kafka:9093 --sasl-user load --sasl-password-file load.password "
            + "--security-protocol SASL_SSL"})
public final class LoadCommand implements Callable<Integer> {
    /** The exit codes a CI script acts on. */
    public static final class SlaExit {
        /** The run completed and missed the SLA. */
        public static final int MISSED = 3;
        /** The run completed (and met its SLA, if any), and with {@code --soak} a resource kept growing. */
        public static final int GROWING = 4;

        private SlaExit() {
        }
    }

    private static final DateTimeFormatter RUN_DIR_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Spec
    CommandSpec spec;

    @Option(names = "--rate", paramLabel = "R",
            description = "Transactions per second, all tenants together (split evenly). Required without --sla; with it, the SLA's rate_tps.")
    Double rate;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "How long to measure, after the warm-up: 60s, 2m, … Required without --sla; with it, the SLA's duration.")
    Duration duration;

    @Option(names = "--sla", paramLabel = "FILE",
            description = "An SLA file (YAML or JSON; load-tests/README.md) to check after the run; exit code 3 when it is missed.")
    Path slaFile;

    @Option(names = "--until-steady", negatable = true,
            description = "Let the warm-up run (at least --warmup, at most --warmup-max) until the pipeline keeps up: over --steady-window, "
                + "scores come back at ≥ 90 %% of the rate with p99 ≤ --steady-p99 and no backlog. Default: on with --sla, off without.")
    Boolean untilSteady;

    @Option(names = "--warmup-max", paramLabel = "D", defaultValue = "300s", converter = DurationConverter.class,
            description = "With --until-steady: the cap; if the pipeline has not settled by then the window starts anyway and the report says so "
                + "(default: ${DEFAULT-VALUE}).")
    Duration warmupMax;

    @Option(names = "--steady-window", paramLabel = "D", defaultValue = "10s", converter = DurationConverter.class,
            description = "With --until-steady: the sliding window that must show the pipeline keeping up (default: ${DEFAULT-VALUE}).")
    Duration steadyWindow;

    @Option(names = "--steady-p99", paramLabel = "D", converter = DurationConverter.class,
            description = "With --until-steady: the p99 latency that counts as keeping up (default: the SLA's p99_ms, else 2s).")
    Duration steadyP99;

    @Option(names = "--soak",
            description = "Soak mode: sample every process's RSS, heap after GC, threads and open file descriptors, the services' state "
                + "stores on disk and the topics' sizes every --sample-every, chart them in the report and judge their growth (exit code 4 "
                + "when one keeps growing). Meant for long runs: --duration 30m.")
    boolean soak;

    @Option(names = "--sample-every", paramLabel = "D", defaultValue = "5s", converter = DurationConverter.class,
            description = "With --soak: the sampling period (default: ${DEFAULT-VALUE}).")
    Duration sampleEvery;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--tenants", paramLabel = "T,T", split = ",", defaultValue = "acme,globex",
            description = "Tenants to send to (default: ${DEFAULT-VALUE}).")
    List<String> tenants;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "The broker of a running pipeline. Without it, a pipeline is started for the run and stopped after.")
    String bootstrap;

    @Option(names = "--warmup", paramLabel = "D", defaultValue = "10s", converter = DurationConverter.class,
            description = "Sent at the same rate before the measured window and left out of every figure (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--drain", paramLabel = "D", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait after the last send for scores in flight; unscored after it = lost (default: ${DEFAULT-VALUE}).")
    Duration drain;

    @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "docs/load-runs",
            description = "Where the Markdown and HTML reports go (default: ${DEFAULT-VALUE}).")
    Path reportDir;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the generated traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "2000000",
            description = "Stop sending when this many transactions wait for their score: memory stays bounded, and the "
                + "pipeline is plainly not keeping up (default: ${DEFAULT-VALUE}).")
    long maxInFlight;

    @Option(names = "--ready-timeout", paramLabel = "D", defaultValue = "180s", converter = DurationConverter.class,
            description = "How long the pipeline may take to score a first transaction of each tenant (default: ${DEFAULT-VALUE}).")
    Duration readyTimeout;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "18080",
            description = "HTTP base port of a pipeline this command starts (default: ${DEFAULT-VALUE}, clear of ./umbra local's 8080).")
    int basePort;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "0",
            description = {"For a pipeline this command starts: run N Kafka brokers as processes of their own (1, or 3 with "
                + "replication factor 3), so the broker's CPU is reported apart from the load generator's and, with --soak, "
                + "the broker has curves of its own (heap after GC from its GC log). Default ${DEFAULT-VALUE}: the broker "
                + "inside this JVM, with the generator."})
    int brokers;

    @Option(names = "--root", paramLabel = "DIR",
            description = "The repository with the built service jars, for a pipeline this command starts (default: $UMBRA_ROOT, "
                + "else the checkout this CLI was built in).")
    Path repositoryRoot;

    @Override
    public Integer call() {
        Sla sla = null;
        if (slaFile != null) {
            try {
                sla = Sla.read(slaFile);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        double r0 = rate != null ? rate : sla != null ? sla.ratePerSecond() : Double.NaN;
        Duration d0 = duration != null ? duration : sla != null ? sla.duration() : null;
        if (Double.isNaN(r0) || d0 == null) {
            throw new ParameterException(spec.commandLine(), "--rate and --duration are required (or an SLA file with --sla that has them)");
        }
        boolean steady = untilSteady != null ? untilSteady : sla != null;
        LoadPlan plan;
        try {
            Duration bound = steadyP99 != null ? steadyP99
                    : sla != null ? Duration.ofNanos(Math.max(1, Math.round(sla.p99Millis() * 1e6))) : LoadPlan.Steady.DEFAULT_P99_BOUND;
            LoadPlan.Steady s = steady ? new LoadPlan.Steady(warmupMax, steadyWindow, bound) : null;
            plan = new LoadPlan(r0, d0, warmup, drain, tenants, seed, maxInFlight, s);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Map<String, Object> clientProperties = kafka.clientProperties();
        if (bootstrap == null && !clientProperties.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the Kafka login options (--command-config, --sasl-user, --kafka-property) are "
                    + "for a running pipeline's broker: give --bootstrap too");
        }
        PrintStream progress = System.err;
        Path root = null;
        Path runDir = null;
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(RUN_DIR_TIME);
        if (bootstrap == null) {
            if (repositoryRoot == null && System.getenv("UMBRA_ROOT") != null) {
                repositoryRoot = Path.of(System.getenv("UMBRA_ROOT"));
            }
            root = repositoryRoot != null ? repositoryRoot.toAbsolutePath().normalize() : findRepositoryRoot();
            runDir = root.resolve("target").resolve("umbra-load").resolve(stamp);
        }
        // Kafka's client (and a started broker's) warnings go to a file, not between the progress lines
        // (umbra-cli's log4j2.xml reads this property; it must be set before anything logs)
        if (System.getProperty("umbra.cli.log") == null) {
            Path log = runDir != null ? runDir.resolve("logs").resolve("umbra-load.log")
                    : Path.of(System.getProperty("java.io.tmpdir"), "umbra-load-" + stamp + ".log");
            System.setProperty("umbra.cli.log", log.toString());
        }
        if (brokers != 0 && brokers != 1 && brokers != 3) {
            throw new ParameterException(spec.commandLine(), "--brokers must be 0 (in this JVM), 1 or 3, got " + brokers);
        }
        if (brokers != 0 && bootstrap != null) {
            throw new ParameterException(spec.commandLine(), "--brokers starts broker processes for a pipeline this command starts; "
                    + "with --bootstrap the pipeline's brokers are already running");
        }
        if (soak && (sampleEvery.toMillis() < 100 || sampleEvery.compareTo(d0) > 0)) {
            throw new ParameterException(spec.commandLine(), "--sample-every must be at least 100ms and no longer than the duration, got "
                    + sampleEvery);
        }
        LoadHarness.Outcome outcome = LoadHarness.run(new LoadHarness.Options(plan, bootstrap, root, runDir, basePort, readyTimeout,
                reportDir, progress, clientProperties, sla, soak ? sampleEvery : null, brokers));
        LoadResult r = outcome.result();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "produced %d, scored %d, duplicates %d, lost %d; %.1f scored/s; p50 %s, p99 %s, max %s%n",
                r.measured().produced(), r.measured().scored(), r.measured().duplicates(), r.measured().lost(), r.throughputTps(),
                millis(r.percentileMillis(50)), millis(r.percentileMillis(99)), millis(r.maxMillis()));
        out.println((r.sustained() ? "sustained" : "NOT sustained") + " at " + LoadReportText.rate(plan.ratePerSecond()) + " tx/s"
                + (r.warmupOutcome().untilSteady() ? "; warm-up " + r.warmupOutcome().note() : ""));
        SlaVerdict verdict = outcome.verdict();
        if (verdict != null) {
            verdict.lines().forEach(out::println);
        }
        SoakReport.Result soakResult = outcome.soak();
        if (soakResult != null) {
            out.println(soakResult.passed() ? "soak: bounded (" + soakResult.verdicts().size() + " curves judged; none kept growing)"
                    : "soak: GROWING: " + soakResult.growing().size() + " curve(s) kept growing");
            soakResult.growing().forEach(g -> out.println("  " + g));
        }
        out.println("report: " + outcome.report().markdown());
        out.println("chart:  " + outcome.report().html());
        out.println("json:   " + outcome.report().json());
        out.println(LoadSummary.of(r).toJson(verdict));
        out.flush();
        if (verdict != null && !verdict.passed()) {
            return SlaExit.MISSED;
        }
        return soakResult != null && !soakResult.passed() ? SlaExit.GROWING : 0;
    }

    /** The rate as the reports write it: 300, not 300.0. */
    private static final class LoadReportText {
        static String rate(double r) {
            return r == Math.rint(r) ? Long.toString((long) r) : String.format(Locale.ROOT, "%.2f", r);
        }
    }

    private static String millis(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f ms", v) : "none (nothing scored)";
    }

    /** The checkout this CLI jar was built in ({@code <root>/tools/umbra-cli/target/umbra-cli.jar}), else the working directory if it is one. */
    private static Path findRepositoryRoot() {
        try {
            Path jar = Path.of(LoadCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("tools/umbra-local"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the working directory
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isDirectory(cwd.resolve("tools/umbra-local"))) {
            return cwd;
        }
        throw new CommandFailure("cannot find the Umbra checkout with the service jars: give --root, or --bootstrap"
                + " to use a running pipeline");
    }
}
