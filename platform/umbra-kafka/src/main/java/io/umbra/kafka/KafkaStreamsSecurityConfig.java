package io.umbra.kafka;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;

/**
 * Hands {@link KafkaClientSecurity#fromEnvironment()} to a Quarkus Kafka Streams application as
 * {@code kafka-streams.*} configuration: Kafka Streams passes these to its consumers, producers and admin
 * client, and Quarkus to the admin client that waits for the topics. A service registers it in
 * {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}; clients it builds itself add
 * {@link KafkaClientSecurity#addTo} instead.
 *
 * <p>Contributes nothing until {@code umbra.tenant} is configured, as at Quarkus build time, so the
 * environment of a build is never recorded in the application. Its ordinal (275) is above
 * {@code application.properties}: a properties file cannot quietly log the clients in otherwise.
 */
public class KafkaStreamsSecurityConfig implements ConfigSourceFactory {
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue tenant = context.getValue("umbra.tenant");
        if (tenant == null || tenant.getValue() == null || tenant.getValue().isBlank()) {
            return List.of();
        }
        // an invalid environment stops the start here, with the variable named
        return List.of(new PropertiesConfigSource(KafkaClientSecurity.fromEnvironment().expressionEscapedConfig("kafka-streams."),
                "umbra-kafka-client-security", ORDINAL));
    }
}
