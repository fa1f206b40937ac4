package io.umbra.local;

/**
 * The five services of the pipeline, as the local run starts them: the Maven module (and so the jar),
 * the HTTP port offset of docs/PIPELINE.md (tenant 1 at base + 1…5, tenant 2 at base + 11…15; the shared
 * scoring pool at base + 3), and a heap that fits a laptop.
 */
public enum Service {
    INGEST("ingest-service", 1, 384),
    ENCRYPT("encrypt-service", 2, 384),
    /** The shared scoring pool: one process for every tenant, never given a tenant or a secret key. */
    HE_SCORING("he-scoring-service", 3, 768),
    KEY("key-service", 4, 384),
    ALERT("alert-service", 5, 384);

    private final String module;
    private final int portOffset;
    private final int heapMb;

    Service(String module, int portOffset, int heapMb) {
        this.module = module;
        this.portOffset = portOffset;
        this.heapMb = heapMb;
    }

    /** The Maven module, directory and service name: {@code ingest-service}. */
    public String module() {
        return module;
    }

    /** Added to the base port (and 10 per tenant for per-tenant services). */
    public int portOffset() {
        return portOffset;
    }

    /** {@code -Xmx} in MiB. */
    public int heapMb() {
        return heapMb;
    }

    /** Whether each tenant gets its own instance (every service but the scoring pool). */
    public boolean perTenant() {
        return this != HE_SCORING;
    }

    /** The packaged jar under the repository root. */
    public String jarPath() {
        return module + "/target/quarkus-app/quarkus-run.jar";
    }

    /** The command line that starts it: {@code launcher}, {@code java} with a laptop's settings and {@code jvmOptions}, its jar. */
    public java.util.List<String> command(java.util.List<String> launcher, String java, java.util.List<String> jvmOptions, java.nio.file.Path root) {
        java.util.List<String> command = new java.util.ArrayList<>(launcher);
        command.add(java);
        command.add("-Xmx" + heapMb + "m");
        // A laptop runs nine JVMs: the serial collector needs no GC threads and keeps footprints small.
        command.add("-XX:+UseSerialGC");
        command.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            // Kafka's clients still call sun.misc.Unsafe (memory-mapped indexes); JDK 24+ warns on stderr otherwise.
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(root.resolve(jarPath()).toString());
        return command;
    }

    /**
     * What a local run adds to this service's environment beyond the deployment contract (io.umbra.k8s.ServiceEnvironment):
     * the API services' Swagger UI (built in, off by default) on their management port, and for the encrypt-service and
     * the pool a score envelope limit other than the default ({@code maxEnvelopeBytes}, e.g. a network on schema 2).
     */
    java.util.Map<String, String> localRunExtras(int maxEnvelopeBytes) {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        if (this == INGEST || this == KEY || this == ALERT) {
            env.put("QUARKUS_SWAGGER_UI_ENABLE", "true");
        }
        if (maxEnvelopeBytes != io.umbra.events.Topics.MAX_ENVELOPE_BYTES && (this == ENCRYPT || this == HE_SCORING)) {
            env.put("UMBRA_MAX_ENVELOPE_BYTES", Integer.toString(maxEnvelopeBytes));
        }
        return env;
    }

    /** The service whose module is {@code name}, or an IllegalArgumentException. */
    public static Service ofModule(String name) {
        for (Service s : values()) {
            if (s.module.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no service named " + name);
    }
}
