package io.umbra.cli;

import io.umbra.kafka.KafkaClientSecurity;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How the CLI's Kafka clients ({@code umbra load}, {@code produce}, {@code dlq}) log in to a secured broker, in
 * three ways that combine, later ones winning:
 *
 * <ol>
 *   <li>{@code --command-config FILE}: a Kafka client properties file, as Kafka's own tools take it
 *       ({@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}, …);</li>
 *   <li>{@code --sasl-user U --sasl-password-file F} (with {@code --security-protocol}, default {@code SASL_PLAINTEXT}, and
 *       {@code --sasl-mechanism}, default {@code SCRAM-SHA-512}): the login the services use, built by umbra-kafka's
 *       {@link KafkaClientSecurity}, so the password stays in its file (e.g. {@code ./umbra local --secure}'s
 *       {@code <run>/kafka-credentials/admin.password});</li>
 *   <li>{@code --kafka-property KEY=VALUE}, repeatable.</li>
 * </ol>
 * Nothing here is printed: a properties file or a JAAS line may hold a password.
 */
public final class KafkaClientOptions {

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties for a secured broker (security.protocol, sasl.*, ssl.*), as Kafka's tools take them.")
    Path commandConfig;

    @Option(names = "--sasl-user", paramLabel = "USER",
            description = "SASL user to log in as (e.g. admin for ./umbra local --secure); needs --sasl-password-file.")
    String saslUser;

    @Option(names = "--sasl-password-file", paramLabel = "FILE",
            description = "File holding the SASL password (./umbra local --secure: <run-dir>/kafka-credentials/<user>.password).")
    Path saslPasswordFile;

    @Option(names = "--security-protocol", paramLabel = "P",
            description = "With --sasl-user: SASL_PLAINTEXT (default) or SASL_SSL (the JVM's trusted CAs, or ssl.truststore.* via "
                + "--command-config / --kafka-property).")
    String securityProtocol;

    @Option(names = "--sasl-mechanism", paramLabel = "M", description = "With --sasl-user: SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN.")
    String saslMechanism;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (repeatable), applied last, e.g. ssl.truststore.location=/etc/kafka/ca.p12.")
    List<String> properties;

    /** The settings to add to every Kafka client; empty for a plaintext broker. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        if (commandConfig != null) {
            Properties file = new Properties();
            try (Reader r = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException e) {
                throw new CommandFailure("cannot read the Kafka client properties " + commandConfig + ": " + e.getMessage(), e);
            }
            for (String k : file.stringPropertyNames()) {
                p.put(k, file.getProperty(k));
            }
        }
        if (saslUser != null || saslPasswordFile != null) {
            if (saslUser == null || saslPasswordFile == null) {
                throw new CommandFailure("--sasl-user and --sasl-password-file go together");
            }
            Map<String, String> env = new HashMap<>();
            env.put(KafkaClientSecurity.PROTOCOL, securityProtocol != null ? securityProtocol : "SASL_PLAINTEXT");
            env.put(KafkaClientSecurity.SASL_USERNAME, saslUser);
            env.put(KafkaClientSecurity.SASL_PASSWORD_FILE, saslPasswordFile.toString());
            if (saslMechanism != null) {
                env.put(KafkaClientSecurity.SASL_MECHANISM, saslMechanism);
            }
            try {
                p.putAll(KafkaClientSecurity.from(env).clientProperties());
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(e.getMessage()
                        .replace(KafkaClientSecurity.PROTOCOL, "--security-protocol")
                        .replace(KafkaClientSecurity.SASL_MECHANISM, "--sasl-mechanism")
                        .replace(KafkaClientSecurity.SASL_PASSWORD_FILE, "--sasl-password-file")
                        .replace(KafkaClientSecurity.SASL_USERNAME, "--sasl-user"), e);
            }
        } else if (securityProtocol != null || saslMechanism != null) {
            throw new CommandFailure("--security-protocol and --sasl-mechanism go with --sasl-user");
        }
        if (properties != null) {
            for (String kv : properties) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CommandFailure("--kafka-property takes KEY=VALUE, got a value without '=' or without a key");
                }
                p.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
            }
        }
        return p;
    }
}
