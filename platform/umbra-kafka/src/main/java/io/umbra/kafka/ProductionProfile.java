package io.umbra.kafka;

import java.util.Locale;
import java.util.Map;

/**
 * The production profile ({@code UMBRA_PRODUCTION=true}, set by the Kubernetes manifests): a service
 * refuses to start rather than fall back to a development default. Here, for every service, the Kafka
 * connection must use TLS ({@code SSL} or {@code SASL_SSL}); umbra-auth's {@code ProductionJwtCheck}
 * adds, for the services with an API, an explicit token issuer and an https (or mounted-file) key set.
 * Without the variable (the local run, tests) the defaults stay as documented in docs/PIPELINE.md.
 */
public final class ProductionProfile {
    /** The variable that turns the profile on. */
    public static final String VARIABLE = "UMBRA_PRODUCTION";

    private ProductionProfile() {
    }

    /** Whether {@code env} asks for the production profile. */
    public static boolean on(Map<String, String> env) {
        String v = env.get(VARIABLE);
        return v != null && v.strip().toLowerCase(Locale.ROOT).equals("true");
    }

    static void requireTls(Map<String, String> env, KafkaClientSecurity.Protocol protocol) {
        if (on(env) && !protocol.tls()) {
            throw new IllegalArgumentException(VARIABLE + "=true: KAFKA_SECURITY_PROTOCOL is " + protocol
                    + (env.get("KAFKA_SECURITY_PROTOCOL") == null ? " (the default)" : "")
                    + "; production connects to Kafka only over TLS: set SASL_SSL (or SSL with a client certificate) and the truststore");
        }
    }
}
