package io.umbra.load;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The soak mode's eyes: every {@code every}, for each process it knows, its RSS and threads
 * ({@code /proc/<pid>/status}), its open file descriptors ({@code /proc/<pid>/fd}), its heap after GC and its
 * old generation in use (the service's {@code /q/metrics}: Micrometer's {@code jvm_gc_live_data_size_bytes} and
 * {@code jvm_memory_used_bytes} of the old pool; for this JVM, its own memory pools), the size on disk of its
 * Kafka Streams state directory, and the size of every topic in the brokers' log directories
 * ({@code describeLogDirs}, summed over partitions and replicas). Into {@link ResourceCurves}.
 *
 * <p>A process that is not running at a sample (between a crash and its restart) is skipped for that sample.
 */
public final class ResourceSampler implements AutoCloseable {
    private static final Path PROC = Path.of("/proc");
    private static final String LIVE_DATA = "jvm_gc_live_data_size_bytes";
    private static final String MEMORY_USED = "jvm_memory_used_bytes";

    /**
     * A process to sample.
     *
     * @param name           what the report calls it
     * @param pid            its current pid, or a negative number while it is not running (looked up at every sample:
     *                       a restarted service has a new one)
     * @param managementPort where its {@code /q/metrics} answers, or -1 (no heap figures)
     * @param stateDir       its Kafka Streams state directory, or null
     * @param thisJvm        whether it is this JVM: its heap is read from its own memory pools
     * @param gcLog          its GC log ({@code -Xlog:gc}), its heap curves read from there ({@link GcLog}), or null
     *                       (a process without {@code /q/metrics}: a broker process)
     */
    public record Target(String name, LongSupplier pid, int managementPort, Path stateDir, boolean thisJvm, Path gcLog) {
        /** A process without a GC log. */
        public Target(String name, LongSupplier pid, int managementPort, Path stateDir, boolean thisJvm) {
            this(name, pid, managementPort, stateDir, thisJvm, null);
        }

        /** This JVM, named {@code name} (in a self-started run it hosts the broker too, unless the brokers are processes). */
        public static Target self(String name) {
            long me = ProcessHandle.current().pid();
            return new Target(name, () -> me, -1, null, true);
        }

        /** A JVM without a metrics endpoint whose heap after GC comes from its GC log, e.g. a broker process. */
        public static Target withGcLog(String name, LongSupplier pid, Path gcLog) {
            return new Target(name, pid, -1, null, false, java.util.Objects.requireNonNull(gcLog, "gcLog"));
        }
    }

    /** RSS in bytes and the thread count of one process, or null when it is gone. */
    public record Status(long rssBytes, int threads) {
    }

    private final List<Target> targets;
    private final Admin admin;
    private final Duration every;
    private final ResourceCurves curves;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> topicPolicies = new TreeMap<>();
    private ScheduledExecutorService timer;

    /**
     * @param targets the processes
     * @param admin   an admin client of the pipeline's cluster for the topic sizes, or null (not sampled)
     * @param every   the sampling period
     * @param curves  where the samples go
     */
    public ResourceSampler(List<Target> targets, Admin admin, Duration every, ResourceCurves curves) {
        this.targets = List.copyOf(targets);
        this.admin = admin;
        this.every = every;
        this.curves = curves;
        if (every.toMillis() < 100) {
            throw new IllegalArgumentException("the sampling period must be at least 100 ms, got " + every);
        }
    }

