package io.umbra.load;

import io.umbra.kafka.local.KafkaCluster;
import io.umbra.local.LocalPipeline;
import io.umbra.local.ServiceProcess;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code ./umbra load} does: run a {@link LoadRun} against a pipeline that is already running
 * ({@code --bootstrap}), or start one with {@link LocalPipeline} first and stop it after; then write
 * the report.
 */
public final class LoadHarness {

    /**
     * @param plan           the run
     * @param bootstrap      a running pipeline's broker, or null to start one
     * @param repositoryRoot where the service jars are built (self-start only)
     * @param runDirectory   the self-started pipeline's logs, keys and broker data
     * @param basePort       the self-started services' HTTP base port
     * @param readyTimeout   how long the pipeline may take to score its first transaction
     * @param reportDir      where the Markdown and HTML reports go
     * @param progress       where progress lines go (stderr in the CLI)
     * @param clientProperties Kafka client settings for a secured broker (login, TLS); empty for plaintext
     * @param sla            the SLA to check after the run, or null
     * @param soakEvery      soak mode: sample every process's resources and the topics' sizes this often and judge their
     *                       growth ({@link ResourceSampler}, {@link GrowthVerdict}); null: off
     * @param brokers        self-start only: 0 runs the broker inside this JVM with the harness; 1 or 3 run broker processes
     *                       of their own ({@code LocalPipelineBuilder.brokers}), each with its CPU in the report and, in soak
     *                       mode, its own curves (heap after GC from its GC log)
     */
    public record Options(LoadPlan plan, String bootstrap, Path repositoryRoot, Path runDirectory, int basePort,
                          Duration readyTimeout, Path reportDir, PrintStream progress, Map<String, Object> clientProperties,
                          Sla sla, Duration soakEvery, int brokers) {
        /** The broker inside this JVM. */
        public Options(LoadPlan plan, String bootstrap, Path repositoryRoot, Path runDirectory, int basePort, Duration readyTimeout,
                       Path reportDir, PrintStream progress, Map<String, Object> clientProperties, Sla sla, Duration soakEvery) {
            this(plan, bootstrap, repositoryRoot, runDirectory, basePort, readyTimeout, reportDir, progress, clientProperties, sla, soakEvery, 0);
        }

        /** Without soak mode. */
        public Options(LoadPlan plan, String bootstrap, Path repositoryRoot, Path runDirectory, int basePort, Duration readyTimeout,
                       Path reportDir, PrintStream progress, Map<String, Object> clientProperties, Sla sla) {
            this(plan, bootstrap, repositoryRoot, runDirectory, basePort, readyTimeout, reportDir, progress, clientProperties, sla, null);
        }

        public Options {
            clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
            if (bootstrap == null && !clientProperties.isEmpty()) {
                throw new IllegalArgumentException("Kafka client settings (login, TLS) are for a running pipeline's broker (--bootstrap);"
                        + " the pipeline this command starts has a plaintext broker");
            }
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(readyTimeout, "readyTimeout");
            Objects.requireNonNull(reportDir, "reportDir");
            Objects.requireNonNull(progress, "progress");
            if (brokers != 0 && brokers != 1 && brokers != 3) {
                throw new IllegalArgumentException("brokers must be 0 (in this JVM), 1 or 3, got " + brokers);
            }
            if (bootstrap != null && brokers != 0) {
                throw new IllegalArgumentException("broker processes are for a pipeline this run starts, not a running one (bootstrap " + bootstrap + ")");
            }
            if (bootstrap == null) {
                Objects.requireNonNull(repositoryRoot, "repositoryRoot (to start the pipeline)");
                Objects.requireNonNull(runDirectory, "runDirectory (to start the pipeline)");
            }
        }
    }

    /** The run's figures, the SLA's verdict (null without an SLA), the soak's (null without soak mode) and where its report went. */
    public record Outcome(LoadResult result, SlaVerdict verdict, LoadReport.ReportFiles report, SoakReport.Result soak) {
    }

    private LoadHarness() {
    }

