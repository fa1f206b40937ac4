package io.umbra.kafka.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.ObjIntConsumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * One or three KRaft brokers, each a {@link KafkaLocalMain} process of its own on loopback (combined
 * broker and controller, every node a voter), so that a test or {@code ./umbra local --brokers 3} can
 * SIGKILL one and restart it with its data.
 *
 * <pre>{@code
 * try (KafkaCluster cluster = KafkaCluster.builder().brokers(3).start()) {
 *     cluster.createTopics(TopicSpec.of("acme.tx.raw", 3));     // replication factor 3, min ISR 2
 *     cluster.kill(cluster.controllerId());                     // SIGKILL; the quorum elects another
 *     cluster.restart(...);                                     // same ports, same data
 * }
 * }</pre>
 *
 * <p>What it guarantees: with three brokers every topic it creates, the consumer-offsets and the
 * transaction-state topics have replication factor 3 and {@code min.insync.replicas} 2, so acks=all
 * writes and transactions go on while any one broker is down. Node {@code i} (1-based) keeps its data in
 * {@code <dataDir>/node-i} and its log in {@code <dataDir>/node-i.log}; a restarted node gets the same
 * ports, so clients' bootstrap list stays valid.
 *
 * <p>What it must never do: serve production (no TLS, no authentication), or outlive the JVM that
 * started it ({@link #close()} and a shutdown hook stop every node).
 */
public final class KafkaCluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String host;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final String clusterId;
    private final int[] ports;
    private final int[] controllerPorts;
    private final List<String> command;
    private final int maxMessageBytes;
    /** Node i's proxied listener: bound on {@code proxiedPort + i - 1}, advertising {@code proxiedAdvertisedPort + i - 1}; 0: none. */
    private final int proxiedPort;
    private final int proxiedAdvertisedPort;
    private final Process[] nodes;
    /** Per node: 1 once its current process serves clients (0 from its spawn until then). */
    private final AtomicIntegerArray ready;
    /** Per node: 1 when the run itself ended its current process ({@link #kill}); reset at each start. */
    private final boolean[] exitAsked;
    private final List<ObjIntConsumer<Process>> startListeners = new CopyOnWriteArrayList<>();
    private final Admin admin;
    private final Thread shutdownHook;
    private boolean closed;

    private KafkaCluster(Builder b, Path dataDir, boolean ownsDataDir, int[] ports, int[] controllerPorts) {
        this.host = b.host;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.clusterId = Uuid.randomUuid().toString();
        this.ports = ports;
        this.controllerPorts = controllerPorts;
        this.command = javaCommand(b.classpath);
        this.maxMessageBytes = b.maxMessageBytes;
        this.proxiedPort = b.proxiedPort;
        this.proxiedAdvertisedPort = b.proxiedAdvertisedPort;
        this.nodes = new Process[ports.length];
        this.ready = new AtomicIntegerArray(ports.length);
        this.exitAsked = new boolean[ports.length];
        this.shutdownHook = new Thread(this::close, "kafka-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            // All at once: a node of three prints its line only once a majority of voters is up.
            List<CompletableFuture<String>> ready = new ArrayList<>();
            for (int id = 1; id <= ports.length; id++) {
                nodes[id - 1] = spawn(id);
                ready.add(firstLine(nodes[id - 1]));
            }
            for (int id = 1; id <= ports.length; id++) {
                awaitReady(id, nodes[id - 1], ready.get(id - 1));
                this.ready.set(id - 1, 1);
            }
        } catch (RuntimeException e) {
            stopAll();
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
            throw e;
        }
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "kafka-cluster-admin"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every node's client address, {@code 127.0.0.1:p1,127.0.0.1:p2,...}: a client reaches the cluster while any one is up. */
    public String bootstrapServers() {
        StringJoiner j = new StringJoiner(",");
        for (int p : ports) {
            j.add(host + ":" + p);
        }
        return j.toString();
    }

    /**
     * Every node's proxied address ({@link Builder#proxiedListener}): {@code 127.0.0.1:a1,...}, the ports where the
     * proxies in front of the nodes' {@code PROXIED} listeners listen; a client bootstrapping here connects only
     * through them. An IllegalStateException when the cluster has no proxied listener.
     */
    public String proxiedBootstrapServers() {
        requireProxied();
        StringJoiner j = new StringJoiner(",");
        for (int id = 1; id <= ports.length; id++) {
            j.add(host + ":" + proxiedAdvertisedPort(id));
        }
        return j.toString();
    }

    /** The port node {@code id}'s {@code PROXIED} listener binds (where its proxy forwards to). */
    public int proxiedPort(int id) {
        checkId(id);
        requireProxied();
        return proxiedPort + id - 1;
    }

    /** The port node {@code id}'s {@code PROXIED} listener advertises (where its proxy listens). */
    public int proxiedAdvertisedPort(int id) {
        checkId(id);
        requireProxied();
        return proxiedAdvertisedPort + id - 1;
    }

    private void requireProxied() {
        if (proxiedPort == 0) {
            throw new IllegalStateException("this cluster has no proxied listener: start it with builder().proxiedListener(...)");
        }
    }

    /** How many nodes (1 or 3). */
    public int size() {
        return ports.length;
    }

    /** The replication factor of every topic (and min ISR one less, at least 1). */
    public int replicationFactor() {
        return ports.length;
    }

    /** Node ids, 1 to {@link #size()}. */
    public List<Integer> nodeIds() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id <= ports.length; id++) {
            ids.add(id);
        }
        return ids;
    }

    /** The client port of node {@code id}. */
    public int port(int id) {
        checkId(id);
        return ports[id - 1];
    }

    /** The OS process of node {@code id} (for its pid or CPU time). */
    public ProcessHandle process(int id) {
        checkId(id);
        return nodes[id - 1].toHandle();
    }

    public boolean isAlive(int id) {
        checkId(id);
        return nodes[id - 1].isAlive();
    }

    /** Whether node {@code id}'s process is alive and has served clients since it started (false while a restart waits for it). */
    public boolean isServing(int id) {
        checkId(id);
        return ready.get(id - 1) == 1 && nodes[id - 1].isAlive();
    }

    /**
     * Calls {@code listener} with each node's process now and with every process a node gets later ({@link #restart},
     * {@link #restartIfDown}), for a supervisor that watches their exits. Runs on the caller's thread.
     */
    public void onNodeStarted(ObjIntConsumer<Process> listener) {
        startListeners.add(Objects.requireNonNull(listener, "listener"));
        for (int id = 1; id <= ports.length; id++) {
            listener.accept(nodes[id - 1], id);
        }
    }

    /**
     * Whether the exit of {@code process} (node {@code id}'s) was asked for: by {@link #kill}, by {@link #close}, or
     * because the node has another process by now. A supervisor restarts a node only after an exit nobody asked for.
     */
    public synchronized boolean exitAsked(int id, Process process) {
        checkId(id);
        return closed || exitAsked[id - 1] || nodes[id - 1] != process;
    }

    /**
     * Starts node {@code id} again (same ports, same data) if its process is dead and the run did not end it
     * ({@link #kill}, {@link #close}); returns once it serves clients, true. False, and nothing done, when it runs
     * (someone restarted it meanwhile), was killed by the run's own call, or the cluster is closed. For a supervisor.
     */
    public synchronized boolean restartIfDown(int id) {
        checkId(id);
        if (closed || exitAsked[id - 1] || nodes[id - 1].isAlive()) {
            return false;
        }
        start(id);
        return true;
    }

    /** The data directory: {@code node-<id>/} and {@code node-<id>.log} per node. */
    public Path dataDir() {
        return dataDir;
    }

    /** The cluster's admin client (every node in its bootstrap list; do not close it). */
    public Admin admin() {
        return admin;
    }

    /** The node that leads the KRaft quorum now (the active controller). */
    public int controllerId() {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not describe the metadata quorum: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the metadata quorum", e);
        }
    }

    /** Creates the topics that do not exist yet, replicated {@link #replicationFactor()} times; returns once each partition has a leader. */
    public void createTopics(TopicSpec... topics) {
        createTopics(List.of(topics));
    }

    public void createTopics(Collection<TopicSpec> topics) {
        TopicCreation.create(admin, topics);
    }

    /** SIGKILL of node {@code id}: no controlled shutdown, its data stays for {@link #restart}. Waits until the process is gone. */
    public synchronized void kill(int id) {
        checkId(id);
        Process p = nodes[id - 1];
        exitAsked[id - 1] = true;
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + id + " (pid " + p.pid() + ") did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing node " + id, e);
        }
    }

    /** Starts node {@code id} again (same ports, same data) and returns once it serves clients. */
    public synchronized void restart(int id) {
        checkId(id);
        if (nodes[id - 1].isAlive()) {
            throw new IllegalStateException("node " + id + " is still running (pid " + nodes[id - 1].pid() + "): kill it first");
        }
        start(id);
    }

    private void start(int id) {
        Process p = spawn(id);
        nodes[id - 1] = p;
        exitAsked[id - 1] = false;
        ready.set(id - 1, 0);
        startListeners.forEach(l -> l.accept(p, id));
        awaitReady(id, p, firstLine(p));
        ready.set(id - 1, 1);
    }

    private void checkId(int id) {
        if (id < 1 || id > ports.length) {
            throw new IllegalArgumentException("no node " + id + "; nodes are 1 to " + ports.length);
        }
    }

    private String voters() {
        StringJoiner j = new StringJoiner(",");
        for (int id = 1; id <= ports.length; id++) {
            j.add(id + "@" + host + ":" + controllerPorts[id - 1]);
        }
        return j.toString();
    }

    private Process spawn(int id) {
        List<String> cmd = new ArrayList<>(command);
        // each collection's heap before -> after on one line, for a soak's "heap after GC" of the broker (two files of 10 MB at most)
        cmd.add(1, "-Xlog:gc:file=" + gcLog(id) + ":uptime:filecount=2,filesize=10m");
        cmd.addAll(List.of("--host", host, "--port", Integer.toString(ports[id - 1]),
                "--controller-port", Integer.toString(controllerPorts[id - 1]),
                "--data-dir", dataDir.resolve("node-" + id).toString(),
                "--max-message-bytes", Integer.toString(maxMessageBytes),
                "--node-id", Integer.toString(id), "--quorum-voters", voters(), "--cluster-id", clusterId,
                "--replication-factor", Integer.toString(ports.length)));
        if (proxiedPort != 0) {
            cmd.addAll(List.of("--proxied-listener", (proxiedPort + id - 1) + ":" + (proxiedAdvertisedPort + id - 1)));
        }
        try {
            return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start broker node " + id + ": " + cmd, e);
        }
    }

    /**
     * Node {@code id}'s GC log ({@code -Xlog:gc}): one line per collection with the heap before and after it, e.g.
     * {@code [12.3s][info][gc] GC(7) Pause Young (Allocation Failure) 98M->41M(370M) 4.2ms}.
     */
    public Path gcLog(int id) {
        checkId(id);
        return dataDir.resolve("node-" + id + "-gc.log");
    }

    private Path log(int id) {
        return dataDir.resolve("node-" + id + ".log");
    }

    /** The node's first stdout line, read on a thread of its own (the common pool may have one thread). */
    private static CompletableFuture<String> firstLine(Process p) {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine());
            } catch (IOException e) {
                line.complete(null);
            }
        }, "kafka-cluster-node-stdout");
        reader.setDaemon(true);
        reader.start();
        return line;
    }

    private void awaitReady(int id, Process p, CompletableFuture<String> line) {
        String first;
        try {
            first = line.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            first = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            first = null;
        }
        if (first == null || !first.startsWith("bootstrap=")) {
            p.destroyForcibly();
            throw new IllegalStateException("broker node " + id + " did not become ready within " + READY_TIMEOUT.toSeconds()
                    + " s (" + (p.isAlive() ? "still running" : "exit " + p.exitValue()) + "); its log: " + log(id));
        }
    }

    /**
     * Stops every node: SIGTERM to all at once (a node stopped alone would wait for a quorum that is
     * leaving), SIGKILL to any still alive after 10 s; deletes a temporary data directory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        stopAll();
        if (ownsDataDir) {
            EmbeddedKafka.deleteRecursively(dataDir);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
    }

    private void stopAll() {
        for (Process p : nodes) {
            if (p != null) {
                p.toHandle().destroy();
            }
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (Process p : nodes) {
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private static List<String> javaCommand(String classpath) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m",
                // the whole heap committed and touched at start (Kafka's own advice: -Xms equal to -Xmx): the broker's RSS
                // is flat from the start, so a soak reads its growth as growth, not as pages touched for the first time
                "-Xms384m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", classpath, KafkaLocalMain.class.getName()));
        return cmd;
    }

    /** How to start a cluster; every setting has a default. */
    public static final class Builder {
        private int brokers = 3;
        private String host = "127.0.0.1";
        private Path dataDir;
        private int maxMessageBytes = EmbeddedKafka.KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
        private String classpath = System.getProperty("java.class.path");
        private int proxiedPort;
        private int proxiedAdvertisedPort;

        private Builder() {
        }

        /**
         * Gives every node a second PLAINTEXT client listener, {@code PROXIED}: node {@code i} (from 1) binds it on
         * {@code firstPort + i - 1} and advertises {@code firstAdvertisedPort + i - 1}, where a proxy (a
         * {@link FaultProxy}) listens and forwards to the node's listener. A client bootstrapping with
         * {@link #proxiedBootstrapServers()} reaches the cluster only through the proxies, so a test can cut that
         * one client off; every other client and the brokers' own traffic use the ordinary listeners. Fixed ports,
         * chosen by the caller (a proxy must know its target before the cluster starts, and a restarted node keeps
         * them); the two ranges must not overlap.
         */
        public Builder proxiedListener(int firstPort, int firstAdvertisedPort) {
            if (firstPort < 1024 || firstPort > 65_000 || firstAdvertisedPort < 1024 || firstAdvertisedPort > 65_000) {
                throw new IllegalArgumentException("proxied listener ports must be 1024..65000, got " + firstPort + " and " + firstAdvertisedPort);
            }
            if (Math.abs(firstPort - firstAdvertisedPort) < 3) {
                throw new IllegalArgumentException("the proxied listeners' ports (" + firstPort + "…) and the proxies' ("
                        + firstAdvertisedPort + "…) overlap");
            }
            this.proxiedPort = firstPort;
            this.proxiedAdvertisedPort = firstAdvertisedPort;
            return this;
        }

        /** 1 or 3 nodes (default 3): one node has nothing to fail over to, two cannot lose one and keep a quorum. */
        public Builder brokers(int brokers) {
            if (brokers != 1 && brokers != 3) {
                throw new IllegalArgumentException("a local cluster has 1 or 3 brokers, got " + brokers);
            }
            this.brokers = brokers;
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Keep the nodes' data here (default: a temporary directory, deleted by {@link #close()}). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
            return this;
        }

        /** {@code message.max.bytes} of every node (the fetch and socket limits follow). */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** The classpath the node processes run with (default this JVM's: it holds kafka-local and the broker). */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /**
         * Starts every node and returns once each serves clients. A kept {@link #dataDir} from an earlier
         * cluster is refused: its nodes were formatted with another cluster id and other ports.
         */
        public KafkaCluster start() {
            boolean owns = dataDir == null;
            Path dir;
            try {
                dir = owns ? Files.createTempDirectory("umbra-kafka-cluster-") : Files.createDirectories(dataDir);
                if (!owns && Files.exists(dir.resolve("node-1"))) {
                    throw new IllegalStateException(dir + " holds an earlier cluster's data (node-1/): delete it first");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the cluster's data directory", e);
            }
            int[] free = EmbeddedKafka.freePorts(host, 2 * brokers);
            int[] p = new int[brokers];
            int[] cp = new int[brokers];
            for (int i = 0; i < brokers; i++) {
                p[i] = free[2 * i];
                cp[i] = free[2 * i + 1];
            }
            try {
                return new KafkaCluster(this, dir, owns, p, cp);
            } catch (RuntimeException e) {
                if (owns) {
                    EmbeddedKafka.deleteRecursively(dir);
                }
                throw e;
            }
        }
    }
}
