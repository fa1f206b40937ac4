package io.umbra.kafka.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The local broker for {@code @QuarkusTest}s: one broker per test JVM, started by the first test class
 * that asks for it and stopped when the JVM exits (Quarkus restarts its app between test classes with
 * different resources; the broker stays, which saves seconds per class).
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = {
 *         @ResourceArg(name = "topics", value = "acme.tx.raw:3,acme.tx.features:3,acme.tx.dlq") })
 * class IngestPipelineTest { ... }
 * }</pre>
 *
 * Arguments (all optional): {@code topics}, comma-separated {@link TopicSpec#parse} specs, created if
 * missing; {@code max.message.bytes}, the broker default, honoured only by the test that starts the
 * broker (set topic-level {@code max.message.bytes} in the topic spec instead, as production does).
 *
 * <p>Gives the app {@code kafka.bootstrap.servers} (what quarkus-kafka-client, SmallRye Reactive
 * Messaging and our own config read) and, when Kafka Streams is on the classpath, {@code quarkus.kafka-streams.bootstrap-servers}; turns Kafka
 * Dev Services off (they need Docker), and keeps the broker's log categories at WARN.
 *
 * <p>Needs {@code io.quarkus:quarkus-junit} on the test classpath (every Quarkus service has it).
 */
public class KafkaLocalTestResource implements QuarkusTestResourceLifecycleManager {
    /** Argument: comma-separated topic specs to create, {@code name[:partitions][:compact][:key=value]...}. */
    public static final String ARG_TOPICS = "topics";
    /** Argument: the broker's {@code message.max.bytes}, when this test is the one that starts it. */
    public static final String ARG_MAX_MESSAGE_BYTES = "max.message.bytes";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLocalTestResource.class);
    private static EmbeddedKafka shared;
    private static int sharedMaxMessageBytes;

    private Map<String, String> args = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = Map.copyOf(initArgs);
    }

    @Override
    public Map<String, String> start() {
        Integer maxMessageBytes = args.containsKey(ARG_MAX_MESSAGE_BYTES)
                ? Integer.valueOf(args.get(ARG_MAX_MESSAGE_BYTES).trim())
                : null;
        EmbeddedKafka kafka = broker(maxMessageBytes);
        kafka.createTopics(topics(args.getOrDefault(ARG_TOPICS, "")));

        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        if (onClasspath("org.apache.kafka.streams.KafkaStreams")) {
            // only with Kafka Streams: Quarkus warns about the key otherwise
            config.put("quarkus.kafka-streams.bootstrap-servers", kafka.bootstrapServers());
        }
        config.put("quarkus.kafka.devservices.enabled", "false");
        // Quarkus applies its log configuration at boot; these keep the broker quiet after that too.
        String level = BrokerLogging.level();
        for (String category : BrokerLogging.CATEGORIES) {
            config.put("quarkus.log.category.\"" + category + "\".level", level);
        }
        return config;
    }

    /** Nothing: the broker serves the whole test JVM and stops when it exits. */
    @Override
    public void stop() {
    }

    /** The broker of this test JVM, started on first use. */
    public static synchronized EmbeddedKafka broker() {
        return broker(null);
    }

    private static synchronized EmbeddedKafka broker(Integer maxMessageBytes) {
        if (shared == null) {
            int limit = maxMessageBytes != null ? maxMessageBytes : EmbeddedKafka.KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
            EmbeddedKafka kafka = EmbeddedKafka.builder().maxMessageBytes(limit).start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-local-test-broker-shutdown"));
            shared = kafka;
            sharedMaxMessageBytes = limit;
        } else if (maxMessageBytes != null && maxMessageBytes != sharedMaxMessageBytes) {
            LOG.warn("the test broker already runs with message.max.bytes={}; {} is ignored (set the topic's max.message.bytes)",
                    sharedMaxMessageBytes, maxMessageBytes);
        }
        return shared;
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static List<TopicSpec> topics(String specs) {
        List<TopicSpec> topics = new ArrayList<>();
        for (String spec : specs.split(",")) {
            if (!spec.isBlank()) {
                topics.add(TopicSpec.parse(spec));
            }
        }
        return topics;
    }
}
