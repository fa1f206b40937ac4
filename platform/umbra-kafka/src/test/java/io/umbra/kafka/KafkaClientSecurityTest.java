package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment a service reads, turned into client properties; contradictions refused without quoting a secret. */
class KafkaClientSecurityTest {
    private static final String PASSWORD = "p\"a\\s$s ${not.an.expression}w0rd";

    @Test
    void plaintextIsTheDefaultAndAddsOnlyTheProtocol() {
        KafkaClientSecurity s = KafkaClientSecurity.from(Map.of());
        assertEquals(KafkaClientSecurity.Protocol.PLAINTEXT, s.protocol());
        assertEquals(Map.of("security.protocol", "PLAINTEXT"), s.clientProperties());
    }

    @Test
    void theProductionProfileRefusesKafkaWithoutTls() {
        for (String protocol : new String[] {null, "PLAINTEXT", "SASL_PLAINTEXT"}) {
            Map<String, String> env = new HashMap<>(Map.of("UMBRA_PRODUCTION", "true", "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", PASSWORD));
            if (protocol != null) {
                env.put("KAFKA_SECURITY_PROTOCOL", protocol);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaClientSecurity.from(env), String.valueOf(protocol));
            assertTrue(e.getMessage().contains("only over TLS"), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD));
        }
        assertEquals(KafkaClientSecurity.Protocol.SASL_SSL, KafkaClientSecurity.from(Map.of("UMBRA_PRODUCTION", "true",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", PASSWORD)).protocol());
        assertEquals(KafkaClientSecurity.Protocol.PLAINTEXT, KafkaClientSecurity.from(Map.of("UMBRA_PRODUCTION", "false")).protocol());
    }

    @Test
    void scramBuildsAJaasLineKafkaParsesBackToTheSameUserAndPassword() {
        KafkaClientSecurity s = KafkaClientSecurity.from(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "sasl_ssl", "KAFKA_SASL_USERNAME", "acme-ingest", "KAFKA_SASL_PASSWORD", PASSWORD));
        Map<String, Object> p = s.clientProperties();
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
        Password jaas = assertInstanceOf(Password.class, p.get("sasl.jaas.config"));

        // Kafka's own parser reads the options back: quoting and escaping survive any password
        JaasContext context = JaasContext.loadClientContext(Map.of("sasl.jaas.config", jaas));
        assertEquals(1, context.configurationEntries().size());
        Map<String, ?> options = context.configurationEntries().get(0).getOptions();
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", context.configurationEntries().get(0).getLoginModuleName());
        assertEquals("acme-ingest", options.get("username"));
        assertEquals(PASSWORD, options.get("password"));

        assertFalse(p.toString().contains("w0rd"), "a printed configuration hides the password: " + p);
        assertFalse(s.toString().contains("w0rd"));
        assertTrue(s.toString().contains("SCRAM-SHA-512") && s.toString().contains("acme-ingest"), s.toString());
    }

    @Test
    void thePasswordComesFromAMountedSecretFileWithoutItsTrailingNewline(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("password");
        Files.writeString(secret, "from-the-file\n", StandardCharsets.UTF_8);
        KafkaClientSecurity s = KafkaClientSecurity.from(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256", "KAFKA_SASL_USERNAME", "acme", "KAFKA_SASL_PASSWORD_FILE", secret.toString()));
        String jaas = ((Password) s.clientProperties().get("sasl.jaas.config")).value();
        assertTrue(jaas.endsWith("password=\"from-the-file\";"), "the file's content, one trailing newline dropped");
        assertEquals("SCRAM-SHA-256", s.clientProperties().get("sasl.mechanism"));

        IllegalArgumentException both = refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME", "acme",
                "KAFKA_SASL_PASSWORD", "direct-secret", "KAFKA_SASL_PASSWORD_FILE", secret.toString()));
        assertTrue(both.getMessage().contains("set one"), both.getMessage());
        IllegalArgumentException missingFile = refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME", "acme",
                "KAFKA_SASL_PASSWORD_FILE", dir.resolve("absent").toString()));
        assertTrue(missingFile.getMessage().contains("KAFKA_SASL_PASSWORD_FILE") && missingFile.getMessage().contains("cannot be read"),
                missingFile.getMessage());
    }

    @Test
    void contradictionsAreStartupErrorsThatNameTheVariableAndNeverTheSecret() {
        IllegalArgumentException protocol = refused(Map.of("KAFKA_SECURITY_PROTOCOL", "TLS"));
        assertTrue(protocol.getMessage().contains("KAFKA_SECURITY_PROTOCOL=TLS")
                && protocol.getMessage().contains("PLAINTEXT, SASL_PLAINTEXT, SASL_SSL, SSL"), protocol.getMessage());

        assertTrue(refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_PASSWORD", "hunter2-secret"))
                .getMessage().contains("KAFKA_SASL_USERNAME is required"));
        assertTrue(refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_USERNAME", "acme"))
                .getMessage().contains("KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required"));
        assertTrue(refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "GSSAPI",
                "KAFKA_SASL_USERNAME", "acme", "KAFKA_SASL_PASSWORD", "hunter2-secret")).getMessage().contains("GSSAPI is not supported"));

        // credentials a protocol would ignore are a misconfiguration, not a silent downgrade
        IllegalArgumentException unused = refused(Map.of("KAFKA_SASL_USERNAME", "acme", "KAFKA_SASL_PASSWORD", "hunter2-secret"));
        assertTrue(unused.getMessage().contains("KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD are set, but KAFKA_SECURITY_PROTOCOL=PLAINTEXT"),
                unused.getMessage());
        IllegalArgumentException newline = refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME", "acme",
                "KAFKA_SASL_PASSWORD", "hunter2-secret\nmore"));
        assertTrue(newline.getMessage().contains("control character"), newline.getMessage());
        for (IllegalArgumentException e : List.of(unused, newline)) {
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
    }

    @Test
    void tlsStoresAreCheckedAndTheirPasswordsHidden(@TempDir Path dir) throws Exception {
        Path truststore = Files.write(dir.resolve("ca.p12"), new byte[] {1});
        Path keystore = Files.write(dir.resolve("client.p12"), new byte[] {2});
        Path keystorePassword = Files.writeString(dir.resolve("ks-password"), "keystore-secret");
        KafkaClientSecurity mtls = KafkaClientSecurity.from(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(), "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "truststore-secret",
                "KAFKA_SSL_KEYSTORE_LOCATION", keystore.toString(), "KAFKA_SSL_KEYSTORE_TYPE", "PKCS12",
                "KAFKA_SSL_KEYSTORE_PASSWORD_FILE", keystorePassword.toString()));
        Map<String, Object> p = mtls.clientProperties();
        assertEquals("SSL", p.get("security.protocol"));
        assertEquals(truststore.toString(), p.get("ssl.truststore.location"));
        assertEquals("PKCS12", p.get("ssl.truststore.type"));
        assertEquals("truststore-secret", ((Password) p.get("ssl.truststore.password")).value());
        assertEquals(keystore.toString(), p.get("ssl.keystore.location"));
        assertEquals("keystore-secret", ((Password) p.get("ssl.keystore.password")).value());
        assertFalse(p.containsKey("sasl.jaas.config"));
        assertFalse(p.toString().contains("secret"), p.toString());
        assertTrue(mtls.toString().contains("client certificate from " + keystore), mtls.toString());

        assertTrue(refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_TRUSTSTORE_LOCATION", dir.resolve("nope.p12").toString()))
                .getMessage().contains("KAFKA_SSL_TRUSTSTORE_LOCATION=" + dir.resolve("nope.p12") + " is not a readable file"));
        assertTrue(refused(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_KEYSTORE_PASSWORD", "x"))
                .getMessage().contains("KAFKA_SSL_KEYSTORE_PASSWORD set without KAFKA_SSL_KEYSTORE_LOCATION"));
        assertTrue(refused(Map.of("KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString()))
                .getMessage().contains("but KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use it"));
        // the JVM's trusted CAs when no truststore is given
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"),
                withoutJaas(KafkaClientSecurity.from(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_SASL_USERNAME", "acme", "KAFKA_SASL_PASSWORD", "pw")).clientProperties()));
    }

    @Test
    void addToRefusesAClientThatWouldLogInOtherwise() {
        KafkaClientSecurity s = KafkaClientSecurity.from(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_USERNAME", "acme", "KAFKA_SASL_PASSWORD", "hunter2-secret"));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        s.addTo(props);
        assertEquals("SASL_PLAINTEXT", props.get("security.protocol"));
        assertInstanceOf(Password.class, props.get("sasl.jaas.config"));
        s.addTo(props); // the same settings twice are fine

        Map<String, Object> plaintext = new HashMap<>(Map.of("security.protocol", "PLAINTEXT"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.addTo(plaintext));
        assertTrue(e.getMessage().contains("security.protocol"), e.getMessage());
        Map<String, Object> otherJaas = new HashMap<>(Map.of("sasl.jaas.config", "x required password=\"other\";"));
        IllegalArgumentException j = assertThrows(IllegalArgumentException.class, () -> s.addTo(otherJaas));
        assertFalse(j.getMessage().contains("hunter2") || j.getMessage().contains("other\""), j.getMessage());
    }

    @Test
    void configurationSourceValuesEscapeExpressionsAndCarryThePrefix() {
        KafkaClientSecurity s = KafkaClientSecurity.from(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_USERNAME", "acme", "KAFKA_SASL_PASSWORD", "a$b${c}"));
        Map<String, String> config = s.expressionEscapedConfig("kafka-streams.");
        assertEquals("SASL_PLAINTEXT", config.get("kafka-streams.security.protocol"));
        assertEquals("SCRAM-SHA-512", config.get("kafka-streams.sasl.mechanism"));
        assertTrue(config.get("kafka-streams.sasl.jaas.config").endsWith("password=\"a$$b$${c}\";"), "every $ doubled");
        assertEquals(3, config.size());
    }

    @Test
    void theProcessEnvironmentIsReadOnce() {
        assertSame(KafkaClientSecurity.fromEnvironment(), KafkaClientSecurity.fromEnvironment());
    }

    private static Map<String, Object> withoutJaas(Map<String, Object> p) {
        Map<String, Object> copy = new HashMap<>(p);
        assertInstanceOf(Password.class, copy.remove("sasl.jaas.config"));
        return copy;
    }

    private static IllegalArgumentException refused(Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> KafkaClientSecurity.from(env));
    }
}
