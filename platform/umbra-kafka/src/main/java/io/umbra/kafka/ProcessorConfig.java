package io.umbra.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of one {@link ExactlyOnceProcessor}, checked and immutable; made by its {@link Builder}. Also
 * derives the consumer's and producer's Kafka configurations, with every property exactly-once depends on
 * enforced (a caller's contradicting value is refused, never silently overridden).
 *
 * @param handler       the handler of a whole poll; a {@link RecordHandler} is adapted to one ({@link RecordsAsBatch})
 * @param recordMode    whether the service gave a {@link RecordHandler}: the same path, its records handed over one a call
 * @param serviceName   the {@code umbra.dlq.service} header
 */
public record ProcessorConfig(String bootstrapServers, String groupId, List<String> topics, Pattern topicPattern, String instanceId,
                       BatchHandler handler, boolean recordMode, UnaryOperator<String> deadLetterTopic, String serviceName,
                       int maxPollRecords, int maxRecordBytes, Duration pollTimeout, ProcessorListener listener, Clock clock,
                       KafkaClientSecurity security, Map<String, Object> consumerProperties, Map<String, Object> producerProperties) {
    /** Room for a dead letter's headers and the record framing around a payload of the maximum size. */
    static final int RECORD_OVERHEAD_BYTES = 64 << 10;
    static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1 << 20;

    public ProcessorConfig {
        consumerProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(consumerProperties));
        producerProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(producerProperties));
    }

    /** {@code <groupId>-<instanceId>}: also the client id of the consumer and the producer. */
    public String transactionalId() {
        return groupId + "-" + instanceId;
    }

    /** The consumer's configuration: the caller's properties, the security settings, and what exactly-once needs. */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group processes what is there
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(KAFKA_DEFAULT_MAX_REQUEST_SIZE, maxRecordBytes + RECORD_OVERHEAD_BYTES));
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId());
        c.putAll(consumerProperties);
        security.addTo(c);
        enforce(c, "consumer", ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        enforce(c, "consumer", ConsumerConfig.GROUP_ID_CONFIG, groupId);
        enforce(c, "consumer", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        enforce(c, "consumer", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        enforce(c, "consumer", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        c.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        c.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return c;
    }

    /** The producer's configuration, likewise; transactional and idempotent. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        // Big enough for a dead letter of any input this processor accepts; outputs larger than their
        // inputs (an encrypted batch) need producerProperty("max.request.size", ...).
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(KAFKA_DEFAULT_MAX_REQUEST_SIZE, maxRecordBytes + RECORD_OVERHEAD_BYTES));
        c.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId());
        c.putAll(producerProperties);
        security.addTo(c);
        enforce(c, "producer", ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        enforce(c, "producer", ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        enforce(c, "producer", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        enforce(c, "producer", ProducerConfig.ACKS_CONFIG, "all");
        c.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        c.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return c;
    }

    /** Sets {@code key} to what exactly-once needs, refusing a caller's different value rather than overriding it silently. */
    private static void enforce(Map<String, Object> config, String client, String key, String value) {
        Object given = config.get(key);
        if (given != null && !given.toString().trim().equalsIgnoreCase(value)
                && !(key.equals(ProducerConfig.ACKS_CONFIG) && given.toString().trim().equals("-1"))) {
            throw new IllegalArgumentException(client + " property " + key + "=" + given + " conflicts with exactly-once processing,"
                    + " which sets " + key + "=" + value + (key.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
                    ? " (derived from groupId and instanceId)" : ""));
        }
        config.put(key, value);
    }

    /** How to build a processor ({@link ExactlyOnceProcessor#builder()}). Required: bootstrap servers, group id, topics or a pattern, instance id, handler, dead-letter mapping. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId;
        private List<String> topics;
        private Pattern topicPattern;
        private String instanceId;
        private RecordHandler handler;
        private BatchHandler batchHandler;
        private UnaryOperator<String> deadLetterTopic;
        private String serviceName;
        private int maxPollRecords = 500;
        private int maxRecordBytes = KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        private Duration pollTimeout = Duration.ofMillis(500);
        private ProcessorListener listener = ProcessorListener.NONE;
        private Clock clock = Clock.systemUTC();
        private KafkaClientSecurity security;
        private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();

        Builder() {
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** The consumer group: one per service (and tenant, in the bank zone). */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder topics(Collection<String> topics) {
            this.topics = List.copyOf(topics);
            return this;
        }

        /** Subscribe by pattern, e.g. every tenant's score requests; new matching topics are picked up. */
        public Builder topicPattern(Pattern topicPattern) {
            this.topicPattern = topicPattern;
            return this;
        }

        /**
         * This instance's stable name (a StatefulSet pod name, a host name): the same after a restart, unique
         * among the group's live instances. The transactional id is {@code <groupId>-<instanceId>}.
         */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        public Builder handler(RecordHandler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Batch mode instead of {@link #handler}: the whole poll goes to {@code batchHandler} at once, still one
         * poll = one transaction. Size the poll with {@link #maxPollRecords} and let it fill with
         * {@link #batchLinger}.
         */
        public Builder batchHandler(BatchHandler batchHandler) {
            this.batchHandler = batchHandler;
            return this;
        }

        /**
         * The linger of batch mode, like a producer's {@code batch.size} / {@code linger.ms}: the broker holds
         * a fetch until {@code fetchMinBytes} are there or {@code maxWait} has passed (the consumer's
         * {@code fetch.min.bytes} and {@code fetch.max.wait.ms}), so a poll returns a full batch
         * ({@code maxPollRecords} × the typical record size) or what came within the linger. Sized this way,
         * in the consumer rather than by buffering across polls, because a record is committed with the poll
         * that returned it: a batch never spans transactions, and records beyond it keep their offsets
         * uncommitted. Raises the poll timeout to at least {@code maxWait} plus a margin.
         */
        public Builder batchLinger(int fetchMinBytes, Duration maxWait) {
            consumerProperties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(fetchMinBytes));
            consumerProperties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(maxWait.toMillis()));
            Duration atLeast = maxWait.plusMillis(500);
            if (pollTimeout.compareTo(atLeast) < 0) {
                pollTimeout = atLeast;
            }
            return this;
        }

        /** The dead-letter topic of each input topic, e.g. {@code acme.tx.raw -> acme.tx.dlq}. */
        public Builder deadLetterTopic(UnaryOperator<String> deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        /** The {@code umbra.dlq.service} header; default the group id. */
        public Builder serviceName(String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        /** Records per poll, hence per transaction; default 500. */
        public Builder maxPollRecords(int maxPollRecords) {
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        /**
         * The largest input (key + value + headers) the handler is given; larger ones are dead-lettered as
         * {@code RECORD_TOO_LARGE}. Default 1 MiB. Also raises the consumer's {@code max.partition.fetch.bytes}
         * and the producer's {@code max.request.size} to this plus 64 KiB, unless set explicitly.
         */
        public Builder maxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        /** How long one poll waits for records; default 500 ms. */
        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = pollTimeout;
            return this;
        }

        public Builder listener(ProcessorListener listener) {
            this.listener = listener;
            return this;
        }

        /** The clock of the {@code umbra.dlq.failed.at} header. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * How the consumer and producer log in to the broker; default {@link KafkaClientSecurity#fromEnvironment()},
         * the service's {@code KAFKA_SECURITY_PROTOCOL} and related variables.
         */
        public Builder security(KafkaClientSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Any consumer property (e.g. {@code session.timeout.ms}, {@code group.instance.id}). Those exactly-once
         * depends on are set by the processor; a different value for one of them is refused.
         */
        public Builder consumerProperty(String key, Object value) {
            consumerProperties.put(key, value);
            return this;
        }

        public Builder consumerProperties(Map<String, ?> properties) {
            consumerProperties.putAll(properties);
            return this;
        }

        /** Any producer property (e.g. {@code max.request.size}, {@code compression.type}); as for the consumer. */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(key, value);
            return this;
        }

        public Builder producerProperties(Map<String, ?> properties) {
            producerProperties.putAll(properties);
            return this;
        }

        /** A processor, not started yet; every missing or contradictory setting is named here. */
        public ExactlyOnceProcessor build() {
            return new ExactlyOnceProcessor(config());
        }

        /** The settings, checked: every missing or contradictory one is named here. */
        ProcessorConfig config() {
            List<String> problems = new ArrayList<>();
            if (blank(bootstrapServers)) {
                problems.add("bootstrapServers is missing");
            }
            if (blank(groupId)) {
                problems.add("groupId is missing");
            }
            if (blank(instanceId) || !instanceId.matches("[A-Za-z0-9._-]+")) {
                problems.add("instanceId must be a stable, non-empty name of [A-Za-z0-9._-]");
            }
            if ((topics == null || topics.isEmpty()) == (topicPattern == null)) {
                problems.add("give either topics or a topicPattern");
            }
            if ((handler == null) == (batchHandler == null)) {
                problems.add("give either a handler or a batchHandler");
            }
            if (deadLetterTopic == null) {
                problems.add("deadLetterTopic mapping is missing");
            }
            if (maxPollRecords < 1) {
                problems.add("maxPollRecords must be at least 1");
            }
            if (maxRecordBytes < 1) {
                problems.add("maxRecordBytes must be positive");
            }
            if (pollTimeout == null || pollTimeout.isNegative() || listener == null || clock == null) {
                problems.add("pollTimeout, listener and clock must be set (they have defaults)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("exactly-once processor: " + String.join("; ", problems));
            }
            return new ProcessorConfig(bootstrapServers, groupId, topics, topicPattern, instanceId,
                    batchHandler != null ? batchHandler : new RecordsAsBatch(handler), batchHandler == null, deadLetterTopic,
                    serviceName != null ? serviceName : groupId, maxPollRecords, maxRecordBytes, pollTimeout, listener, clock,
                    security != null ? security : KafkaClientSecurity.fromEnvironment(), consumerProperties, producerProperties);
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }
}
