package io.umbra.k8s;

import io.umbra.events.TenantId;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The services' environment contract, written once: which variables each Umbra service is started with,
 * for both places that start them. The Kubernetes renderer ({@link TenantOverlay}) refuses a template
 * whose Deployment would start a service without one of its {@link #required required} variables, and
 * the local run (umbra-local's {@code LocalPipeline}) builds each child process's environment with
 * {@link #forService}. What the variables mean is in docs/PIPELINE.md; Kafka's login variables are read
 * by umbra-kafka's {@code KafkaClientSecurity}.
 *
 * <p>What it must never do: carry a secret. Passwords and keys travel as paths of files
 * ({@value #KAFKA_SASL_PASSWORD_FILE}, {@value #KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE}), so they stay out
 * of {@code /proc/<pid>/environ}, the pod spec and every log.
 */
public final class ServiceEnvironment {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String KAFKA_SECURITY_PROTOCOL = "KAFKA_SECURITY_PROTOCOL";
    public static final String KAFKA_SASL_MECHANISM = "KAFKA_SASL_MECHANISM";
    public static final String KAFKA_SASL_USERNAME = "KAFKA_SASL_USERNAME";
    public static final String KAFKA_SASL_PASSWORD_FILE = "KAFKA_SASL_PASSWORD_FILE";
    public static final String KAFKA_SSL_TRUSTSTORE_LOCATION = "KAFKA_SSL_TRUSTSTORE_LOCATION";
    public static final String KAFKA_SSL_TRUSTSTORE_TYPE = "KAFKA_SSL_TRUSTSTORE_TYPE";
    public static final String KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE = "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE";
    /** The tenant a bank-zone service serves; never given to the scoring pool. */
    public static final String UMBRA_TENANT = "UMBRA_TENANT";
    /** Stable for the instance's life: the suffix of its transactional id (the pod name on Kubernetes). */
    public static final String UMBRA_INSTANCE_ID = "UMBRA_INSTANCE_ID";
    public static final String QUARKUS_HTTP_PORT = "QUARKUS_HTTP_PORT";
    public static final String QUARKUS_HTTP_HOST = "QUARKUS_HTTP_HOST";
    /** Whether health and metrics leave the API port for {@value #QUARKUS_MANAGEMENT_PORT}. */
    public static final String QUARKUS_MANAGEMENT_ENABLED = "QUARKUS_MANAGEMENT_ENABLED";
    public static final String QUARKUS_MANAGEMENT_PORT = "QUARKUS_MANAGEMENT_PORT";
    /** Kafka Streams' state (ingest, alert): rebuilt from changelogs when empty. */
    public static final String UMBRA_STATE_DIR = "UMBRA_STATE_DIR";
    /** The key-service's wrapped key store. */
    public static final String UMBRA_KEYS_DIR = "UMBRA_KEYS_DIR";
    /** The encrypt-service's pinned bundle-verification key (one file). */
    public static final String UMBRA_BUNDLE_VERIFICATION_KEY_FILE = "UMBRA_BUNDLE_VERIFICATION_KEY_FILE";
    /** The scoring pool's pinned keys, {@code <tenant>.json} each. */
    public static final String UMBRA_BUNDLE_VERIFICATION_KEYS_DIR = "UMBRA_BUNDLE_VERIFICATION_KEYS_DIR";
    /** The API's token issuer and JWK set (absent: every API call is refused, 401). */
    public static final String UMBRA_JWT_ISSUER = "UMBRA_JWT_ISSUER";
    public static final String UMBRA_JWT_JWKS = "UMBRA_JWT_JWKS";
    /** The encrypt-service's batch-signing key directory (wrapped key and its public half; docs/SECURITY.md). */
    public static final String UMBRA_BATCH_SIGNING_DIR = "UMBRA_BATCH_SIGNING_DIR";
    /** The key-service's pinned batch-verification key (the encrypt-service's batch-verification.json); the key-service refuses to start without it. */
    public static final String UMBRA_BATCH_VERIFICATION_KEY_FILE = "UMBRA_BATCH_VERIFICATION_KEY_FILE";
    /** The production profile: refuse to start without TLS to Kafka, an explicit token issuer and an https key set. */
    public static final String UMBRA_PRODUCTION = "UMBRA_PRODUCTION";
    /** The key-encryption key in a KMS (absent: the key-service reads the bank's KEK file). */
    public static final String UMBRA_KEK_URI = "UMBRA_KEK_URI";
    /** The local key-encryption keyset in a file of its own (absent: {@code kek.keyset} in the service's key directory). */
    public static final String UMBRA_KEK_FILE = "UMBRA_KEK_FILE";
    /**
     * The HE engine's backend for a service that computes (encrypt, scoring, key): {@code auto} (default),
     * {@code java}, {@code native}, {@code cuda} or {@code seal}; see he/he-core's README.
     */
    public static final String UMBRA_HE_BACKEND = "UMBRA_HE_BACKEND";
    /** Where Kubernetes serves health and metrics (k8s/README.md, "Ports"). */
    public static final int MANAGEMENT_PORT = 9000;

    /** The services, by their module (and Deployment) name. */
    public enum Role {
        INGEST("ingest-service", true),
        ENCRYPT("encrypt-service", false),
        HE_SCORING("he-scoring-service", false),
        KEY("key-service", true),
        ALERT("alert-service", true);

        private final String module;
        private final boolean api;

        Role(String module, boolean api) {
            this.module = module;
            this.api = api;
        }

        public String module() {
            return module;
        }

        /** Whether it serves a bank-facing API that checks tokens ({@value #UMBRA_JWT_ISSUER}, {@value #UMBRA_JWT_JWKS}). */
        public boolean servesApi() {
            return api;
        }

        public boolean perTenant() {
            return this != HE_SCORING;
        }

        public static Role ofModule(String module) {
            for (Role r : values()) {
                if (r.module.equals(module)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("no Umbra service named " + module);
        }
    }

    private ServiceEnvironment() {
    }

    /**
     * What {@code role} cannot start without (tuning variables with defaults are not listed). Both places
     * that start services give all of it: the Kubernetes template and the local run. Not listed, because
     * the local run rightly starts without them: {@value #UMBRA_PRODUCTION} (the local broker has no TLS,
     * so a production service would refuse it; the Kubernetes template sets it on every service, checked by
     * umbra-k8s's tests) and the key-encryption key's {@value #UMBRA_KEK_FILE} / {@value #UMBRA_KEK_URI}
     * (locally {@code kek.keyset} in the service's own directory).
     */
    public static Set<String> required(Role role) {
        Set<String> out = new LinkedHashSet<>(List.of(KAFKA_BOOTSTRAP_SERVERS, UMBRA_INSTANCE_ID, QUARKUS_HTTP_PORT));
        if (role.perTenant()) {
            out.add(UMBRA_TENANT);
        }
        switch (role) {
            case INGEST, ALERT -> out.add(UMBRA_STATE_DIR);
            case KEY -> out.addAll(List.of(UMBRA_KEYS_DIR, UMBRA_BATCH_VERIFICATION_KEY_FILE));
            case ENCRYPT -> out.addAll(List.of(UMBRA_BUNDLE_VERIFICATION_KEY_FILE, UMBRA_BATCH_SIGNING_DIR));
            case HE_SCORING -> out.add(UMBRA_BUNDLE_VERIFICATION_KEYS_DIR);
        }
        return Collections.unmodifiableSet(out);
    }

    /** The variables a SCRAM login over {@code protocol} takes (a TLS truststore is added with {@link Builder#kafkaTruststore}). */
    public static List<String> scramLogin() {
        return List.of(KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE);
    }

    /** {@code role}'s variables, checked against {@link #required} when built. */
    public static Builder forService(Role role) {
        return new Builder(role);
    }

    /** One service's environment, in the contract's names. */
    public static final class Builder {
        private final Role role;
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(Role role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        public Builder kafka(String bootstrapServers) {
            return put(KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        }

        /** SCRAM-SHA-512 as {@code user}, the password in {@code passwordFile} (never the password itself). */
        public Builder kafkaScram(String protocol, String user, String passwordFile) {
            return put(KAFKA_SECURITY_PROTOCOL, protocol).put(KAFKA_SASL_MECHANISM, "SCRAM-SHA-512")
                    .put(KAFKA_SASL_USERNAME, user).put(KAFKA_SASL_PASSWORD_FILE, passwordFile);
        }

        public Builder kafkaTruststore(String location, String type, String passwordFile) {
            return put(KAFKA_SSL_TRUSTSTORE_LOCATION, location).put(KAFKA_SSL_TRUSTSTORE_TYPE, type)
                    .put(KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE, passwordFile);
        }

        /** The tenant of a bank-zone service; refused for the scoring pool, which serves every tenant. */
        public Builder tenant(TenantId tenant) {
            if (!role.perTenant()) {
                throw new IllegalArgumentException(role.module() + " serves every tenant: it is never given " + UMBRA_TENANT);
            }
            return put(UMBRA_TENANT, tenant.value());
        }

        public Builder instanceId(String id) {
            return put(UMBRA_INSTANCE_ID, id);
        }

        public Builder http(String host, int port) {
            return put(QUARKUS_HTTP_HOST, host).put(QUARKUS_HTTP_PORT, Integer.toString(port));
        }

        /** Health and metrics on {@code port} ({@code enabled}), or on the API port (not). */
        public Builder management(boolean enabled, int port) {
            put(QUARKUS_MANAGEMENT_ENABLED, Boolean.toString(enabled));
            return enabled ? put(QUARKUS_MANAGEMENT_PORT, Integer.toString(port)) : this;
        }

        public Builder stateDir(String dir) {
            return put(UMBRA_STATE_DIR, dir);
        }

        /** The paths each role keeps its own files in: the key store, the pinned key, the pinned keys' directory. */
        public Builder keysDir(String dir) {
            return put(UMBRA_KEYS_DIR, dir);
        }

        public Builder pinnedKeyFile(String file) {
            return put(UMBRA_BUNDLE_VERIFICATION_KEY_FILE, file);
        }

        /** The encrypt-service's batch-signing key directory. */
        public Builder batchSigningDir(String dir) {
            return put(UMBRA_BATCH_SIGNING_DIR, dir);
        }

        /** The key-service's pinned batch-verification key. */
        public Builder batchVerificationKeyFile(String file) {
            return put(UMBRA_BATCH_VERIFICATION_KEY_FILE, file);
        }

        public Builder pinnedKeysDir(String dir) {
            return put(UMBRA_BUNDLE_VERIFICATION_KEYS_DIR, dir);
        }

        /** The API's token issuer; ignored by a service without an API. */
        public Builder apiTokens(String issuer, String jwks) {
            return role.servesApi() ? put(UMBRA_JWT_ISSUER, issuer).put(UMBRA_JWT_JWKS, jwks) : this;
        }

        /** The HE backend of a service that computes; refused for ingest and alert, which compute nothing of HE. */
        public Builder heBackend(String backend) {
            if (role == Role.INGEST || role == Role.ALERT) {
                throw new IllegalArgumentException(role.module() + " runs no HE operation: it takes no " + UMBRA_HE_BACKEND);
            }
            return put(UMBRA_HE_BACKEND, backend);
        }

        private Builder put(String name, String value) {
            env.put(name, Objects.requireNonNull(value, name));
            return this;
        }

        /** The variables; an IllegalStateException naming what {@link #required} lacks. */
        public Map<String, String> build() {
            List<String> missing = required(role).stream().filter(v -> !env.containsKey(v)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException(role.module() + " would start without " + missing);
            }
            return Collections.unmodifiableMap(new LinkedHashMap<>(env));
        }
    }
}
