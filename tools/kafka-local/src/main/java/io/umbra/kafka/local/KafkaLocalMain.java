package io.umbra.kafka.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The local broker as a process of its own, so that tests and {@code ./umbra local} can kill services
 * and leave the broker up:
 *
 * <pre>
 * java -jar tools/kafka-local/target/kafka-local.jar [--port N] [--controller-port N] [--host H]
 *      [--data-dir DIR] [--max-message-bytes N] [--auto-create-topics] [--topic SPEC]... [--property KEY=VALUE]...
 *      [--scram-user NAME=PASSWORD]... [--scram-admin NAME=PASSWORD]
 *      [--node-id N --quorum-voters ID@HOST:PORT,... --cluster-id ID [--replication-factor N]]
 *      [--proxied-listener PORT:ADVERTISED_PORT]
 * </pre>
 *
 * With {@code --quorum-voters} the process is one node of a KRaft cluster ({@link KafkaCluster} starts
 * them); it prints its line once the quorum has formed and it serves clients.
 *
 * Prints {@code bootstrap=host:port} on stdout once clients can connect (and nothing else on stdout:
 * logs go to stderr, WARN and above unless {@code UMBRA_KAFKA_LOG} says otherwise), then runs until
 * SIGTERM or Ctrl-C, then shuts the broker down cleanly (controlled shutdown, logs closed, a temporary
 * data directory deleted) before the JVM exits with the signal's status (143 / 130). Exit 2: bad
 * arguments; 1: the broker did not start.
 */
public final class KafkaLocalMain {
    private static final String USAGE = """
            usage: java -jar kafka-local.jar [options]
              --port N               client (PLAINTEXT) port; 0 or absent: a free one
              --controller-port N    KRaft controller port; 0 or absent: a free one
              --host H               address to bind and advertise (default 127.0.0.1)
              --data-dir DIR         keep data here across runs (default: a temporary directory, deleted on exit)
              --max-message-bytes N  broker message.max.bytes (default Kafka's 1048588)
              --auto-create-topics   create unknown topics on first use (default: off, as in production)
              --topic SPEC           create a topic: name[:partitions][:compact][:key=value]... (repeatable)
              --property KEY=VALUE   any broker property (repeatable)
              --scram-user N=P       SASL/SCRAM-SHA-512 user (repeatable): the client port then needs
                                     SASL_PLAINTEXT and every request an ACL (StandardAuthorizer)
              --scram-admin N=P      the super user the launcher logs in as (default admin, random password;
                                     give it with --data-dir, the password is fixed when the directory is formatted)
              --node-id N            this node's id in a cluster (with --quorum-voters and --cluster-id)
              --quorum-voters LIST   every controller of the cluster: id@host:controller-port,... (this node's among them)
              --cluster-id ID        the cluster id every node is formatted with (22 characters, base64url)
              --replication-factor N replication of every topic and internal topic (default 3 in a cluster,
                                     min.insync.replicas one less)
              --proxied-listener PORT:ADVERTISED_PORT
                                     a second PLAINTEXT listener (PROXIED) on PORT that advertises ADVERTISED_PORT,
                                     where a proxy forwards to PORT (fault tests; not with --scram-user)
            Prints bootstrap=host:port on stdout when ready; stops on SIGTERM / Ctrl-C.
            Logs go to stderr at WARN; UMBRA_KAFKA_LOG=debug|info|... for more.""";

    private KafkaLocalMain() {
    }

    public static void main(String[] args) {
        BrokerLogging.configureProcess();
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        List<TopicSpec> topics = new ArrayList<>();
        Map<String, String> scramUsers = new LinkedHashMap<>();
        boolean scram = false;
        Integer nodeId = null;
        String voters = null;
        String clusterId = null;
        Integer replicationFactor = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--port" -> builder.port(Integer.parseInt(value(args, ++i, arg)));
                    case "--controller-port" -> builder.controllerPort(Integer.parseInt(value(args, ++i, arg)));
                    case "--host" -> builder.host(value(args, ++i, arg));
                    case "--data-dir" -> builder.dataDir(Path.of(value(args, ++i, arg)));
                    case "--max-message-bytes" -> builder.maxMessageBytes(Integer.parseInt(value(args, ++i, arg)));
                    case "--auto-create-topics" -> builder.autoCreateTopics(true);
                    case "--topic" -> topics.add(TopicSpec.parse(value(args, ++i, arg)));
                    case "--property" -> {
                        String kv = value(args, ++i, arg);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--property needs KEY=VALUE, got '" + kv + "'");
                        }
                        builder.brokerProperty(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    case "--scram-user" -> {
                        String[] up = userAndPassword(value(args, ++i, arg), arg);
                        scramUsers.put(up[0], up[1]);
                        scram = true;
                    }
                    case "--scram-admin" -> {
                        String[] up = userAndPassword(value(args, ++i, arg), arg);
                        builder.scramAdmin(up[0], up[1]);
                        scram = true;
                    }
                    case "--node-id" -> nodeId = Integer.parseInt(value(args, ++i, arg));
                    case "--quorum-voters" -> voters = value(args, ++i, arg);
                    case "--cluster-id" -> clusterId = value(args, ++i, arg);
                    case "--replication-factor" -> replicationFactor = Integer.parseInt(value(args, ++i, arg));
                    case "--proxied-listener" -> {
                        String ports = value(args, ++i, arg);
                        if (!ports.matches("\\d{1,5}:\\d{1,5}")) {
                            throw new IllegalArgumentException("--proxied-listener needs PORT:ADVERTISED_PORT, got '" + ports + "'");
                        }
                        int colon = ports.indexOf(':');
                        builder.proxiedListener(Integer.parseInt(ports.substring(0, colon)), Integer.parseInt(ports.substring(colon + 1)));
                    }
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (scram) {
                builder.scramUsers(scramUsers);
            }
            if (voters != null || clusterId != null || nodeId != null || replicationFactor != null) {
                if (voters == null || clusterId == null || nodeId == null) {
                    throw new IllegalArgumentException("a cluster node needs --node-id, --quorum-voters and --cluster-id together");
                }
                builder.clusterNode(nodeId, voters, clusterId, replicationFactor != null ? replicationFactor : 3);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("kafka-local: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }

        EmbeddedKafka kafka;
        try {
            kafka = builder.start();
            kafka.createTopics(topics);
        } catch (RuntimeException e) {
            System.err.println("kafka-local: the broker did not start: " + e);
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
            } finally {
                stopped.countDown();
            }
        }, "kafka-local-shutdown"));

        PrintStream out = System.out;
        out.println("bootstrap=" + kafka.bootstrapServers());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String[] userAndPassword(String arg, String option) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(option + " needs NAME=PASSWORD");
        }
        return new String[] {arg.substring(0, eq), arg.substring(eq + 1)};
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
