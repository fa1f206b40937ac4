package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.k8s.ServiceEnvironment;
import io.umbra.kafka.local.EmbeddedKafka;
import io.umbra.kafka.local.KafkaCluster;
import io.umbra.kafka.local.TopicSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Umbra on one machine: the broker in this JVM, every tenant's topics, and the five services as child
 * processes started from their packaged jars exactly as docs/PIPELINE.md configures them.
 *
 * <pre>{@code
 * try (LocalPipeline pipeline = LocalPipeline.builder().repositoryRoot(root).tenants("acme", "globex")
 *         .runDirectory(root.resolve("target/umbra-local/run-1")).start()) {
 *     String bootstrap = pipeline.bootstrapServers();
 *     pipeline.process(TenantId.of("acme"), Service.ENCRYPT).kill();       // crash
 *     pipeline.process(TenantId.of("acme"), Service.ENCRYPT).restart();    // same instance id
 *     pipeline.process(TenantId.of("acme"), Service.ENCRYPT).awaitReady();
 * }
 * }</pre>
 *
 * <p>Per tenant (the i-th, from 0) a key-service, ingest-service, encrypt-service and alert-service on
 * HTTP ports {@code base + 10·i + 1, 2, 4, 5}; one he-scoring-service for all tenants on {@code base + 3}.
 * Each gets the environment of the services' contract ({@link ServiceEnvironment}, the one k8s/ renders
 * for pods): instance id {@code <tenant>-<service>-0} (the pool: {@code he-scoring-service-0}), state in
 * {@code <run>/state/<instance id>}, the key-service's keys in {@code <run>/keys/<tenant>}, the APIs' tokens
 * from the run's {@link DevCredentials}; nothing else from the caller's {@code UMBRA_*}, {@code QUARKUS_*}
 * or {@code KAFKA_*} environment. Logs go to {@code <run>/logs/<tenant>-<service>.log}.
 *
 * <p>With {@link LocalPipelineBuilder#kafkaSecurity(boolean) kafkaSecurity(true)} the broker requires SASL/SCRAM-SHA-512
 * and authorizes every request by ACL, as production does: each service logs in as its own principal
 * ({@link KafkaAccess}: production's KafkaUsers from k8s/, e.g. {@code acme.ingest-service},
 * {@code umbra-he-scoring}) with a random password from {@code <run>/kafka-credentials/<principal>.password}
 * (owner-only), handed over as the contract's SCRAM login over {@code SASL_PLAINTEXT}.
 *
 * <p>The services die with this JVM: {@link #close()} stops them (SIGTERM, then SIGKILL after a grace
 * period), a shutdown hook calls it on Ctrl-C or SIGTERM, and a watchdog process covers SIGKILL of this
 * JVM ({@link ParentWatch}).
 */
public final class LocalPipeline implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Path root;
    private final List<TenantId> tenants;
    private final Path runDirectory;
    private final int basePort;
    private final Consumer<String> progress;
    private final boolean keepBrokerData;
    private final boolean kafkaSecurity;
    /** Guarded by itself: the supervisor's thread reads it while a test may add or remove a scoring replica. */
    private final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
    /** Restarts services that exit unasked ({@link LocalPipelineBuilder#supervise}); null when the run is not supervised. */
    private Supervisor supervisor;
    private final Object statusLock = new Object();
    private EmbeddedKafka kafka;
    /** Broker processes instead of the in-JVM broker ({@link LocalPipelineBuilder#brokers}); null otherwise. */
    private KafkaCluster cluster;
    private ParentWatch watch;
    private DevCredentials credentials;
    private BundleKeyPinning pinning;
    private volatile java.util.concurrent.ScheduledExecutorService repinning;
    private KafkaAccess kafkaAccess;
    private KafkaCredentials kafkaCredentials;
    /** Set by {@link LocalPipelineBuilder#start()} when the run is to stop with this JVM. */
    Thread shutdownHook;
    private boolean closed;
    /** What {@link #start} started the services with, for scoring replicas added later. */
    private LocalPipelineBuilder started;
    private String javaCommand;
    private List<String> launcher;
    /** Extra scoring-pool replicas started so far (the next gets index {@code replicasStarted + 1}). */
    private int replicasStarted;

    LocalPipeline(LocalPipelineBuilder b) {
        this.root = b.root;
        this.tenants = List.copyOf(b.tenants);
        this.runDirectory = b.runDirectory;
        this.basePort = b.basePort;
        this.progress = b.progress;
        this.keepBrokerData = b.keepBrokerData;
        this.kafkaSecurity = b.kafkaSecurity;
    }

    public static LocalPipelineBuilder builder() {
        return new LocalPipelineBuilder();
    }

    /** {@code host:port} of the broker, for clients of the tests, the CLI and the load harness. */
    public String bootstrapServers() {
        return cluster != null ? cluster.bootstrapServers() : kafka.bootstrapServers();
    }

    /** The broker itself (its admin client, for checks); with broker processes ({@link LocalPipelineBuilder#brokers}) see {@link #cluster()}. */
    public EmbeddedKafka kafka() {
        if (cluster != null) {
            throw new IllegalStateException("this run's brokers are processes (brokers(" + cluster.size() + ")): use cluster()");
        }
        return kafka;
    }

    /** The broker processes of a run started with {@link LocalPipelineBuilder#brokers} (to kill and restart one); an IllegalStateException otherwise. */
    public KafkaCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("this run's broker is in the JVM: start it with brokers(1) or brokers(3) for broker processes");
        }
        return cluster;
    }

    public List<TenantId> tenants() {
        return tenants;
    }

    /** Whether the broker requires SCRAM logins and enforces ACLs ({@link LocalPipelineBuilder#kafkaSecurity}). */
    public boolean kafkaSecurity() {
        return kafkaSecurity;
    }

    /** The principals and ACLs the secured broker enforces; an IllegalStateException without security. */
    public KafkaAccess kafkaAccess() {
        requireSecurity();
        return kafkaAccess;
    }

    /** The principal {@code service} of {@code tenant} logs in as (any tenant for the scoring pool). */
    public String kafkaPrincipal(TenantId tenant, Service service) {
        requireSecurity();
        return kafkaAccess.principal(tenant, service).name();
    }

    /** {@code <run>/kafka-credentials}: one owner-only {@code <principal>.password} file per principal, the broker admin's included. */
    public Path kafkaCredentialsDirectory() {
        requireSecurity();
        return kafkaCredentials.directory();
    }

    /** The password file of {@code principal} ({@code admin}, or one of {@link KafkaAccess#principals()}). */
    public Path kafkaPasswordFile(String principal) {
        requireSecurity();
        return kafkaCredentials.passwordFile(principal);
    }

    /**
     * What a Kafka client needs besides {@code bootstrap.servers} to log in as {@code principal}
     * ({@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}); without security an
     * empty map, whatever the principal.
     */
    public Map<String, Object> kafkaClientProperties(String principal) {
        return kafkaSecurity ? kafka.clientProperties(principal) : Map.of();
    }

    /**
     * The operator's login (the broker's super user, {@value KafkaCredentials#ADMIN}) for tools that see
     * every tenant, such as the progress monitor of {@code ./umbra local}; empty without security.
     */
    public Map<String, Object> operatorClientProperties() {
        return kafkaSecurity ? kafka.clientProperties(KafkaCredentials.ADMIN) : Map.of();
    }

    private void requireSecurity() {
        if (!kafkaSecurity) {
            throw new IllegalStateException("this run's broker has no authentication: start it with kafkaSecurity(true)");
        }
    }

    public Path runDirectory() {
        return runDirectory;
    }

    /** The run's development API credentials: per tenant an analyst and an admin token file, in {@code <run>/credentials/}. */
    public DevCredentials credentials() {
        return credentials;
    }

    /** Where the services' logs are. */
    public Path logDirectory() {
        return runDirectory.resolve("logs");
    }

    /** The HTTP port of {@code service} for {@code tenant} (the scoring pool's is the same for every tenant). */
    public int httpPort(TenantId tenant, Service service) {
        return httpPort(basePort, tenantIndex(tenant), service);
    }

    /** Health and metrics of {@code service} for {@code tenant}: its HTTP port + {@value #MANAGEMENT_PORT_OFFSET} (Kubernetes: 9000). */
    public int managementPort(TenantId tenant, Service service) {
        return (service.perTenant() ? httpPort(tenant, service) : basePort + service.portOffset()) + MANAGEMENT_PORT_OFFSET;
    }

    /** The management interface (health, metrics) of each local service listens this far above its HTTP port. */
    public static final int MANAGEMENT_PORT_OFFSET = 1000;

    static int httpPort(int basePort, int tenantIndex, Service service) {
        return service.perTenant() ? basePort + 10 * tenantIndex + service.portOffset() : basePort + service.portOffset();
    }

    /** The process of {@code service} for {@code tenant}; for {@link Service#HE_SCORING}, the shared one. */
    public ServiceProcess process(TenantId tenant, Service service) {
        tenantIndex(tenant);
        ServiceProcess p;
        synchronized (processes) {
            p = processes.get(key(service.perTenant() ? tenant : null, service));
        }
        if (p == null) {
            throw new IllegalStateException(service.module() + " was not started in this run");
        }
        return p;
    }

    /** {@link #process(TenantId, Service)} with the tenant id as text. */
    public ServiceProcess process(String tenant, Service service) {
        return process(TenantId.of(tenant), service);
    }

    /** Every service process, in start order. */
    public Collection<ServiceProcess> processes() {
        synchronized (processes) {
            return List.copyOf(processes.values());
        }
    }

    /** Whether a supervisor restarts services that exit unasked ({@link LocalPipelineBuilder#supervise}). */
    public boolean supervised() {
        return supervisor != null;
    }

    /** Restarts by the supervisor so far, per service process name, in start order (all 0 when not supervised). */
    public Map<String, Integer> restarts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ServiceProcess p : processes()) {
            out.put(p.name(), p.restarts());
        }
        return out;
    }

    /**
     * Restarts by the supervisor so far per broker process, {@code broker-1} … (empty without broker processes; all 0
     * when not supervised). A {@link KafkaCluster#kill} of the run's own is not restarted and not counted.
     */
    public Map<String, Integer> brokerRestarts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (cluster != null) {
            for (int id : cluster.nodeIds()) {
                out.put("broker-" + id, supervisor == null ? 0 : supervisor.brokerRestarts(id));
            }
        }
        return out;
    }

    /** The broker processes as {@code services.properties} records them (empty for the broker in this JVM). */
    List<RunStatus.Broker> brokerStatus() {
        List<RunStatus.Broker> out = new ArrayList<>();
        if (cluster == null) {
            return out;
        }
        for (int id : cluster.nodeIds()) {
            ProcessHandle h = cluster.process(id);
            boolean alive = h.isAlive();
            String state = cluster.isServing(id) && (supervisor == null || !supervisor.brokerRestarting(id)) ? RunStatus.Broker.RUNNING
                    : alive || (supervisor != null && supervisor.brokerRestarting(id)) ? RunStatus.Broker.RESTARTING : RunStatus.Broker.DOWN;
            out.add(new RunStatus.Broker(id, alive ? h.pid() : -1, alive ? h.info().startInstant().orElse(null) : null, state,
                    supervisor == null ? 0 : supervisor.brokerRestarts(id)));
        }
        return out;
    }

    /** Waits until every service reports ready. */
    public void awaitReady() {
        for (ServiceProcess p : processes()) {
            p.awaitReady();
        }
    }

    private int tenantIndex(TenantId tenant) {
        int i = tenants.indexOf(tenant);
        if (i < 0) {
            throw new IllegalArgumentException("tenant " + tenant + " is not part of this run; tenants: " + tenants);
        }
        return i;
    }

    static String key(TenantId tenant, Service service) {
        return tenant == null ? service.module() : tenant + "/" + service.module();
    }

    void start(LocalPipelineBuilder b) {
        try {
            Files.createDirectories(logDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + runDirectory, e);
        }
        credentials = DevCredentials.create(runDirectory.resolve("credentials"), tenants);
        pinning = BundleKeyPinning.provision(runDirectory.resolve("keys"), runDirectory.resolve("pinned-keys"), tenants);
        tenants.forEach(t -> progress.accept("tenant " + t + ": bundle-signing key " + pinning.fingerprint(t) + " pinned in "
                + pinning.pinnedFile(t)));
        startRepinning();
        if (!Files.isDirectory(runDirectory.resolve("kafka"))) {
            // Kafka Streams state (offsets, stores) from a run whose broker data is gone describes topics
            // that no longer exist: a service would fail on it (OffsetOutOfRange on its global store).
            deleteRecursively(runDirectory.resolve("state"));
        }
        if (b.brokers > 0) {
            startCluster(b.brokers, b.maxEnvelopeBytes, b.proxiedPort, b.proxiedAdvertisedPort);
        } else {
            progress.accept("starting the Kafka broker (data in " + runDirectory.resolve("kafka") + ")");
            EmbeddedKafka.Builder broker = EmbeddedKafka.builder().dataDir(runDirectory.resolve("kafka"))
                    .maxMessageBytes(Topics.maxMessageBytes(b.maxEnvelopeBytes));
            if (b.proxiedPort != 0) {
                broker.proxiedListener(b.proxiedPort, b.proxiedAdvertisedPort);
            }
            if (kafkaSecurity) {
                kafkaAccess = KafkaAccess.forTenants(tenants);
                kafkaCredentials = KafkaCredentials.forBroker(broker, kafkaAccess, runDirectory);
            }
            kafka = broker.start();
            List<TopicSpec> topics = LocalTopics.forTenants(tenants, b.maxEnvelopeBytes);
            kafka.createTopics(topics);
            progress.accept("broker on " + kafka.bootstrapServers() + ", " + topics.size() + " topics created");
            if (kafkaSecurity) {
                kafkaAccess.grantExactly(kafka.admin());
                progress.accept("SASL/SCRAM-SHA-512 and ACLs on: " + kafkaAccess.principals().size() + " principals, "
                        + kafkaAccess.acls().size() + " ACLs; passwords (owner-only) in " + kafkaCredentials.directory());
            }
        }
        if (b.services.isEmpty()) {
            return;
        }
        watch = ParentWatch.start(runDirectory.resolve("services.pids"));
        if (b.supervise) {
            supervisor = new Supervisor(progress, this::pidsChanged);
            if (cluster != null) {
                supervisor.superviseBrokers(cluster);    // as the kubelet restarts a StatefulSet's broker pod
            }
        }
        javaCommand = javaCommand();
        started = b;
        launcher = Files.isExecutable(Path.of("/usr/bin/setsid")) ? List.of("/usr/bin/setsid")
                : Files.isExecutable(Path.of("/bin/setsid")) ? List.of("/bin/setsid") : List.of();
        // Key-services first: they publish the public bundles the encrypt-services and the pool wait for.
        List<Service> order = new ArrayList<>(List.of(Service.KEY, Service.HE_SCORING, Service.INGEST, Service.ENCRYPT, Service.ALERT));
        order.retainAll(b.services);
        for (Service service : order) {
            List<TenantId> owners = service.perTenant() ? tenants : Collections.<TenantId>singletonList(null);
            for (TenantId tenant : owners) {
                ServiceProcess p = newProcess(b, service, tenant, javaCommand, launcher);
                synchronized (processes) {
                    processes.put(key(tenant, service), p);
                }
                p.start();
            }
        }
        progress.accept("started " + processes.size() + " service processes (logs in " + logDirectory() + "); waiting until each is ready");
        for (ServiceProcess p : processes()) {
            p.awaitReady();
            progress.accept(p.name() + " ready on port " + p.httpPort());
        }
        writeEndpoints(b.httpHost);
    }

    /**
     * {@code n} broker processes (KRaft, every node a voter; with three: replication 3, min ISR 2), data
     * in {@code <run>/kafka-cluster/}. A cluster is formatted afresh at every start (its id and ports are
     * new), so earlier cluster data and the services' state built on it are deleted first.
     */
    private void startCluster(int n, int envelopeBytes, int proxiedPort, int proxiedAdvertisedPort) {
        Path data = runDirectory.resolve("kafka-cluster");
        deleteRecursively(data);
        deleteRecursively(runDirectory.resolve("state"));
        progress.accept("starting " + n + " Kafka broker process" + (n == 1 ? "" : "es") + " (data and logs in " + data + ")");
        KafkaCluster.Builder nodes = KafkaCluster.builder().brokers(n).dataDir(data).maxMessageBytes(Topics.maxMessageBytes(envelopeBytes));
        if (proxiedPort != 0) {
            nodes.proxiedListener(proxiedPort, proxiedAdvertisedPort);
        }
        cluster = nodes.start();
        List<TopicSpec> topics = LocalTopics.forTenants(tenants, envelopeBytes);
        cluster.createTopics(topics);
        progress.accept("brokers on " + cluster.bootstrapServers() + ", " + topics.size() + " topics created (replication factor "
                + cluster.replicationFactor() + ")");
    }

    /**
     * {@code <run>/endpoints.properties}: each tenant service's base URL ({@code acme.key-service=http://…}),
     * what {@code umbra keys …} reads to find the latest local run's key-services, and the broker
     * ({@code kafka.bootstrap=host:port}), what {@code umbra produce} and {@code umbra dlq} read.
     */
    private void writeEndpoints(String host) {
        StringBuilder text = new StringBuilder("# the HTTP endpoints of this local run, and its Kafka broker (umbra produce, umbra dlq)\n");
        text.append("kafka.bootstrap=").append(bootstrapServers()).append('\n');
        String shown = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        for (ServiceProcess p : processes()) {
            if (p.tenant() != null) {
                text.append(p.tenant().value()).append('.').append(p.service().module()).append("=http://").append(shown).append(':')
                        .append(p.httpPort()).append('\n');
            }
        }
        try {
            Files.writeString(runDirectory.resolve("endpoints.properties"), text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + runDirectory.resolve("endpoints.properties"), e);
        }
    }

    /**
     * Starts one more replica of the shared scoring pool (scale-out): {@code he-scoring-service-<n>}, n = 1, 2, …
     * in start order, with instance id (and so transactional id) {@code he-scoring-service-<n>}, its own state
     * directory and log, HTTP port {@code base + 10·(tenants + n − 1) + 3} (above every tenant's ports), management
     * port that + {@value #MANAGEMENT_PORT_OFFSET}. It joins the pool's consumer group, which rebalances.
     * Returns once the process started; {@link ServiceProcess#awaitReady()} waits for it. Counted in
     * {@link #processes()} (and stopped by {@link #close()}) until {@link #removeScoringReplica} takes it out.
     */
    public synchronized ServiceProcess startScoringReplica() {
        if (started == null || !processes.containsKey(key(null, Service.HE_SCORING))) {
            throw new IllegalStateException("this run has no scoring pool to scale out");
        }
        if (closed) {
            throw new IllegalStateException("this run is closed");
        }
        int n = ++replicasStarted;
        int port = basePort + 10 * (tenants.size() + n - 1) + Service.HE_SCORING.portOffset();
        ServiceProcess p = newProcess(started, Service.HE_SCORING, null, Service.HE_SCORING.module() + "-" + n, port, javaCommand, launcher);
        synchronized (processes) {
            processes.put(p.name(), p);
        }
        p.start();
        progress.accept(p.name() + " started (scale-out), port " + port);
        return p;
    }

    /** The extra scoring-pool replicas still counted in this run, in start order (not the first, {@code he-scoring-service}). */
    public synchronized List<ServiceProcess> scoringReplicas() {
        return processes().stream().filter(p -> p.service() == Service.HE_SCORING && !p.name().equals(Service.HE_SCORING.module()))
                .toList();
    }

    /**
     * Scale-in: takes an extra replica out of the run, after SIGKILL ({@code kill}, a crashed pod) or SIGTERM
     * with a 20 s grace (a pod deleted); it no longer counts in {@link #processes()}.
     */
    public synchronized void removeScoringReplica(ServiceProcess replica, boolean kill) {
        if (!scoringReplicas().contains(replica)) {
            throw new IllegalArgumentException(replica.name() + " is not an extra scoring replica of this run");
        }
        if (kill) {
            replica.kill();
        } else {
            replica.stop(Duration.ofSeconds(20));
        }
        synchronized (processes) {
            processes.remove(replica.name());
        }
        pidsChanged();
        progress.accept(replica.name() + (kill ? " SIGKILLed" : " stopped") + " and removed (scale-in), exit " + replica.exitCode());
    }

    private ServiceProcess newProcess(LocalPipelineBuilder b, Service service, TenantId tenant, String java, List<String> launcher) {
        int port = service.perTenant() ? httpPort(tenant, service) : basePort + service.portOffset();
        return newProcess(b, service, tenant, null, port, java, launcher);
    }

    /** @param replicaName null for a run's own process of {@code service}, else the extra pool replica's name (its instance id) */
    private ServiceProcess newProcess(LocalPipelineBuilder b, Service service, TenantId tenant, String replicaName, int port, String java,
                                      List<String> launcher) {
        String name = replicaName != null ? replicaName : tenant == null ? service.module() : tenant + "-" + service.module();
        String instanceId = replicaName != null ? replicaName : name + "-0";
        // the services' environment contract (io.umbra.k8s.ServiceEnvironment), as k8s/ renders it for pods
        ServiceEnvironment.Builder contract = ServiceEnvironment.forService(ServiceEnvironment.Role.ofModule(service.module()))
                .kafka(b.serviceBootstrap.getOrDefault(key(tenant, service), bootstrapServers())).instanceId(instanceId).http(b.httpHost, port)
                // the management interface is fixed at build time (on, port 9000 in Kubernetes); nine services on one
                // machine each get their own: the HTTP port + MANAGEMENT_PORT_OFFSET
                .management(true, port + MANAGEMENT_PORT_OFFSET)
                .stateDir(runDirectory.resolve("state").resolve(instanceId).toString());
        if (kafkaSecurity) {
            // the path of the password, never the password: it stays out of /proc/<pid>/environ and every log
            String principal = kafkaAccess.principal(tenant, service).name();
            contract.kafkaScram("SASL_PLAINTEXT", principal, kafkaCredentials.passwordFile(principal).toString());
        }
        if (tenant != null) {
            contract.tenant(tenant);
        }
        switch (service) {
            case KEY -> contract.keysDir(runDirectory.resolve("keys").resolve(tenant.value()).toString())
                    .batchVerificationKeyFile(pinning.batchPinnedFile(tenant).toString());
            case ENCRYPT -> contract.pinnedKeyFile(pinning.pinnedFile(tenant).toString())
                    .batchSigningDir(pinning.batchSigningDirectory(tenant).toString());
            case HE_SCORING -> contract.pinnedKeysDir(pinning.pinnedDirectory().toString());
            default -> { }
        }
        // the APIs verify the run's development tokens
        contract.apiTokens(credentials.serviceEnv().get(ServiceEnvironment.UMBRA_JWT_ISSUER), credentials.jwksFile().toString());
        Map<String, String> env = new LinkedHashMap<>(contract.build());
        env.putAll(service.localRunExtras(b.maxEnvelopeBytes));
        env.putAll(b.env);
        env.putAll(b.serviceEnv.getOrDefault(service, Map.of()));
        if (tenant != null) {
            env.putAll(b.tenantEnv.getOrDefault(tenant, Map.of()).getOrDefault(service, Map.of()));
        }

        List<String> command = service.command(launcher, java, b.jvmOptions, root);
        ServiceProcess p = new ServiceProcess(service, tenant, replicaName, command, env, runDirectory,
                logDirectory().resolve(name + ".log"), port, port + MANAGEMENT_PORT_OFFSET, b.readyTimeout, this::pidsChanged);
        if (supervisor != null) {
            p.supervisedBy(supervisor);
        }
        return p;
    }

    private void pidsChanged() {
        ParentWatch w = watch;
        if (w != null) {
            synchronized (statusLock) {
                List<ServiceProcess> now = List.copyOf(processes());
                w.update(now);
                RunStatus.write(runDirectory.resolve(RunStatus.FILE), supervisor != null, cluster != null ? cluster.size() : 0, now,
                        brokerStatus());
            }
        }
    }

    /** The java of this JVM, so the services run on the same runtime as the caller. */
    static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Stops every service (SIGTERM to all at once, SIGKILL to those still alive after 15 s), then the
     * broker; deletes the broker's data unless asked to keep it. Logs and keys stay in the run directory.
     * Idempotent.
     */
    /**
     * Every second, pins again each public signing keyset a rotation phase rewrote (the re-pin step an operator does in
     * Kubernetes with {@code ./umbra tenant apply}); the encrypt-services, the pool and the key-services re-read their pins.
     */
    private void startRepinning() {
        java.util.concurrent.ScheduledExecutorService s = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "umbra-local-repin");
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(() -> {
            try {
                pinning.repinChanged(tenants).forEach(progress);
            } catch (RuntimeException e) {
                progress.accept("re-pinning failed: " + e);
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        repinning = s;
    }

    /** The re-pin step now, as the background task does it every second: one line per pin replaced. */
    public List<String> repinSigningKeys() {
        return pinning.repinChanged(tenants);
    }

    @Override
    public synchronized void close() {
        java.util.concurrent.ScheduledExecutorService r = repinning;
        if (r != null) {
            r.shutdownNow();
        }
        if (closed) {
            return;
        }
        closed = true;
        if (supervisor != null) {
            supervisor.close();    // no restart from here on: every exit now is asked for
        }
        RuntimeException failure = null;
        if (!processes.isEmpty()) {
            progress.accept("stopping " + processes.size() + " services");
            processes().forEach(ServiceProcess::requestStop);
            long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            for (ServiceProcess p : processes()) {
                try {
                    p.stop(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }
        if (watch != null) {
            watch.close();
            try {
                Files.deleteIfExists(runDirectory.resolve(RunStatus.FILE));
            } catch (IOException ignored) {
                // a stale status names a dead run pid: `umbra chaos` refuses it
            }
        }
        if (cluster != null) {
            progress.accept("stopping the " + cluster.size() + " broker processes");
            try {
                cluster.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
            if (!keepBrokerData) {
                deleteRecursively(runDirectory.resolve("kafka-cluster"));
                deleteRecursively(runDirectory.resolve("state"));
            }
        }
        if (kafka != null) {
            progress.accept("stopping the broker");
            try {
                kafka.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
            if (!keepBrokerData) {
                deleteRecursively(runDirectory.resolve("kafka"));
                deleteRecursively(runDirectory.resolve("state")); // only valid with the broker data it was built from
            }
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteRecursively(Path dir) {
        EmbeddedKafka.deleteRecursively(dir);
    }
}