    /** Samples now, then every period, on a daemon thread, until {@link #close()}. */
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("soak-sampler").daemon().unstarted(r));
        timer.scheduleAtFixedRate(this::sampleQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Each topic's {@code cleanup.policy} and {@code retention.ms}, as read at the first sample of the topic sizes. */
    public synchronized Map<String, String> topicPolicies() {
        return Map.copyOf(topicPolicies);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            curves.note("a sample failed: " + e);
        }
    }

    /** One sample of every target and every topic, stamped with the time it began. */
    public void sample() {
        long now = System.currentTimeMillis();
        for (Target t : targets) {
            long pid = t.pid().getAsLong();
            if (pid < 0) {
                continue;
            }
            Status s = status(pid);
            if (s == null) {
                continue; // gone between the pid lookup and the read
            }
            curves.add(ResourceKind.RSS, t.name(), now, s.rssBytes());
            curves.add(ResourceKind.THREADS, t.name(), now, s.threads());
            int fds = openFileDescriptors(pid);
            if (fds >= 0) {
                curves.add(ResourceKind.FDS, t.name(), now, fds);
            }
            if (t.thisJvm()) {
                sampleOwnHeap(t.name(), now);
            } else if (t.managementPort() > 0) {
                sampleMetrics(t, now);
            } else if (t.gcLog() != null) {
                GcLog.Heap heap = GcLog.read(t.gcLog());
                if (heap.afterFull() >= 0) {
                    curves.add(ResourceKind.HEAP_AFTER_GC, t.name(), now, heap.afterFull());
                }
                if (heap.afterLatest() >= 0) {
                    curves.add(ResourceKind.OLD_GEN_USED, t.name(), now, heap.afterLatest());
                }
            } else {
                curves.note(t.name() + ": no management port known, so no heap figures");
            }
            if (t.stateDir() != null && Files.isDirectory(t.stateDir())) {
                curves.add(ResourceKind.STATE_STORE, t.name(), now, directorySize(t.stateDir()));
            }
        }
        if (admin != null) {
            sampleTopics(now);
        }
    }

    private void sampleOwnHeap(String name, long now) {
        double after = 0;
        double used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && isOldPool(pool.getName())) {
                MemoryUsage collected = pool.getCollectionUsage();
                after += collected == null ? 0 : collected.getUsed();
                used += pool.getUsage().getUsed();
            }
        }
        if (after > 0) {
            curves.add(ResourceKind.HEAP_AFTER_GC, name, now, after);
        }
        curves.add(ResourceKind.OLD_GEN_USED, name, now, used);
    }

    private void sampleMetrics(Target t, long now) {
        String text;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + t.managementPort() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                curves.note(t.name() + ": /q/metrics answered " + r.statusCode() + " at least once (that sample has no heap figures)");
                return;
            }
            text = r.body();
        } catch (IOException e) {
            curves.note(t.name() + ": /q/metrics did not answer at least once (" + e.getClass().getSimpleName() + "; that sample has no heap figures)");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        double live = metric(text, LIVE_DATA, labels -> true);
        if (live > 0) {
            curves.add(ResourceKind.HEAP_AFTER_GC, t.name(), now, live);
        }
        double old = metric(text, MEMORY_USED, labels -> labels.contains("area=\"heap\"") && isOldPool(labels));
        if (Double.isFinite(old)) {
            curves.add(ResourceKind.OLD_GEN_USED, t.name(), now, old);
        }
    }

    /** The serial collector's {@code Tenured Gen}, G1's and Parallel's {@code Old Gen}. */
    static boolean isOldPool(String nameOrLabels) {
        return nameOrLabels.contains("Tenured Gen") || nameOrLabels.contains("Old Gen");
    }

    private void sampleTopics(long now) {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            List<Integer> ids = nodes.stream().map(Node::id).toList();
            Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(ids).allDescriptions().get(10, TimeUnit.SECONDS);
            Map<String, Long> bytes = new TreeMap<>();
            for (Map<String, LogDirDescription> byDir : dirs.values()) {
                for (LogDirDescription d : byDir.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
                        bytes.merge(e.getKey().topic(), e.getValue().size(), Long::sum);
                    }
                }
            }
            bytes.forEach((topic, size) -> curves.add(ResourceKind.TOPIC, topic, now, size));
            readPoliciesOnce(bytes.keySet());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            curves.note("the topic sizes could not be read at least once: " + (e.getCause() != null ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readPoliciesOnce(Collection<String> topics) throws InterruptedException {
        synchronized (this) {
            if (!topicPolicies.isEmpty()) {
                return;
            }
        }
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, String> policies = new HashMap<>();
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
            configs.forEach((r, c) -> {
                ConfigEntry policy = c.get("cleanup.policy");
                ConfigEntry retention = c.get("retention.ms");
                policies.put(r.name(), (policy == null ? "?" : policy.value()) + ", retention.ms "
                        + (retention == null ? "?" : retention.value()));
            });
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            curves.note("the topics' retention settings could not be read: " + (e.getCause() != null ? e.getCause() : e));
            return;
        }
        synchronized (this) {
            topicPolicies.putAll(policies);
        }
    }

    /** RSS and threads of {@code pid} from {@code /proc/<pid>/status}; null when it is gone or there is no /proc. */
    public static Status status(long pid) {
        try {
            return parseStatus(Files.readString(PROC.resolve(Long.toString(pid)).resolve("status")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads {@code VmRSS:  123 kB} and {@code Threads:  45} out of a {@code /proc/<pid>/status} text. */
    static Status parseStatus(String status) {
        long rss = -1;
        int threads = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                rss = Long.parseLong(f[0]) * (f.length > 1 && f[1].equalsIgnoreCase("kB") ? 1024 : 1);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).trim());
            }
        }
        if (rss < 0 || threads < 0) {
            throw new IllegalArgumentException("no VmRSS or Threads line in the status (a zombie has none)");
        }
        return new Status(rss, threads);
    }

    /** How many entries {@code /proc/<pid>/fd} has: the process's open files and sockets; -1 when unreadable. */
    public static int openFileDescriptors(long pid) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path ignored : fds) {
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The sum of the values of metric {@code name} in a Prometheus text exposition over the lines whose labels pass
     * {@code labels}; NaN when no line does.
     */
    static double metric(String exposition, String name, Predicate<String> labels) {
        double sum = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name) || line.length() == name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            String labelText;
            String rest;
            if (next == '{') {
                int close = line.lastIndexOf('}');
                if (close < 0) {
                    continue;
                }
                labelText = line.substring(name.length(), close + 1);
                rest = line.substring(close + 1).trim();
            } else if (next == ' ') {
                labelText = "";
                rest = line.substring(name.length()).trim();
            } else {
                continue; // a longer name with this one as prefix
            }
            if (!labels.test(labelText) || rest.isEmpty()) {
                continue;
            }
            try {
                sum += Double.parseDouble(rest.split("\\s+")[0]);
                found = true;
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return found ? sum : Double.NaN;
    }

    /** Bytes of the regular files under {@code dir}; files that vanish while it walks (RocksDB compactions) are skipped. */
    public static long directorySize(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return total[0];
        }
        return total[0];
    }

    /**
     * The Umbra services running on this machine as this user, for a run against a pipeline this harness did not
     * start: Java processes running a Quarkus {@code quarkus-run.jar}, named by the tenant and module their command
     * line and environment give, with the management port and state directory of their environment
     * ({@code /proc/<pid>/environ}).
     */
    public static List<Target> discoverServices() {
        List<Target> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').trim();
                    if (!cmdline.contains("java") || !cmdline.contains("quarkus-run.jar")) {
                        continue;
                    }
                    long pid = Long.parseLong(dir.getFileName().toString());
                    Map<String, String> env = environment(Files.readAllBytes(dir.resolve("environ")));
                    String module = ProcessCpu.nameOf(cmdline, pid).replaceAll(" \\(.*\\)$", "");
                    String tenant = env.get("UMBRA_TENANT");
                    String name = (tenant == null ? "" : tenant + "-") + module + " (pid " + pid + ")";
                    int port = parsePort(env.get("QUARKUS_MANAGEMENT_PORT"));
                    String state = env.get("UMBRA_STATE_DIR");
                    out.add(new Target(name, () -> pid, port, state == null ? null : Path.of(state), false));
                } catch (IOException | RuntimeException e) {
                    // another user's process, or one that ended while we looked
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: nothing found
        }
        out.sort(java.util.Comparator.comparing(Target::name));
        return out;
    }

    /** {@code /proc/<pid>/environ}: NUL-separated {@code KEY=value}. */
    static Map<String, String> environment(byte[] environ) {
        Map<String, String> env = new HashMap<>();
        for (String kv : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return env;
    }

    private static int parsePort(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
