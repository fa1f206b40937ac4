package io.umbra.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * How a service's Kafka clients log in to the broker, read once from the environment: the settings every
 * producer, consumer, admin client and Kafka Streams instance of a service adds to its configuration.
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><td>{@code KAFKA_SECURITY_PROTOCOL}</td><td>{@code PLAINTEXT} (default), {@code SASL_PLAINTEXT}, {@code SASL_SSL}, {@code SSL}</td></tr>
 *   <tr><td>{@code KAFKA_SASL_MECHANISM}</td><td>{@code SCRAM-SHA-512} (default with SASL), {@code SCRAM-SHA-256}, {@code PLAIN}</td></tr>
 *   <tr><td>{@code KAFKA_SASL_USERNAME}</td><td>the service's principal (required with SASL)</td></tr>
 *   <tr><td>{@code KAFKA_SASL_PASSWORD} or {@code KAFKA_SASL_PASSWORD_FILE}</td><td>its password, or a file holding it (a mounted secret; one trailing newline is ignored)</td></tr>
 *   <tr><td>{@code KAFKA_SSL_TRUSTSTORE_LOCATION}, {@code _TYPE}, {@code _PASSWORD} or {@code _PASSWORD_FILE}</td><td>the CA the broker's certificate is checked against (else the JVM's)</td></tr>
 *   <tr><td>{@code KAFKA_SSL_KEYSTORE_LOCATION}, {@code _TYPE}, {@code _PASSWORD} or {@code _PASSWORD_FILE}, {@code KAFKA_SSL_KEY_PASSWORD}</td><td>the client certificate for mutual TLS</td></tr>
 * </table>
 *
 * <p>Contradictions are startup errors naming the variable: an unknown protocol or mechanism, SASL without
 * a user or password, credentials or stores given for a protocol that would ignore them (a credential
 * silently unused is a misconfiguration nobody notices). Passwords never appear in an exception,
 * {@link #toString} or a log line: in {@link #clientProperties} they are Kafka {@link Password}s, which
 * print as {@code [hidden]}.
 */
public final class KafkaClientSecurity {
    public static final String PROTOCOL = "KAFKA_SECURITY_PROTOCOL";
    public static final String SASL_MECHANISM = "KAFKA_SASL_MECHANISM";
    public static final String SASL_USERNAME = "KAFKA_SASL_USERNAME";
    public static final String SASL_PASSWORD = "KAFKA_SASL_PASSWORD";
    public static final String SASL_PASSWORD_FILE = "KAFKA_SASL_PASSWORD_FILE";
    public static final String TRUSTSTORE_LOCATION = "KAFKA_SSL_TRUSTSTORE_LOCATION";
    public static final String TRUSTSTORE_TYPE = "KAFKA_SSL_TRUSTSTORE_TYPE";
    public static final String TRUSTSTORE_PASSWORD = "KAFKA_SSL_TRUSTSTORE_PASSWORD";
    public static final String KEYSTORE_LOCATION = "KAFKA_SSL_KEYSTORE_LOCATION";
    public static final String KEYSTORE_TYPE = "KAFKA_SSL_KEYSTORE_TYPE";
    public static final String KEYSTORE_PASSWORD = "KAFKA_SSL_KEYSTORE_PASSWORD";
    public static final String KEY_PASSWORD = "KAFKA_SSL_KEY_PASSWORD";
    private static final String FILE_SUFFIX = "_FILE";

    /** The broker connection's protocol, as Kafka's {@code security.protocol} names it. */
    public enum Protocol {
        PLAINTEXT(false, false), SASL_PLAINTEXT(true, false), SASL_SSL(true, true), SSL(false, true);

        private final boolean sasl;
        private final boolean tls;

        Protocol(boolean sasl, boolean tls) {
            this.sasl = sasl;
            this.tls = tls;
        }

        public boolean sasl() {
            return sasl;
        }

        public boolean tls() {
            return tls;
        }
    }

    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");

    private static volatile KafkaClientSecurity fromProcess;

    private final Protocol protocol;
    private final Map<String, Object> properties;
    private final String summary;

    private KafkaClientSecurity(Protocol protocol, Map<String, Object> properties, String summary) {
        this.protocol = protocol;
        this.properties = Collections.unmodifiableMap(properties);
        this.summary = summary;
    }

    /**
     * The settings of this process's environment, read on first call and kept (a mounted password file is
     * read then too). An {@link IllegalArgumentException} naming the variable if they are contradictory.
     */
    public static KafkaClientSecurity fromEnvironment() {
        KafkaClientSecurity s = fromProcess;
        if (s == null) {
            synchronized (KafkaClientSecurity.class) {
                s = fromProcess;
                if (s == null) {
                    s = from(System.getenv());
                    fromProcess = s;
                }
            }
        }
        return s;
    }

    /** The settings of {@code env} (variable name to value), as {@link #fromEnvironment} reads them; for tests and tools. */
    public static KafkaClientSecurity from(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Protocol protocol = protocol(env);
        ProductionProfile.requireTls(env, protocol);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name());
        StringBuilder summary = new StringBuilder(protocol.name());

        if (protocol.sasl()) {
            String mechanism = value(env, SASL_MECHANISM);
            mechanism = mechanism == null ? "SCRAM-SHA-512" : mechanism.toUpperCase(Locale.ROOT);
            String module = LOGIN_MODULES.get(mechanism);
            if (module == null) {
                throw invalid(SASL_MECHANISM + "=" + mechanism + " is not supported; use one of " + String.join(", ", LOGIN_MODULES.keySet()));
            }
            String user = value(env, SASL_USERNAME);
            if (user == null) {
                throw invalid(SASL_USERNAME + " is required with " + PROTOCOL + "=" + protocol);
            }
            requireJaasSafe(SASL_USERNAME, user);
            String password = secret(env, SASL_PASSWORD, true);
            requireJaasSafe(SASL_PASSWORD, password);
            p.put(SaslConfigs.SASL_MECHANISM, mechanism);
            p.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(module + " required username=\"" + jaasQuoted(user)
                    + "\" password=\"" + jaasQuoted(password) + "\";"));
            summary.append(", ").append(mechanism).append(" as user '").append(user).append('\'');
        } else {
            refuseUnused(env, protocol, SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD, SASL_PASSWORD_FILE);
        }

        if (protocol.tls()) {
            String truststore = store(env, TRUSTSTORE_LOCATION);
            if (truststore != null) {
                p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore);
                putIfPresent(p, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, value(env, TRUSTSTORE_TYPE));
                String pw = secret(env, TRUSTSTORE_PASSWORD, false);
                if (pw != null) {
                    p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, new Password(pw));
                }
                summary.append(", truststore ").append(truststore);
            } else {
                refuseWithout(env, TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD, TRUSTSTORE_PASSWORD + FILE_SUFFIX);
                summary.append(", the JVM's trusted CAs");
            }
            String keystore = store(env, KEYSTORE_LOCATION);
            if (keystore != null) {
                p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore);
                putIfPresent(p, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, value(env, KEYSTORE_TYPE));
                String pw = secret(env, KEYSTORE_PASSWORD, false);
                if (pw != null) {
                    p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, new Password(pw));
                }
                String keyPw = secret(env, KEY_PASSWORD, false);
                if (keyPw != null) {
                    p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(keyPw));
                }
                summary.append(", client certificate from ").append(keystore);
            } else {
                refuseWithout(env, KEYSTORE_LOCATION, KEYSTORE_TYPE, KEYSTORE_PASSWORD, KEYSTORE_PASSWORD + FILE_SUFFIX,
                        KEY_PASSWORD, KEY_PASSWORD + FILE_SUFFIX);
                if (protocol == Protocol.SSL) {
                    summary.append(", no client certificate (the broker must not require mutual TLS)");
                }
            }
        } else {
            refuseUnused(env, protocol, TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD, TRUSTSTORE_PASSWORD + FILE_SUFFIX,
                    KEYSTORE_LOCATION, KEYSTORE_TYPE, KEYSTORE_PASSWORD, KEYSTORE_PASSWORD + FILE_SUFFIX, KEY_PASSWORD, KEY_PASSWORD + FILE_SUFFIX);
        }
        return new KafkaClientSecurity(protocol, p, summary.toString());
    }

    public Protocol protocol() {
        return protocol;
    }

    /**
     * The client properties ({@code security.protocol} always; SASL and TLS settings as configured), to add
     * to every producer, consumer, admin client or Kafka Streams configuration. Secret values are Kafka
     * {@link Password}s, which every Kafka client accepts and which print as {@code [hidden]}.
     */
    public Map<String, Object> clientProperties() {
        return properties;
    }

    /**
     * Adds {@link #clientProperties} to {@code config} and returns it. A different value already there for
     * one of them is refused (naming the property, never the value): a client must not log in otherwise
     * than the service's environment says.
     */
    public <M extends Map<String, Object>> M addTo(M config) {
        properties.forEach((key, value) -> {
            Object given = config.get(key);
            if (given != null && !plain(given).equals(plain(value))) {
                throw invalid("the client configuration already sets " + key + " differently from the service's "
                        + "Kafka security settings (" + PROTOCOL + " and related variables); remove it there");
            }
            config.put(key, value);
        });
        return config;
    }

    /** {@link #addTo(Map)} for a {@link Properties} configuration. */
    public Properties addTo(Properties config) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Object> asMap = (Map) config;
        addTo(asMap);
        return config;
    }

    /**
     * The same settings as plain strings, each key prefixed with {@code prefix} (e.g. {@code kafka-streams.})
     * and every {@code $} doubled, for a MicroProfile/SmallRye configuration source: SmallRye expands
     * {@code ${…}} in values (and names the unexpandable part in its error), so a password holding one would
     * be altered or quoted; {@code $$} reads back as {@code $}. These strings hold the passwords: hand them
     * to the configuration only, never to a log.
     */
    public Map<String, String> expressionEscapedConfig(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((key, value) -> out.put(prefix + key, plain(value).replace("$", "$$")));
        return out;
    }

    /** What the clients do, for a startup log line: protocol, mechanism, user, stores; never a password. */
    @Override
    public String toString() {
        return "Kafka client security: " + summary;
    }

    private static String plain(Object value) {
        return value instanceof Password pw ? pw.value() : String.valueOf(value).trim();
    }

    private static Protocol protocol(Map<String, String> env) {
        String raw = value(env, PROTOCOL);
        if (raw == null) {
            return Protocol.PLAINTEXT;
        }
        try {
            return Protocol.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(PROTOCOL + "=" + raw + " is not a Kafka security protocol; use one of "
                    + Arrays.stream(Protocol.values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }

    /** The secret in {@code name} or in the file named by {@code name_FILE}; exactly one of them when {@code required}. */
    private static String secret(Map<String, String> env, String name, boolean required) {
        String direct = env.get(name);
        String file = value(env, name + FILE_SUFFIX);
        if (direct != null && !direct.isEmpty() && file != null) {
            throw invalid("both " + name + " and " + name + FILE_SUFFIX + " are set; set one");
        }
        if (file != null) {
            String read;
            try {
                read = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                // the file's content is never quoted, only its path and what went wrong
                throw invalid(name + FILE_SUFFIX + "=" + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            if (read.endsWith("\r\n")) {
                read = read.substring(0, read.length() - 2);
            } else if (read.endsWith("\n")) {
                read = read.substring(0, read.length() - 1);
            }
            if (read.isEmpty()) {
                throw invalid(name + FILE_SUFFIX + "=" + file + " is empty");
            }
            return read;
        }
        if (direct != null && !direct.isEmpty()) {
            return direct;
        }
        if (required) {
            throw invalid(name + " or " + name + FILE_SUFFIX + " is required with " + SASL_USERNAME);
        }
        return null;
    }

    private static String store(Map<String, String> env, String name) {
        String location = value(env, name);
        if (location != null && !Files.isReadable(Path.of(location))) {
            throw invalid(name + "=" + location + " is not a readable file");
        }
        return location;
    }

    private static void refuseUnused(Map<String, String> env, Protocol protocol, String... names) {
        List<String> set = Arrays.stream(names).filter(n -> value(env, n) != null).toList();
        if (!set.isEmpty()) {
            throw invalid(String.join(", ", set) + (set.size() == 1 ? " is" : " are") + " set, but " + PROTOCOL + "=" + protocol
                    + " does not use " + (set.size() == 1 ? "it" : "them") + ": set the protocol that does, or remove "
                    + (set.size() == 1 ? "it" : "them"));
        }
    }

    private static void refuseWithout(Map<String, String> env, String location, String... dependents) {
        List<String> set = Arrays.stream(dependents).filter(n -> value(env, n) != null).toList();
        if (!set.isEmpty()) {
            throw invalid(String.join(", ", set) + " set without " + location);
        }
    }

    private static void requireJaasSafe(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                // the JAAS line is one quoted string per value; never quote the value itself
                throw invalid(name + " contains a control character (a line break?), which a JAAS login line cannot carry");
            }
        }
    }

    /** The value inside a JAAS double-quoted string: Kafka's parser takes backslash escapes there. */
    static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void putIfPresent(Map<String, Object> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException("Kafka client security: " + message);
    }
}
