package io.umbra.local;

import io.umbra.events.TenantId;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How to run a {@link LocalPipeline}: the repository, the tenants, where to keep the run's files, which
 * ports, which brokers. {@link #start()} checks the jars and ports before anything starts.
 */
public final class LocalPipelineBuilder {
    Path root;
    final List<TenantId> tenants = new ArrayList<>();
    Path runDirectory;
    int basePort = 8080;
    String httpHost = "127.0.0.1";
    Duration readyTimeout = Duration.ofSeconds(180);
    Set<Service> services = EnumSet.allOf(Service.class);
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<Service, Map<String, String>> serviceEnv = new LinkedHashMap<>();
    final Map<TenantId, Map<Service, Map<String, String>>> tenantEnv = new LinkedHashMap<>();
    final List<String> jvmOptions = new ArrayList<>();
    boolean shutdownHook = true;
    boolean keepBrokerData;
    boolean kafkaSecurity;
    int brokers;
    boolean supervise;
    int maxEnvelopeBytes = io.umbra.events.Topics.MAX_ENVELOPE_BYTES;
    /** The brokers' PROXIED listener ports ({@link #proxiedListener}); 0: none. */
    int proxiedPort;
    int proxiedAdvertisedPort;
    /** Per service process key ({@code LocalPipeline.key}): a bootstrap of its own. */
    final Map<String, String> serviceBootstrap = new LinkedHashMap<>();
    Consumer<String> progress = message -> { };

    LocalPipelineBuilder() {
    }

    /** The repository root: the jars are {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}. */
    public LocalPipelineBuilder repositoryRoot(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        return this;
    }

    /** The tenants, in port order (the first at base + 1…, the second at base + 11…). */
    public LocalPipelineBuilder tenants(String... tenants) {
        List<TenantId> ids = new ArrayList<>();
        for (String t : tenants) {
            ids.add(TenantId.of(t));
        }
        return tenants(ids);
    }

    public LocalPipelineBuilder tenants(List<TenantId> tenants) {
        Set<TenantId> distinct = new LinkedHashSet<>(tenants);
        if (distinct.size() != tenants.size()) {
            throw new IllegalArgumentException("a tenant is listed twice: " + tenants);
        }
        this.tenants.clear();
        this.tenants.addAll(tenants);
        return this;
    }

    /** Logs, keys, service state and the broker's data go here (created if needed). */
    public LocalPipelineBuilder runDirectory(Path runDirectory) {
        this.runDirectory = Objects.requireNonNull(runDirectory, "runDirectory").toAbsolutePath().normalize();
        return this;
    }

    /** Ports are base + offset (docs/PIPELINE.md: 8080, so ingest is 8081); default 8080. */
    public LocalPipelineBuilder basePort(int basePort) {
        if (basePort < 1024 || basePort > 65_000) {
            throw new IllegalArgumentException("base port must be 1024 to 65000, got " + basePort);
        }
        this.basePort = basePort;
        return this;
    }

    /** The address the services' HTTP servers bind to; default 127.0.0.1 (this machine only). */
    public LocalPipelineBuilder httpHost(String host) {
        this.httpHost = Objects.requireNonNull(host, "host");
        return this;
    }

    /** How long each service may take to report ready (default 180 s: nine JVMs start on few cores). */
    public LocalPipelineBuilder readyTimeout(Duration timeout) {
        this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Which services to start (default all five; none: just the broker and the topics). */
    public LocalPipelineBuilder services(Collection<Service> services) {
        this.services = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
        return this;
    }

    /** An environment variable for every service (after the run's own, so it may override them). */
    public LocalPipelineBuilder env(String name, String value) {
        env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** An environment variable for every instance of {@code service}. */
    public LocalPipelineBuilder env(Service service, String name, String value) {
        serviceEnv.computeIfAbsent(service, s -> new LinkedHashMap<>())
                .put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** An environment variable for {@code tenant}'s instance of {@code service} (after every other, so it overrides them). */
    public LocalPipelineBuilder env(TenantId tenant, Service service, String name, String value) {
        Objects.requireNonNull(tenant, "tenant");
        if (!service.perTenant()) {
            throw new IllegalArgumentException(service.module() + " serves every tenant: give its variables with env(service, name, value)");
        }
        tenantEnv.computeIfAbsent(tenant, t -> new LinkedHashMap<>()).computeIfAbsent(service, s -> new LinkedHashMap<>())
                .put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** An extra option for every service JVM (before {@code -jar}). */
    public LocalPipelineBuilder jvmOption(String option) {
        jvmOptions.add(Objects.requireNonNull(option, "option"));
        return this;
    }

    /** Whether a shutdown hook closes the pipeline when the JVM exits (default yes). */
    public LocalPipelineBuilder shutdownHook(boolean install) {
        this.shutdownHook = install;
        return this;
    }

    /** Keep the broker's data and the services' Kafka Streams state after close (default: deleted; logs and keys are always kept). */
    public LocalPipelineBuilder keepBrokerData(boolean keep) {
        this.keepBrokerData = keep;
        return this;
    }

    /**
     * Whether the broker requires SASL/SCRAM-SHA-512 logins and enforces production's ACLs (default no):
     * each service logs in as its own principal ({@link KafkaAccess}), with a random password in an
     * owner-only file under {@code <run>/kafka-credentials/}. Clients of the caller log in with
     * {@link LocalPipeline#kafkaClientProperties} or {@link LocalPipeline#operatorClientProperties}.
     */
    public LocalPipelineBuilder kafkaSecurity(boolean on) {
        this.kafkaSecurity = on;
        return this;
    }

    /**
     * Broker processes instead of the broker in this JVM: 1, or 3 (a KRaft quorum, replication factor 3
     * and min ISR 2 for every topic), so one can be SIGKILLed and restarted ({@link LocalPipeline#cluster()}).
     * 0, the default: the in-JVM broker. Not with {@link #kafkaSecurity} yet.
     */
    public LocalPipelineBuilder brokers(int brokers) {
        if (brokers != 0 && brokers != 1 && brokers != 3) {
            throw new IllegalArgumentException("brokers must be 1 or 3 (or 0: the broker in this JVM), got " + brokers);
        }
        this.brokers = brokers;
        return this;
    }

    /**
     * Whether a supervisor restarts a service process that exits without the run asking it to, as Kubernetes'
     * {@code restartPolicy: Always} does (default no; {@code ./umbra local} turns it on): same command and
     * environment, so the same instance id, after a back-off of 1 s, 2 s, 4 s … up to 30 s on repeated crashes
     * (back to 1 s once it stayed up 60 s); each exit and restart is reported through {@link #progress}, and
     * {@link ServiceProcess#restarts()} counts them. Exits the run asks for ({@link ServiceProcess#kill()},
     * {@link ServiceProcess#stop}, {@link ServiceProcess#restart()}, {@link LocalPipeline#close()}) are never
     * restarted by it, so a test that kills and restarts a service itself works the same with or without it.
     */
    public LocalPipelineBuilder supervise(boolean on) {
        this.supervise = on;
        return this;
    }

    /**
     * The largest score envelope of the run (default 8 MiB): the broker's and the score topics' {@code max.message.bytes},
     * and {@code UMBRA_MAX_ENVELOPE_BYTES} of the encrypt-services and the scoring pool. {@code Topics.WIDE_ENVELOPE_BYTES}
     * (16 MiB) for a network on feature schema 2 at N = 8192.
     */
    public LocalPipelineBuilder maxEnvelopeBytes(int bytes) {
        io.umbra.events.Topics.maxMessageBytes(bytes); // checks the range
        this.maxEnvelopeBytes = bytes;
        return this;
    }

    /**
     * Gives the broker(s) a second PLAINTEXT client listener, {@code PROXIED}, that binds {@code firstPort} and
     * advertises {@code firstAdvertisedPort}, where the caller runs a proxy (kafka-local's {@code FaultProxy}) to
     * {@code firstPort}; with {@link #brokers(int) brokers(3)} node {@code i} uses {@code firstPort + i − 1} and
     * {@code firstAdvertisedPort + i − 1}. A service given the proxies' addresses with {@link #serviceBootstrap}
     * then reaches the brokers only through them, so a test can partition that one service from the brokers.
     * Not with {@link #kafkaSecurity} (the listener is PLAINTEXT).
     */
    public LocalPipelineBuilder proxiedListener(int firstPort, int firstAdvertisedPort) {
        if (firstPort < 1024 || firstPort > 65_000 || firstAdvertisedPort < 1024 || firstAdvertisedPort > 65_000
                || Math.abs(firstPort - firstAdvertisedPort) < 3) {
            throw new IllegalArgumentException("proxied listener ports must be 1024..65000 and at least 3 apart, got " + firstPort
                    + " and " + firstAdvertisedPort);
        }
        this.proxiedPort = firstPort;
        this.proxiedAdvertisedPort = firstAdvertisedPort;
        return this;
    }

    /**
     * {@code bootstrap.servers} of {@code tenant}'s {@code service} instead of the run's brokers (e.g. the address of a
     * proxy in front of the {@link #proxiedListener}); the service's every Kafka client (its loop, its readiness
     * probe, its key reader) uses it. For the shared scoring pool give {@code tenant} null: every replica of the pool
     * then uses it.
     */
    public LocalPipelineBuilder serviceBootstrap(TenantId tenant, Service service, String bootstrap) {
        Objects.requireNonNull(service, "service");
        if (service.perTenant() == (tenant == null)) {
            throw new IllegalArgumentException(service.perTenant() ? service.module() + " runs per tenant: name the tenant"
                    : service.module() + " serves every tenant: give tenant null");
        }
        if (!Objects.requireNonNull(bootstrap, "bootstrap").matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*")) {
            throw new IllegalArgumentException("bootstrap must be host:port[,host:port]..., got '" + bootstrap + "'");
        }
        serviceBootstrap.put(LocalPipeline.key(tenant, service), bootstrap);
        return this;
    }

    /** Where to report progress ("broker on …", "acme-key-service ready …"); default nowhere. */
    public LocalPipelineBuilder progress(Consumer<String> progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return this;
    }

    /**
     * Checks the jars and ports, starts the broker, creates the topics, starts the services and waits
     * until each is ready. On any failure everything started is stopped again before the exception.
     */
    public LocalPipeline start() {
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("no tenants: give at least one, e.g. tenants(\"acme\")");
        }
        if (root == null && !services.isEmpty()) {
            throw new IllegalArgumentException("repositoryRoot is required to find the service jars");
        }
        if (runDirectory == null) {
            throw new IllegalArgumentException("runDirectory is required");
        }
        if (proxiedPort != 0 && kafkaSecurity) {
            throw new IllegalArgumentException("the proxied listener is PLAINTEXT: not with kafkaSecurity");
        }
        for (String key : serviceBootstrap.keySet()) {
            String module = key.substring(key.indexOf('/') + 1);
            String tenant = key.contains("/") ? key.substring(0, key.indexOf('/')) : null;
            if (services.stream().noneMatch(s -> s.module().equals(module))
                    || (tenant != null && tenants.stream().noneMatch(t -> t.value().equals(tenant)))) {
                throw new IllegalArgumentException("serviceBootstrap for " + key + ", which this run does not start");
            }
        }
        if (brokers > 0 && kafkaSecurity) {
            throw new IllegalArgumentException("Kafka security (SCRAM and ACLs) runs on the in-JVM broker only; broker processes"
                    + " (brokers " + brokers + ") are PLAINTEXT for now");
        }
        checkJars();
        checkPorts();
        LocalPipeline pipeline = new LocalPipeline(this);
        if (shutdownHook) {
            pipeline.shutdownHook = new Thread(pipeline::close, "umbra-local-shutdown");
            Runtime.getRuntime().addShutdownHook(pipeline.shutdownHook);
        }
        try {
            pipeline.start(this);
            return pipeline;
        } catch (RuntimeException | Error e) {
            try {
                pipeline.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Fails as {@link #start()} would when a service jar is missing (an IllegalStateException naming them and the build
     * command), before anything slow is prepared for the run.
     */
    public LocalPipelineBuilder requireJars() {
        if (root != null) {
            checkJars();
        }
        return this;
    }

    private void checkJars() {
        List<String> missing = new ArrayList<>();
        for (Service s : services) {
            if (!Files.isRegularFile(root.resolve(s.jarPath()))) {
                missing.add(s.jarPath());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the service jars are not built: " + String.join(", ", missing)
                    + " missing under " + root + ". Build them with:  cd " + root + " && ./mvnw -q -B -DskipTests package");
        }
    }

    private void checkPorts() {
        Set<Integer> ports = new LinkedHashSet<>();
        for (Service s : services) {
            for (int i = 0; i < (s.perTenant() ? tenants.size() : 1); i++) {
                ports.add(LocalPipeline.httpPort(basePort, i, s));
            }
        }
        List<Integer> busy = new ArrayList<>();
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(httpHost))) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                busy.add(port);
            }
        }
        if (!busy.isEmpty()) {
            String list = busy.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            throw new IllegalStateException((busy.size() == 1 ? "port " : "ports ") + list + " on " + httpHost
                    + (busy.size() == 1 ? " is" : " are") + " in use, and the services of this run need them (is another"
                    + " ./umbra local still running? `ss -ltnp` names the process); or choose another base port");
        }
    }
}
