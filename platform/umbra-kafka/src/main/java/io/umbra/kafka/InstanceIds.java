package io.umbra.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The instance id of a replica: the suffix of its transactional id, stable across restarts and unique
 * among live replicas (see {@link ProcessorConfig.Builder#instanceId}).
 */
public final class InstanceIds {
    private InstanceIds() {
    }

    /**
     * {@code configured} (UMBRA_INSTANCE_ID) if set, else {@code HOSTNAME} (the pod name in Kubernetes), else
     * the host name; reduced to the characters a transactional id may hold. Without any of them it fails:
     * a made-up constant would give two replicas the same transactional id, and they would fence each other.
     */
    public static String resolve(Optional<String> configured) {
        String id = configured.filter(s -> !s.isBlank()).map(String::trim).orElseGet(InstanceIds::hostName);
        return id.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("no host name to derive the instance id from: set UMBRA_INSTANCE_ID", e);
        }
    }
}
