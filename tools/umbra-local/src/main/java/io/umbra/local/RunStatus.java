package io.umbra.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code <run>/services.properties}: which service processes a running local run has, for tools outside its JVM
 * ({@code ./umbra chaos}). Rewritten (whole, then moved into place) at every start, exit and restart of a service,
 * deleted when the run closes. {@code services.pids} beside it stays the bare pid list the watchdog
 * ({@link ParentWatch}) reads.
 *
 * <pre>
 * run.pid=4242                      the JVM of the run (./umbra local, a test)
 * run.supervised=true               whether a supervisor restarts services that exit unasked
 * run.brokers=0                     0: the broker in the run's JVM; 1 or 3: broker processes
 * services=acme-key-service,…       in start order
 * acme-key-service.service=key-service
 * acme-key-service.tenant=acme      (absent for the shared scoring pool)
 * acme-key-service.pid=4243         -1 while it is not running
 * acme-key-service.started=2026-12-07T16:40:05.120Z   the OS process's start (so that a reused pid is told apart)
 * acme-key-service.restarts=2
 * broker-1.pid=4240                 with broker processes (run.brokers 1 or 3): one block per node, -1 while it is down
 * broker-1.started=2026-12-07T16:40:01.003Z
 * broker-1.state=running            running (serves clients), restarting (exited unasked; the supervisor brings it
 *                                   back), down (ended by the run itself, e.g. a fault test's KafkaCluster.kill)
 * broker-1.restarts=1               restarts by the supervisor
 * </pre>
 */
public record RunStatus(long runPid, boolean supervised, int brokers, List<Entry> services, List<Broker> brokerProcesses) {
    public static final String FILE = "services.properties";

    /** One broker process (KRaft node) as the run last recorded it. */
    public record Broker(int nodeId, long pid, Instant started, String state, int restarts) {
        public static final String RUNNING = "running";
        public static final String RESTARTING = "restarting";
        public static final String DOWN = "down";

        /** {@code broker-<node id>}: how chaos and the run's console name it. */
        public String name() {
            return "broker-" + nodeId;
        }

        /** Whether the run recorded it serving clients and the recorded pid is still that process. */
        public boolean isRunning() {
            return RUNNING.equals(state) && new Entry(name(), null, null, pid, started, restarts).isRunning();
        }
    }

    /** One service process as the run last recorded it. */
    public record Entry(String name, Service service, String tenant, long pid, Instant started, int restarts) {
        /** Whether the recorded pid is still that process (alive, and started when it was recorded). */
        public boolean isRunning() {
            if (pid <= 0) {
                return false;
            }
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) {
                return false;
            }
            Optional<Instant> start = h.get().info().startInstant();
            // the start time, read from /proc here and in the run's JVM, tells a pid the OS reused for something else
            return started == null || start.isEmpty() || Math.abs(java.time.Duration.between(start.get(), started).toMillis()) < 1_000;
        }
    }

    static void write(Path file, boolean supervised, int brokers, Collection<ServiceProcess> processes) {
        write(file, supervised, brokers, processes, List.of());
    }

    static void write(Path file, boolean supervised, int brokers, Collection<ServiceProcess> processes, List<Broker> brokerProcesses) {
        StringBuilder text = new StringBuilder("# this local run's service processes (umbra-local RunStatus); rewritten at every start,"
                + " exit and restart\n");
        text.append("run.pid=").append(ProcessHandle.current().pid()).append('\n');
        text.append("run.supervised=").append(supervised).append('\n');
        text.append("run.brokers=").append(brokers).append('\n');
        text.append("services=").append(String.join(",", processes.stream().map(ServiceProcess::name).toList())).append('\n');
        for (ServiceProcess p : processes) {
            String n = p.name();
            text.append(n).append(".service=").append(p.service().module()).append('\n');
            if (p.tenant() != null) {
                text.append(n).append(".tenant=").append(p.tenant().value()).append('\n');
            }
            boolean alive = p.isAlive();
            text.append(n).append(".pid=").append(alive ? p.pid() : -1).append('\n');
            Instant started = alive ? p.processStart() : null;
            if (started != null) {
                text.append(n).append(".started=").append(started).append('\n');
            }
            text.append(n).append(".restarts=").append(p.restarts()).append('\n');
        }
        for (Broker b : brokerProcesses) {
            String n = b.name();
            text.append(n).append(".pid=").append(b.pid()).append('\n');
            if (b.started() != null) {
                text.append(n).append(".started=").append(b.started()).append('\n');
            }
            text.append(n).append(".state=").append(b.state()).append('\n');
            text.append(n).append(".restarts=").append(b.restarts()).append('\n');
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Reads {@code <runDirectory>/services.properties}; empty when the file is not there (no run, or one that stopped). */
    public static Optional<RunStatus> read(Path runDirectory) {
        Path file = runDirectory.resolve(FILE);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            List<Entry> entries = new ArrayList<>();
            String names = p.getProperty("services", "");
            for (String n : names.isBlank() ? new String[0] : names.split(",")) {
                String started = p.getProperty(n + ".started");
                entries.add(new Entry(n, Service.ofModule(p.getProperty(n + ".service")), p.getProperty(n + ".tenant"),
                        Long.parseLong(p.getProperty(n + ".pid", "-1")), started == null ? null : Instant.parse(started),
                        Integer.parseInt(p.getProperty(n + ".restarts", "0"))));
            }
            int brokers = Integer.parseInt(p.getProperty("run.brokers", "0"));
            List<Broker> nodes = new ArrayList<>();
            for (int id = 1; id <= brokers; id++) {
                String n = "broker-" + id;
                if (p.getProperty(n + ".state") == null) {
                    continue;
                }
                String started = p.getProperty(n + ".started");
                nodes.add(new Broker(id, Long.parseLong(p.getProperty(n + ".pid", "-1")), started == null ? null : Instant.parse(started),
                        p.getProperty(n + ".state"), Integer.parseInt(p.getProperty(n + ".restarts", "0"))));
            }
            return Optional.of(new RunStatus(Long.parseLong(p.getProperty("run.pid")), Boolean.parseBoolean(p.getProperty("run.supervised")),
                    brokers, List.copyOf(entries), List.copyOf(nodes)));
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + " is not a local run's status file (" + e.getMessage() + ")", e);
        }
    }

    /** Whether the run's JVM is still alive. */
    public boolean runAlive() {
        return ProcessHandle.of(runPid).map(ProcessHandle::isAlive).orElse(false);
    }
}
