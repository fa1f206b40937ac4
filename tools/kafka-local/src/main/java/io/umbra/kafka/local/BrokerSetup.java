package io.umbra.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import io.umbra.files.SecretFiles;
import kafka.server.Server;
import kafka.tools.StorageTool;

/**
 * How {@link EmbeddedKafka} sets a broker up before and while it starts: the broker properties (listeners,
 * one-node sizing, SCRAM and ACLs), the owner-only {@code server.properties}, formatting the log directory,
 * the reflective construction of the KRaft server, and the SCRAM users. The launcher's life cycle (ports,
 * start, topics, close) stays in {@link EmbeddedKafka}.
 */
final class BrokerSetup {
    private static final String LISTENER = "PLAINTEXT";
    /** The client listener's name when SCRAM is on (SASL_PLAINTEXT); the broker's own traffic uses it too. */
    private static final String SASL_LISTENER = "CLIENT";
    static final String SCRAM = "SCRAM-SHA-512";
    /** SCRAM's iteration count; Kafka's minimum, so that authentication stays fast on a small box. */
    private static final int SCRAM_ITERATIONS = 4096;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The optional second client listener, reached through a {@link FaultProxy} whose address it advertises. */
    static final String PROXIED_LISTENER = "PROXIED";
    private static final int NODE_ID = 1;

    private BrokerSetup() {
    }

    /**
     * SCRAM-SHA-512 users, the launcher's own super user among them. Users' passwords stay in memory (and,
     * salted and hashed, in the metadata log, as on any broker); the admin's is also in the data directory's
     * {@code server.properties}, because the broker logs in to itself with it: a local test broker's
     * directory is no place for a production secret.
     */
    record Scram(String adminUser, Map<String, String> passwords) {
        Scram {
            passwords = Map.copyOf(passwords);
        }

        String adminPassword() {
            return passwords.get(adminUser);
        }
    }

    /**
     * An extra PLAINTEXT client listener {@value #PROXIED_LISTENER} bound on {@code port} that advertises
     * {@code host:advertisedPort} instead: a proxy listens there and forwards to {@code port}, and a client that
     * bootstraps through the proxy gets the proxy's address for every later connection (metadata answers with
     * the addresses of the listener a request came in on).
     */
    record Proxied(int port, int advertisedPort) {
        Proxied {
            if (port < 1 || port > 65_535 || advertisedPort < 1 || advertisedPort > 65_535) {
                throw new IllegalArgumentException("the proxied listener needs ports 1..65535, got " + port + " and " + advertisedPort);
            }
            if (port == advertisedPort) {
                throw new IllegalArgumentException("the proxied listener's port and its advertised (proxy) port must differ, both " + port);
            }
        }
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /**
     * The broker's configuration: one KRaft node (broker and controller), listening on {@code host:p} for
     * clients and {@code host:cp} for the controller, sized for a laptop; {@code overrides} last.
     */
    static Properties brokerProperties(String host, Path logDir, int p, int cp, Scram scram, int maxMessageBytes,
                                       boolean autoCreateTopics, Map<String, String> overrides) {
        return brokerProperties(host, logDir, p, cp, scram, maxMessageBytes, autoCreateTopics, Quorum.single(), overrides);
    }

    /**
     * Where this node sits in its KRaft quorum: its id, every voter ({@code id@host:controllerPort,...};
     * null: this node alone) and the replication every topic gets (3 in a cluster of three: min ISR 2).
     */
    record Quorum(int nodeId, String voters, int replicationFactor) {
        Quorum {
            if (nodeId < 0) {
                throw new IllegalArgumentException("node id must be 0 or more, got " + nodeId);
            }
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("replication factor must be at least 1, got " + replicationFactor);
            }
        }

        static Quorum single() {
            return new Quorum(NODE_ID, null, 1);
        }

        /** Acks=all writes survive one lost replica and are refused below two: RF − 1, at least 1. */
        int minInsyncReplicas() {
            return Math.max(1, replicationFactor - 1);
        }
    }

