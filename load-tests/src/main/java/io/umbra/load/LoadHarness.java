package io.umbra.load;

import io.umbra.local.LocalPipeline;
import io.umbra.local.ServiceProcess;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
     */
    public record Options(LoadPlan plan, String bootstrap, Path repositoryRoot, Path runDirectory, int basePort,
                          Duration readyTimeout, Path reportDir, PrintStream progress, Map<String, Object> clientProperties,
                          Sla sla) {
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
            if (bootstrap == null) {
                Objects.requireNonNull(repositoryRoot, "repositoryRoot (to start the pipeline)");
                Objects.requireNonNull(runDirectory, "runDirectory (to start the pipeline)");
            }
        }
    }

    /** The run's figures, the SLA's verdict (null without an SLA) and where its report went. */
    public record Outcome(LoadResult result, SlaVerdict verdict, LoadReport.ReportFiles report) {
    }

    private LoadHarness() {
    }

    public static Outcome run(Options o) {
        TransactionSource traffic = new GeneratedTraffic(o.plan().tenants(), o.plan().seed());
        LoadResult result;
        if (o.bootstrap() != null) {
            result = new LoadRun(o.plan(), o.bootstrap(), false, traffic, o.progress(), o.readyTimeout())
                    .clientProperties(o.clientProperties()).run();
        } else {
            o.progress().println("[load] starting the pipeline (LocalPipeline, run directory " + o.runDirectory() + ")");
            try (LocalPipeline pipeline = LocalPipeline.builder().repositoryRoot(o.repositoryRoot())
                    .tenants(o.plan().tenants().toArray(String[]::new)).runDirectory(o.runDirectory()).basePort(o.basePort())
                    .progress(line -> o.progress().println("[local] " + line)).start()) {
                Map<Long, String> names = new HashMap<>();
                for (ServiceProcess p : pipeline.processes()) {
                    try {
                        names.put(p.pid(), p.name());
                    } catch (RuntimeException e) {
                        // not running: it has no CPU to report
                    }
                }
                names.put(ProcessHandle.current().pid(), "load harness + Kafka broker (this JVM)");
                result = new LoadRun(o.plan(), pipeline.bootstrapServers(), true, traffic, o.progress(), o.readyTimeout())
                        .processNames(names).run();
                o.progress().println("[load] stopping the pipeline");
            }
        }
        SlaVerdict verdict = o.sla() == null ? null : SlaVerdict.check(o.sla(), result);
        LoadReport.ReportFiles files = LoadReport.write(result, verdict, o.reportDir());
        return new Outcome(result, verdict, files);
    }
}
