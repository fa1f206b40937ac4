package io.umbra.local;

import io.umbra.events.TenantId;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service running as a child process: {@code java -jar <module>/target/quarkus-app/quarkus-run.jar}
 * with its environment, its output appended to its log file. {@link #kill()} and {@link #restart()} are
 * what crash tests use: a restart keeps the environment, so the instance id (and with it the
 * transactional id and the static group membership) stays the same.
 */
public final class ServiceProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final int LOG_TAIL_LINES = 25;

    private final Service service;
    private final TenantId tenant;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Path logFile;
    private final int httpPort;
    private final int managementPort;
    private final Duration readyTimeout;
    private final Runnable onStartOrStop;
    /** Null unless this is an extra replica of the scoring pool ({@code he-scoring-service-1}, …). */
    private final String replicaName;
    private volatile Process process;
    /** The process this run asked to exit ({@link #kill}, {@link #stop}, {@link #requestStop}): not a crash, never restarted by a supervisor. */
    private volatile Process exitRequested;
    /** When the current process was started ({@link System#nanoTime()}). */
    private volatile long startedNanos;
    private volatile Supervisor supervisor;
    private volatile int restarts;

    ServiceProcess(Service service, TenantId tenant, List<String> command, Map<String, String> environment,
                   Path workingDirectory, Path logFile, int httpPort, Duration readyTimeout, Runnable onStartOrStop) {
        this(service, tenant, command, environment, workingDirectory, logFile, httpPort, httpPort, readyTimeout, onStartOrStop);
    }

    /** @param managementPort where health and metrics answer ({@code QUARKUS_MANAGEMENT_PORT}) */
    ServiceProcess(Service service, TenantId tenant, List<String> command, Map<String, String> environment,
                   Path workingDirectory, Path logFile, int httpPort, int managementPort, Duration readyTimeout, Runnable onStartOrStop) {
        this(service, tenant, null, command, environment, workingDirectory, logFile, httpPort, managementPort, readyTimeout, onStartOrStop);
    }

    /** @param replicaName the name of an extra scoring-pool replica, or null for the one process a run starts per service */
    ServiceProcess(Service service, TenantId tenant, String replicaName, List<String> command, Map<String, String> environment,
                   Path workingDirectory, Path logFile, int httpPort, int managementPort, Duration readyTimeout, Runnable onStartOrStop) {
        this.replicaName = replicaName;
        this.managementPort = managementPort;
        this.service = service;
        this.tenant = tenant;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
        this.logFile = logFile;
        this.httpPort = httpPort;
        this.readyTimeout = readyTimeout;
        this.onStartOrStop = onStartOrStop;
    }

    public Service service() {
        return service;
    }

    /** The tenant it serves, or null for the shared scoring pool. */
    public TenantId tenant() {
        return tenant;
    }

    /** {@code acme-ingest-service}, or {@code he-scoring-service} for the shared pool ({@code he-scoring-service-1}, … for its extra replicas). */
    public String name() {
        if (replicaName != null) {
            return replicaName;
        }
        return tenant == null ? service.module() : tenant + "-" + service.module();
    }

    /** {@code UMBRA_INSTANCE_ID}: the same across restarts. */
    public String instanceId() {
        return environment.get("UMBRA_INSTANCE_ID");
    }

    public int httpPort() {
        return httpPort;
    }

    /** {@code http://localhost:<port><path>}. */
    public URI url(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    /** Health and metrics: the management interface's port. */
    public int managementPort() {
        return managementPort;
    }

    /** {@code path} on the management interface ({@code /q/health/ready}, {@code /q/metrics}). */
    public URI managementUrl(String path) {
        return URI.create("http://localhost:" + managementPort + path);
    }

    /** Where the process's stdout and stderr go (appended across restarts). */
    public Path logFile() {
        return logFile;
    }

    /** The environment the service gets on top of the cleaned parent environment. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The command line, without the environment. */
    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The operating-system process id, or -1 before the first start. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name() + " is already running (pid " + pid() + ")");
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== umbra-local: " + name() + " starting at " + Instant.now() + ": "
                    + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            Map<String, String> env = pb.environment();
            // Only what this run sets: a stray UMBRA_TENANT or QUARKUS_PROFILE in the caller's shell must not leak in.
            env.keySet().removeIf(k -> k.startsWith("UMBRA_") || k.startsWith("QUARKUS_") || k.startsWith("KAFKA_")
                    || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
            env.putAll(environment);
            Process started = pb.start();
            process = started;
            startedNanos = System.nanoTime();
            started.getOutputStream().close();   // nothing is ever typed to a service
            Supervisor s = supervisor;
            if (s != null) {
                s.watch(this, started);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name() + " (" + String.join(" ", command) + ")", e);
        } finally {
            onStartOrStop.run();
        }
    }

    /** Waits until {@code /q/health/ready} answers 200, for the pipeline's ready timeout. */
    public void awaitReady() {
        awaitReady(readyTimeout);
    }

    /**
     * Waits until {@code /q/health/ready} answers 200. Fails at once if the process exits, and after
     * {@code timeout} otherwise, naming the service, its last answer and its log file (with the log's end).
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        HttpRequest request = HttpRequest.newBuilder(managementUrl("/q/health/ready")).timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name() + " exited" + (p == null ? "" : " with code " + p.exitValue())
                        + " before it was ready; its log is " + logFile + logTail());
            }
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + " " + oneLine(response.body());
            } catch (IOException e) {
                last = "no connection (" + e.getClass().getSimpleName() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name(), e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name() + " was not ready after " + timeout.toSeconds() + " s at "
                        + managementUrl("/q/health/ready") + " (last answer: " + last + "); its log is " + logFile + logTail());
            }
            sleep(250);
        }
    }

    /**
     * SIGKILL, as a crashed pod: no shutdown hook, no transaction finished. Waits until the process is gone. The
     * caller restarts it ({@link #restart()}) when it wants it back: a supervised run ({@link LocalPipelineBuilder#supervise})
     * leaves an exit it asked for alone, and restarts only the ones it did not ask for (a SIGKILL from outside, a crash).
     */
    public synchronized void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            exitRequested = p;
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(30));
        }
        onStartOrStop.run();
    }

    /**
     * Starts the service again with the same command and environment (same instance id), stopping it
     * gracefully first if it still runs. Returns once the process started; {@link #awaitReady()} waits for it.
     */
    public synchronized void restart() {
        if (isAlive()) {
            stop(Duration.ofSeconds(20));
        }
        start();
    }

    /** SIGTERM, then SIGKILL if it is still alive after {@code grace}. */
    public synchronized void stop(Duration grace) {
        Process p = process;
        if (p != null && p.isAlive()) {
            exitRequested = p;
            p.destroy();
            if (!waitFor(p, grace)) {
                p.destroyForcibly();
                waitFor(p, Duration.ofSeconds(10));
            }
        }
        onStartOrStop.run();
    }

    /** Asks the process to stop (SIGTERM) without waiting: for stopping many at once. */
    void requestStop() {
        Process p = process;
        if (p != null && p.isAlive()) {
            exitRequested = p;
            p.destroy();
        }
    }

    /** How many times a supervisor restarted it after an exit the run did not ask for (0 without a supervisor). */
    public int restarts() {
        return restarts;
    }

    /** When the current process started ({@link ProcessHandle.Info#startInstant()}), or null before the first start. */
    public Instant processStart() {
        Process p = process;
        return p == null ? null : p.info().startInstant().orElse(null);
    }

    void supervisedBy(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    /** The current OS process (null before the first start): the supervisor compares it with the one that exited. */
    Process currentProcess() {
        return process;
    }

    /** Whether the run asked {@code p} to exit (kill, stop, close), so that its exit is no crash. */
    boolean exitRequested(Process p) {
        return exitRequested == p;
    }

    /** How long the current process has been running. */
    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    void countRestart() {
        restarts++;
    }

    /** The exit code, or null while it runs (or before it started). */
    public Integer exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? null : p.exitValue();
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The end of the log, indented, for failure messages (the services never log secrets). */
    private String logTail() {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = f.length();
            int read = (int) Math.min(length, 16 * 1024);
            byte[] bytes = new byte[read];
            f.seek(length - read);
            f.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return tail.isEmpty() ? "" : "; it ends with:" + System.lineSeparator() + "    "
                    + String.join(System.lineSeparator() + "    ", tail);
        } catch (IOException e) {
            return "";
        }
    }

    private static String oneLine(String s) {
        String flat = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name() + " (port " + httpPort + (isAlive() ? ", pid " + pid() : ", not running") + ")";
    }
}
