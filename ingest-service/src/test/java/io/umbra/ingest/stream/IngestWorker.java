package io.umbra.ingest.stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.umbra.events.TenantId;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.ingest.FeatureExtractor;
import io.umbra.ingest.IngestMetrics;
import io.umbra.ingest.TenantStreamsConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The ingest topology of one tenant at feature schema 2, run outside Quarkus with the service's own Kafka
 * Streams settings (the {@code kafka-streams.*} lines of its application.properties: exactly_once_v2, the
 * exception handlers, the commit interval) and its derived ids (application id
 * {@code <t>.ingest-service}, static {@code group.instance.id}). {@link #main} is what the restart test starts
 * as a separate JVM and SIGKILLs: nothing of it survives but its state directory and what it committed.
 */
public final class IngestWorker {
    /** The tenant's reference rates (what {@code umbra.features.rates} would say). */
    static final Map<String, Double> RATES = Map.of("USD", 0.86, "GBP", 1.14);

    private IngestWorker() {
    }

    /** Args: bootstrap servers, tenant, instance id, state directory. Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        KafkaStreams streams = start(args[0], TenantId.of(args[1]), args[2], args[3]);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            Thread.sleep(50);
        }
        System.out.println(java.time.Instant.now() + " RUNNING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Builds and starts the schema-2 topology of {@code tenant}. */
    public static KafkaStreams start(String bootstrap, TenantId tenant, String instanceId, String stateDir) {
        FeatureExtractor extractor = new FeatureExtractor("DE", ReferenceRates.of("EUR", RATES), 2);
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());
        TransactionValidator validator = new TransactionValidator(Clock.systemUTC(), TransactionValidator.Limits.DEFAULT);
        KafkaStreams streams = new KafkaStreams(
                IngestTopology.build(tenant, Duration.ofDays(7), validator, extractor, metrics, Duration.ofDays(90)),
                properties(bootstrap, tenant, instanceId, stateDir));
        streams.start();
        return streams;
    }

    static Properties properties(String bootstrap, TenantId tenant, String instanceId, String stateDir) {
        Properties service = new Properties();
        try (InputStream in = IngestWorker.class.getResourceAsStream("/application.properties")) {
            service.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties p = new Properties();
        for (String name : service.stringPropertyNames()) {
            if (name.startsWith("kafka-streams.")) {
                p.put(name.substring("kafka-streams.".length()), resolve(service.getProperty(name)));
            }
        }
        String applicationId = TenantStreamsConfig.applicationId(tenant);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId + "-" + instanceId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put("group.instance.id", applicationId + "-" + instanceId);
        return p;
    }

    /** A whole-value {@code ${ENV:default}} as Quarkus resolves it here (the environment, else the default); anything else as is. */
    static String resolve(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9_.]+):([^}]*)}").matcher(value.trim());
        if (!m.matches()) {
            return value;
        }
        String env = System.getenv(m.group(1));
        return env == null || env.isBlank() ? m.group(2) : env;
    }
}