    public static Outcome run(Options o) {
        TransactionSource traffic = new GeneratedTraffic(o.plan().tenants(), o.plan().seed());
        LoadResult result;
        Soak soak = null;
        if (o.bootstrap() != null) {
            if (o.soakEvery() != null) {
                List<ResourceSampler.Target> found = ResourceSampler.discoverServices();
                soak = Soak.start(o, o.bootstrap(), found, found.isEmpty()
                        ? List.of("no Umbra service process was found on this machine (a pipeline elsewhere): only the topics' sizes")
                        : List.of(found.size() + " service processes found on this machine by their command line (`quarkus-run.jar`),"
                                + " heap from `/q/metrics` where their environment names the management port; the broker is not"
                                + " sampled (not started by this run)",
                                "the topics' sizes from the brokers (`describeLogDirs`)"));
            }
            try {
                result = new LoadRun(o.plan(), o.bootstrap(), false, traffic, o.progress(), o.readyTimeout())
                        .clientProperties(o.clientProperties()).run();
            } finally {
                if (soak != null) {
                    soak.stop();
                }
            }
        } else {
            o.progress().println("[load] starting the pipeline (LocalPipeline, run directory " + o.runDirectory() + ")");
            try (LocalPipeline pipeline = LocalPipeline.builder().repositoryRoot(o.repositoryRoot())
                    .tenants(o.plan().tenants().toArray(String[]::new)).runDirectory(o.runDirectory()).basePort(o.basePort())
                    .brokers(o.brokers()).progress(line -> o.progress().println("[local] " + line)).start()) {
                Map<Long, String> names = new HashMap<>();
                for (ServiceProcess p : pipeline.processes()) {
                    try {
                        names.put(p.pid(), p.name());
                    } catch (RuntimeException e) {
                        // not running: it has no CPU to report
                    }
                }
                String self = o.brokers() == 0 ? "load harness + Kafka broker (this JVM)" : "load harness (this JVM)";
                names.put(ProcessHandle.current().pid(), self);
                List<ResourceSampler.Target> brokerTargets = new ArrayList<>();
                if (o.brokers() > 0) {
                    KafkaCluster cluster = pipeline.cluster();
                    for (int id : cluster.nodeIds()) {
                        String name = "kafka broker " + id;
                        names.put(cluster.process(id).pid(), name);
                        brokerTargets.add(ResourceSampler.Target.withGcLog(name,
                                () -> cluster.isAlive(id) ? cluster.process(id).pid() : -1, cluster.gcLog(id)));
                    }
                }
                if (o.soakEvery() != null) {
                    List<ResourceSampler.Target> targets = new ArrayList<>();
                    for (ServiceProcess p : pipeline.processes()) {
                        String state = p.environment().get("UMBRA_STATE_DIR");
                        targets.add(new ResourceSampler.Target(p.name(), p::pid, p.managementPort(),
                                state == null ? null : Path.of(state), false));
                    }
                    int services = targets.size();
                    targets.addAll(brokerTargets);
                    targets.add(ResourceSampler.Target.self(self));
                    soak = Soak.start(o, pipeline.bootstrapServers(), targets, List.of(
                            services + " service processes of the pipeline this run started (RSS, threads and descriptors from"
                                    + " /proc, heap from each one's `/q/metrics`, the Kafka Streams state directory on disk)",
                            o.brokers() == 0
                                    ? "this JVM, which runs the load harness and the Kafka broker together (LocalPipeline starts the broker in"
                                    + " process): its curves are the broker's and the harness's at once (the harness's ledger and"
                                    + " histograms are allocated before the run starts); `--brokers 1` separates them"
                                    : o.brokers() + " broker process(es) of their own (RSS, threads and descriptors from /proc, heap after"
                                    + " GC from each one's GC log, `-Xlog:gc`) and this JVM, the load harness alone",
                            "the topics' sizes from the broker (`describeLogDirs`, every partition)"));
                }
                try {
                    result = new LoadRun(o.plan(), pipeline.bootstrapServers(), true, traffic, o.progress(), o.readyTimeout())
                            .processNames(names).run();
                } finally {
                    if (soak != null) {
                        soak.stop();
                    }
                }
                o.progress().println("[load] stopping the pipeline");
            }
        }
        SlaVerdict verdict = o.sla() == null ? null : SlaVerdict.check(o.sla(), result);
        LoadReport.ReportFiles files = LoadReport.write(result, verdict, o.reportDir());
        SoakReport.Result soakResult = null;
        if (soak != null) {
            soakResult = soak.result(result);
            SoakReport.append(files.markdown(), soakResult);
        }
        return new Outcome(result, verdict, files, soakResult);
    }

    /** A running sampler, its admin client and what it samples. */
    private record Soak(ResourceSampler sampler, Admin admin, ResourceCurves curves, Duration every, List<String> sampled) {
        static Soak start(Options o, String bootstrap, List<ResourceSampler.Target> targets, List<String> sampled) {
            Map<String, Object> config = new HashMap<>(o.clientProperties());
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "umbra-load-soak");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
            Admin admin = Admin.create(config);
            ResourceCurves curves = new ResourceCurves();
            ResourceSampler sampler = new ResourceSampler(targets, admin, o.soakEvery(), curves);
            o.progress().println("[load] soak mode: sampling " + targets.size() + " processes and the topics every "
                    + LoadRun.human(o.soakEvery()));
            sampler.start();
            return new Soak(sampler, admin, curves, o.soakEvery(), sampled);
        }

        void stop() {
            sampler.close();
            admin.close(Duration.ofSeconds(5));
        }

        /** The measured window's samples (from the end of the warm-up to the end of the duration) and their verdicts. */
        SoakReport.Result result(LoadResult r) {
            long from = r.startedAt().toEpochMilli() + Math.round(r.warmupOutcome().seconds() * 1000);
            long to = from + r.plan().duration().toMillis();
            ResourceCurves window = curves.between(from, to);
            return new SoakReport.Result(window, GrowthVerdict.judgeAll(window), every, sampled, sampler.topicPolicies());
        }
    }
}