    static Properties brokerProperties(String host, Path logDir, int p, int cp, Scram scram, int maxMessageBytes,
                                       boolean autoCreateTopics, Quorum quorum, Map<String, String> overrides) {
        return brokerProperties(host, logDir, p, cp, scram, maxMessageBytes, autoCreateTopics, quorum, null, overrides);
    }

    /** As above, with the extra {@link Proxied} listener when {@code proxied} is not null (PLAINTEXT brokers only). */
    static Properties brokerProperties(String host, Path logDir, int p, int cp, Scram scram, int maxMessageBytes,
                                       boolean autoCreateTopics, Quorum quorum, Proxied proxied, Map<String, String> overrides) {
        if (proxied != null && scram != null) {
            throw new IllegalArgumentException("a proxied listener is PLAINTEXT: not with SCRAM users");
        }
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(quorum.nodeId()));
        props.put("controller.quorum.voters", quorum.voters() != null ? quorum.voters() : quorum.nodeId() + "@" + host + ":" + cp);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        if (scram == null) {
            props.put("listeners", LISTENER + "://" + host + ":" + p + "," + CONTROLLER_LISTENER + "://" + host + ":" + cp);
            props.put("advertised.listeners", LISTENER + "://" + host + ":" + p);
            props.put("listener.security.protocol.map", LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put("inter.broker.listener.name", LISTENER);
            if (proxied != null) {
                props.put("listeners", props.getProperty("listeners") + "," + PROXIED_LISTENER + "://" + host + ":" + proxied.port());
                props.put("advertised.listeners", props.getProperty("advertised.listeners") + "," + PROXIED_LISTENER + "://" + host
                        + ":" + proxied.advertisedPort());
                props.put("listener.security.protocol.map", props.getProperty("listener.security.protocol.map") + ","
                        + PROXIED_LISTENER + ":PLAINTEXT");
            }
        } else {
            scramProperties(props, host, p, cp, scram);
        }
        props.put("log.dirs", logDir.toString());
        // Every internal topic (offsets, transaction state, share state) and every topic created without an
        // explicit factor gets the quorum's replication: 1 on one node; 3 with min ISR 2 in a cluster, so a
        // transaction survives the loss of any one broker. Fewer partitions than a cluster's 50.
        String rf = Integer.toString(quorum.replicationFactor());
        String minIsr = Integer.toString(quorum.minInsyncReplicas());
        props.put("offsets.topic.replication.factor", rf);
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", rf);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", rf);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("share.coordinator.state.topic.num.partitions", "5");
        props.put("default.replication.factor", rf);
        props.put("min.insync.replicas", minIsr);
        if (quorum.replicationFactor() > 1) {
            // A SIGKILLed broker is fenced (and leaves the ISRs) after 6 s of silence instead of 9.
            props.put("broker.heartbeat.interval.ms", "1000");
            props.put("broker.session.timeout.ms", "6000");
        }
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
        props.put("group.initial.rebalance.delay.ms", "0");
        // Large records (encrypted batches are several MB): the broker's limit, and every limit behind it.
        props.put("message.max.bytes", Integer.toString(maxMessageBytes));
        props.put("replica.fetch.max.bytes", Integer.toString(Math.max(maxMessageBytes, 1 << 20)));
        props.put("replica.fetch.response.max.bytes", Integer.toString(Math.max(maxMessageBytes, 10 << 20)));
        props.put("fetch.max.bytes", Integer.toString(Math.max(maxMessageBytes, 55 << 20)));
        props.put("socket.request.max.bytes", Integer.toString(Math.max(maxMessageBytes + (1 << 20), 100 << 20)));
        // A laptop or a 2-core CI box, not a server: fewer threads, a small log-cleaner buffer.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("background.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("log.cleaner.threads", "1");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
        props.putAll(overrides);
        return props;
    }

    /**
     * SASL_PLAINTEXT with SCRAM-SHA-512 for clients and for the broker's own calls to itself (transaction
     * markers), as the admin user. The controller listener authenticates with SASL/PLAIN against a
     * static admin entry: SCRAM credentials live in the metadata log the controller itself serves, so
     * they cannot guard it, and a PLAINTEXT controller would make the anonymous principal a super user.
     */
    private static void scramProperties(Properties props, String host, int p, int cp, Scram scram) {
        String client = SASL_LISTENER.toLowerCase(java.util.Locale.ROOT);
        String controller = CONTROLLER_LISTENER.toLowerCase(java.util.Locale.ROOT);
        props.put("listeners", SASL_LISTENER + "://" + host + ":" + p + "," + CONTROLLER_LISTENER + "://" + host + ":" + cp);
        props.put("advertised.listeners", SASL_LISTENER + "://" + host + ":" + p);
        props.put("listener.security.protocol.map", SASL_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", SASL_LISTENER);
        props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        props.put("listener.name." + client + ".sasl.enabled.mechanisms", SCRAM);
        props.put("listener.name." + client + ".scram-sha-512.sasl.jaas.config", scramJaas(scram.adminUser(), scram.adminPassword()));
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name." + controller + ".sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name." + controller + ".plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + scram.adminUser()
                        + "\" password=\"" + scram.adminPassword() + "\" user_" + scram.adminUser() + "=\"" + scram.adminPassword() + "\";");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + scram.adminUser());
        props.put("allow.everyone.if.no.acl.found", "false");
    }

    /** Writes every user's SCRAM credential (new or changed password alike) and waits until the broker knows them. */
    static void upsertScramUsers(Admin admin, Scram scram) throws Exception {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        scram.passwords().forEach((user, password) -> {
            if (!user.equals(scram.adminUser())) {
                upserts.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password));
            }
        });
        if (upserts.isEmpty()) {
            return;
        }
        admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
        // The controller has committed them; the broker's credential cache follows its metadata a moment later.
        List<String> users = upserts.stream().map(UserScramCredentialAlteration::user).toList();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                admin.describeUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(20);
        }
    }

    /**
     * {@code new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM)}, reflectively:
     * KafkaConfig's superclass lives in kafka-server, which kafka_2.13 brings at runtime only, and
     * declaring it here would pin a second Kafka version beside the BOM's.
     */
    static Server newServer(Properties props) {
        try {
            Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
            Object config = configClass.getMethod("fromProps", Properties.class, boolean.class).invoke(null, props, false);
            return (Server) Class.forName("kafka.server.KafkaRaftServer").getConstructor(configClass, Time.class)
                    .newInstance(config, Time.SYSTEM);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new IllegalStateException("the broker configuration was refused: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("kafka_2.13 on the classpath has no KafkaConfig.fromProps(Properties, boolean)"
                    + " or KafkaRaftServer(KafkaConfig, Time): not the Kafka 4 this launcher was written for", e);
        }
    }

    static void format(Path propsFile, Scram scram) {
        format(propsFile, scram, Uuid.randomUuid().toString());
    }

    /** Formats the log directory for cluster {@code clusterId} (every node of one cluster shares it). */
    static void format(Path propsFile, Scram scram, String clusterId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propsFile.toString()));
        if (scram != null) {
            // The broker's own calls to itself log in as the admin user from the first second, before any
            // admin client could create a credential: it goes into the metadata log at format time.
            args.add("--add-scram");
            args.add(SCRAM + "=[name=" + scram.adminUser() + ",iterations=" + SCRAM_ITERATIONS
                    + ",password=" + scram.adminPassword() + "]");
        }
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args.toArray(String[]::new), ps);
        } catch (Exception e) {
            throw new IllegalStateException("formatting the broker's log directory failed: " + e.getMessage()
                    + " (" + out.toString(StandardCharsets.UTF_8).trim() + ")", e);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the broker's log directory failed (exit " + rc + "): "
                    + out.toString(StandardCharsets.UTF_8).trim());
        }
    }

    /** Owner-only from the moment it exists, swapped in whole: with SCRAM it holds the broker's admin password. */
    static void writeProperties(Properties props, Path file) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            props.store(out, "written by io.umbra.kafka.local.EmbeddedKafka at every start");
            SecretFiles.replace(file, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
