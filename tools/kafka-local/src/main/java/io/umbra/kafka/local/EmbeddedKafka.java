package io.umbra.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.umbra.files.SecretFiles;
import kafka.server.Server;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM, from
 * the Maven artifacts alone: no Docker, no ZooKeeper. For tests and {@code ./umbra local}, never for
 * production (one replica of everything, no TLS; no authentication either unless
 * {@link Builder#scramUsers} turns SASL/SCRAM-SHA-512 and ACLs on, the local stand-in for production's
 * TLS + SCRAM/mTLS with prefixed ACLs).
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().maxMessageBytes(16 << 20).start()) {
 *     kafka.createTopics(TopicSpec.of("acme.tx.raw", 3), TopicSpec.of("umbra.keys.public", 1).compacted());
 *     String bootstrap = kafka.bootstrapServers();   // 127.0.0.1:<free port>
 * }
 * }</pre>
 *
 * <p>Transactions work as on a real cluster (the transaction-state, offsets and share-coordinator
 * topics get replication factor 1 and min ISR 1); consumer groups start without the initial
 * rebalance delay. Topics are not created on first use unless {@link Builder#autoCreateTopics} says so,
 * as on the production cluster: create them with {@link #createTopics}.
 *
 * <p>A broker fatal error ends the JVM (Kafka's own policy, kept: a half-dead broker would only make
 * tests hang).
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** Kafka's default {@code message.max.bytes}: 1 MiB plus record-batch overhead. */
    public static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    private final String host;
    private final int port;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Server server;
    private final Admin admin;
    private final BrokerSetup.Scram scram;
    private boolean closed;

    private EmbeddedKafka(String host, int port, Path dataDir, boolean ownsDataDir, Server server, Admin admin, BrokerSetup.Scram scram) {
        this.host = host;
        this.port = port;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.server = server;
        this.admin = admin;
        this.scram = scram;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A broker with every default: free loopback ports, a temporary data directory, Kafka's message size limit. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /** {@code host:port} of the client listener (PLAINTEXT, or SASL_PLAINTEXT with SCRAM), for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return host + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The data directory: {@code server.properties} and the log directory {@code logs/}. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates the topics that do not exist yet (the broker's replication factor: 1 on one node, 3 in a
     * {@link KafkaCluster}); existing ones are left as they are.
     */
    public void createTopics(TopicSpec... topics) {
        createTopics(List.of(topics));
    }

    /**
     * Creates the topics that do not exist yet (the broker's {@code default.replication.factor}); existing ones are left as they are.
     * Returns once every partition has its leader, so a producer's first send does not bounce.
     */
    public void createTopics(Collection<TopicSpec> topics) {
        TopicCreation.create(admin, topics);
    }

    /** Whether clients must authenticate with SCRAM-SHA-512 (and are authorized by ACLs). */
    public boolean scramEnabled() {
        return scram != null;
    }

    /** The launcher's own super user when SCRAM is on; ACLs do not apply to it. */
    public String adminUser() {
        requireScram();
        return scram.adminUser();
    }

    /**
     * What a client needs besides {@code bootstrap.servers} to log in as {@code user}:
     * {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}. Without SCRAM, an
     * empty map (PLAINTEXT is the client default). Works for the admin user too.
     */
    public Map<String, Object> clientProperties(String user) {
        if (scram == null) {
            return Map.of();
        }
        String password = scram.passwords().get(user);
        if (password == null) {
            throw new IllegalArgumentException("no SCRAM user " + user + " on this broker; users: " + scram.passwords().keySet());
        }
        return saslClientProperties(user, password);
    }

    /** Like {@link #clientProperties(String)} with any password, e.g. to show that a wrong one is refused. */
    public static Map<String, Object> saslClientProperties(String user, String password) {
        return Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, BrokerSetup.SCRAM,
                SaslConfigs.SASL_JAAS_CONFIG, BrokerSetup.scramJaas(user, password));
    }

    private void requireScram() {
        if (scram == null) {
            throw new IllegalStateException("this broker runs without authentication: start it with builder().scramUsers(...)");
        }
    }

    /** The admin client this launcher uses (do not close it): for checks a test wants to make. */
    public Admin admin() {
        return admin;
    }

    /**
     * Stops the broker (controlled shutdown, every log closed) and, if it was temporary, deletes its
     * data directory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close(Duration.ofSeconds(5));
        server.shutdown();
        server.awaitShutdown();
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    /** How to start a broker; every setting has a default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int controllerPort;
        private Path dataDir;
        private int maxMessageBytes = KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
        private boolean autoCreateTopics;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Map<String, String> scramUsers;
        private String adminUser = "admin";
        private String adminPassword;
        private int nodeId = 1;
        private String quorumVoters;
        private String clusterId;
        private int replicationFactor = 1;
        private BrokerSetup.Proxied proxied;

        private Builder() {
        }

        /**
         * Makes this broker node {@code nodeId} of a KRaft cluster whose controller voters are
         * {@code voters} ({@code id@host:controllerPort,...}, this node's own entry among them), formatted
         * (on first use) with {@code clusterId}, every topic and internal topic replicated
         * {@code replicationFactor} times with min ISR one less. {@link KafkaCluster} starts such nodes as
         * processes; a node alone is the default.
         */
        public Builder clusterNode(int nodeId, String voters, String clusterId, int replicationFactor) {
            BrokerSetup.Quorum checked = new BrokerSetup.Quorum(nodeId, Objects.requireNonNull(voters, "voters"), replicationFactor);
            if (!voters.matches("\\d+@[^,@]+:\\d+(,\\d+@[^,@]+:\\d+)*")) {
                throw new IllegalArgumentException("voters must be id@host:port[,id@host:port]..., got '" + voters + "'");
            }
            if (!("," + voters).contains("," + nodeId + "@")) {
                throw new IllegalArgumentException("node " + nodeId + " is not among the voters " + voters);
            }
            this.nodeId = checked.nodeId();
            this.quorumVoters = voters;
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            this.replicationFactor = checked.replicationFactor();
            return this;
        }

        /** The address both listeners bind to and the broker advertises; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The client (PLAINTEXT) port; 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The KRaft controller port; 0, the default, picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /**
         * Keep the broker's data here, across restarts (formatted on first use); by default a temporary
         * directory, deleted by {@link #close}.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /**
         * The largest record batch the broker accepts by default ({@code message.max.bytes}); the socket
         * and fetch limits are raised to match. Topics can still set their own {@code max.message.bytes}.
         */
        public Builder maxMessageBytes(int maxMessageBytes) {
            if (maxMessageBytes < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
            }
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** Whether producing to or subscribing to an unknown topic creates it (default: no, as in production). */
        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        /**
         * Turns authentication and authorization on: the client listener becomes SASL_PLAINTEXT with
         * SCRAM-SHA-512 for these users (name to password), the broker authorizes every request with
         * ACLs ({@code StandardAuthorizer}, nothing allowed without one) and only the admin user (see
         * {@link #scramAdmin}) is a super user. The users are (re)written at every start.
         */
        public Builder scramUsers(Map<String, String> userToPassword) {
            Map<String, String> users = new LinkedHashMap<>();
            userToPassword.forEach((user, password) -> users.put(checkScramName("user", user), checkScramName("password of " + user, password)));
            this.scramUsers = users;
            return this;
        }

        /**
         * The launcher's own super user (default {@code admin} with a random password). It is written into
         * the data directory when it is formatted, so a kept {@link #dataDir} needs the same password at
         * every start.
         */
        public Builder scramAdmin(String user, String password) {
            this.adminUser = checkScramName("admin user", user);
            this.adminPassword = checkScramName("admin password", password);
            return this;
        }

        /**
         * A second PLAINTEXT client listener, {@code PROXIED}, bound on {@code host:port} and advertising
         * {@code host:advertisedPort}, where a {@link FaultProxy} (or any TCP proxy) forwards to {@code port}.
         * A client that bootstraps through the proxy is told the proxy's address for this broker, so all its
         * connections go through the proxy (the ordinary listener's clients are not affected): a fault test can
         * cut one client off the broker. Both ports explicit; not with {@link #scramUsers}.
         */
        public Builder proxiedListener(int port, int advertisedPort) {
            this.proxied = new BrokerSetup.Proxied(port, advertisedPort);
            return this;
        }

        /** Any broker property, applied last (it wins over what this builder sets). */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Formats the data directory if needed, starts the broker and returns once it accepts clients. */
        public EmbeddedKafka start() {
            if (proxied != null && scramUsers != null) {
                throw new IllegalArgumentException("a proxied listener is PLAINTEXT: not with scramUsers");
            }
            BrokerLogging.quietBroker();
            boolean ownsDataDir = dataDir == null;
            Path dir;
            try {
                dir = ownsDataDir ? Files.createTempDirectory("umbra-kafka-") : Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the broker's data directory", e);
            }
            BrokerSetup.Scram scram = null;
            if (scramUsers != null) {
                Map<String, String> passwords = new LinkedHashMap<>(scramUsers);
                if (passwords.containsKey(adminUser)) {
                    throw new IllegalArgumentException("the admin user " + adminUser + " is set with scramAdmin, not scramUsers");
                }
                passwords.put(adminUser, adminPassword != null ? adminPassword : HexFormat.of().formatHex(randomBytes(18)));
                scram = new BrokerSetup.Scram(adminUser, passwords);
            }
            RuntimeException last = null;
            // Free ports are picked by binding and releasing them; another process may take one in between.
            int attempts = port == 0 || controllerPort == 0 ? BIND_ATTEMPTS : 1;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                int[] free = freePorts(host, 2);
                int p = port != 0 ? port : free[0];
                int cp = controllerPort != 0 ? controllerPort : free[1];
                try {
                    return startOnce(dir, ownsDataDir, p, cp, scram);
                } catch (RuntimeException e) {
                    last = e;
                    if (!isBindFailure(e) || attempt == attempts) {
                        break;
                    }
                    LOG.warn("port {} or {} was taken before the broker bound it; trying other ports", p, cp);
                }
            }
            if (ownsDataDir) {
                deleteRecursively(dir);
            }
            throw last;
        }

        private EmbeddedKafka startOnce(Path dir, boolean ownsDataDir, int p, int cp, BrokerSetup.Scram scram) {
            BrokerSetup.Quorum quorum = quorumVoters == null ? BrokerSetup.Quorum.single()
                    : new BrokerSetup.Quorum(nodeId, quorumVoters, replicationFactor);
            Properties props = BrokerSetup.brokerProperties(host, dir.resolve("logs"), p, cp, scram, maxMessageBytes, autoCreateTopics,
                    quorum, proxied, overrides);
            Path propsFile = dir.resolve("server.properties");
            BrokerSetup.writeProperties(props, propsFile);
            // A kept data directory is reused as it is, with its cluster id; a new one is formatted.
            if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
                if (clusterId != null) {
                    BrokerSetup.format(propsFile, scram, clusterId);
                } else {
                    BrokerSetup.format(propsFile, scram);
                }
            }
            Server server = BrokerSetup.newServer(props);
            Admin admin = null;
            try {
                server.startup();
                Map<String, Object> adminConfig = new HashMap<>();
                adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, host + ":" + p);
                adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-local-admin");
                if (scram != null) {
                    adminConfig.putAll(saslClientProperties(scram.adminUser(), scram.adminPassword()));
                }
                admin = Admin.create(adminConfig);
                // startup() returns once the broker is unfenced; a metadata round trip proves clients get in.
                admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (scram != null) {
                    BrokerSetup.upsertScramUsers(admin, scram);
                }
                LOG.info("Kafka broker ready on {}:{} (data {})", host, p, dir);
                return new EmbeddedKafka(host, p, dir, ownsDataDir, server, admin, scram);
            } catch (Exception e) {
                if (admin != null) {
                    admin.close(Duration.ZERO);
                }
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw e instanceof RuntimeException re ? re
                        : new IllegalStateException("the broker did not become ready within " + READY_TIMEOUT.toSeconds() + " s", e);
            }
        }

        /**
         * Names and passwords go verbatim into JAAS lines and StorageTool's {@code [name=…,password=…]}:
         * letters, digits and {@code . _ - @ + ~} only, no quoting to get wrong.
         */
        private static String checkScramName(String what, String value) {
            Objects.requireNonNull(value, what);
            if (!value.matches("[A-Za-z0-9._@+~-]{1,128}")) {
                throw new IllegalArgumentException(what + " must be 1..128 of [A-Za-z0-9._@+~-]");
            }
            return value;
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (free) or 1..65535, got " + port);
            }
            return port;
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static int[] freePorts(String host, int count) {
        // All sockets open at once, so the ports differ from each other.
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            InetAddress address = InetAddress.getByName(host);
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, address);
                s.setReuseAddress(true);
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the port is released either way
                }
            }
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || (t.getMessage() != null && t.getMessage().contains("failed to bind"))) {
                return true;
            }
        }
        return false;
    }

    /** Deletes {@code dir} and everything under it (a broker's or a run's data); logs a warning if it cannot. */
    public static void deleteRecursively(Path dir) {
        try {
            SecretFiles.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("could not delete the directory {}: {}", dir, e.toString());
        }
    }
}
