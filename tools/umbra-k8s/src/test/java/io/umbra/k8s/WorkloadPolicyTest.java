package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every Umbra Deployment must have, checked on the scoring base and two rendered tenants:
 * probes on the Quarkus health endpoints, requests and limits, non-root, a read-only root filesystem
 * with a writable /tmp, and no GPU outside the scoring pool.
 */
class WorkloadPolicyTest {

    private static List<Deployment> deployments() {
        List<Deployment> all = new ArrayList<>();
        K8sDirs.parseDir("scoring/base").stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).forEach(all::add);
        for (String tenant : List.of("acme", "bank-two")) {
            all.addAll(TenantOverlay.render(tenant).resources(Deployment.class));
        }
        return all;
    }

    @Test
    void everyDeploymentHasHealthProbesResourcesNonRootAndAReadOnlyRoot() {
        List<Deployment> deployments = deployments();
        assertEquals(9, deployments.size());
        for (Deployment d : deployments) {
            String name = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), name);
            assertTrue(pod.getSecurityContext().getRunAsUser() > 0, name);
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), name + ": no service needs the Kubernetes API");
            for (Container c : pod.getContainers()) {
                assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), name);
                assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), name);
                assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), name);
                assertProbe(c.getLivenessProbe(), "/q/health/live", name);
                assertProbe(c.getReadinessProbe(), "/q/health/ready", name);
                assertProbe(c.getStartupProbe(), "/q/health/live", name);
                assertNotNull(c.getResources().getRequests().get("cpu"), name);
                assertNotNull(c.getResources().getRequests().get("memory"), name);
                assertEquals(c.getResources().getRequests().get("memory"), c.getResources().getLimits().get("memory"),
                        name + ": memory limit = request, so the JVM's heap sizing matches what the node reserves");
                VolumeMount tmp = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst().orElseThrow();
                Volume tmpVolume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst().orElseThrow();
                assertNotNull(tmpVolume.getEmptyDir(), name + ": /tmp is an emptyDir");
                // UMBRA_INSTANCE_ID = pod name: the transactional id suffix
                assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("UMBRA_INSTANCE_ID")
                        && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name")), name);
                assertFalse(c.getEnvFrom().isEmpty(), name + ": environment from its ConfigMap");
                // no GPU by default anywhere: the scoring pool gets one only through k8s/scoring/gpu (SharedManifestsTest)
                assertFalse(c.getResources().getLimits().containsKey("nvidia.com/gpu"), name + ": no GPU reserved by default");
            }
        }
    }

    /**
     * Every Kafka client logs in with SCRAM-SHA-512 over TLS as its own KafkaUser: the user name is the
     * KafkaUser's, the password file is mounted from that user's Strimzi Secret, the truststore from the
     * cluster CA Secret; and umbra-kafka's KafkaClientSecurity, which the services run, accepts the
     * variables. Every Secret a Deployment mounts is one Strimzi writes (copied by provisioning) or the
     * bank's KEK: nothing else is expected to exist.
     */
    @Test
    void everyServiceLogsInToKafkaAsItsOwnUserWithMountedStrimziSecrets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Map<String, Map<String, String>> configMaps = new java.util.HashMap<>();
        Map<String, String> users = new java.util.HashMap<>();
        List<Deployment> all = new ArrayList<>();
        for (HasMetadata r : K8sDirs.parseDir("scoring/base")) {
            if (r instanceof ConfigMap cm) {
                configMaps.put(cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName(), cm.getData());
            } else if (r instanceof Deployment d) {
                all.add(d);
                users.put(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(), ScoringPoolUser.render(java.util.Set.of()).getMetadata().getName());
            }
        }
        java.util.Set<String> strimziSecrets = new java.util.HashSet<>(java.util.Set.of(Manifests.CLUSTER_CA_SECRET, "umbra-he-scoring"));
        java.util.Set<String> bankSecrets = new java.util.HashSet<>();
        // not a Kafka login: the served models, written by provisioning (TenantServedModelTest)
        strimziSecrets.add(TenantProvisioner.POOL_MODELS);
        for (String tenant : List.of("acme", "acme-eu")) {
            TenantOverlay o = TenantOverlay.render(tenant);
            bankSecrets.addAll(TenantProvisioner.bankSecrets(io.umbra.events.TenantId.of(tenant)));
            o.resources(ConfigMap.class).forEach(cm -> configMaps.put(cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName(), cm.getData()));
            for (KafkaUser u : o.resources(KafkaUser.class)) {
                strimziSecrets.add(u.getMetadata().getName());
                users.put(o.namespace() + "/" + u.getMetadata().getLabels().get("app.kubernetes.io/name"), u.getMetadata().getName());
                assertEquals("scram-sha-512", u.getSpec().getAuthentication().getType(), u.getMetadata().getName());
            }
            all.addAll(o.resources(Deployment.class));
        }
        assertEquals(9, all.size());
        for (Deployment d : all) {
            String name = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
            Map<String, String> env = new java.util.HashMap<>();
            for (var from : d.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnvFrom()) {
                Map<String, String> data = configMaps.get(d.getMetadata().getNamespace() + "/" + from.getConfigMapRef().getName());
                assertNotNull(data, name + ": ConfigMap " + from.getConfigMapRef().getName() + " is rendered");
                env.putAll(data);
            }
            assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL"), name);
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), name);
            assertEquals(users.get(name), env.get("KAFKA_SASL_USERNAME"), name + ": logs in as its own KafkaUser");
            assertEquals(users.get(name), TenantSettingsOverlayTest.mountedFile(d, env.get("KAFKA_SASL_PASSWORD_FILE")).getSecret().getSecretName(), name);
            assertEquals(Manifests.CLUSTER_CA_SECRET, TenantSettingsOverlayTest.mountedFile(d, env.get("KAFKA_SSL_TRUSTSTORE_LOCATION")).getSecret().getSecretName(), name);
            assertEquals(Manifests.CLUSTER_CA_SECRET, TenantSettingsOverlayTest.mountedFile(d, env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE")).getSecret().getSecretName(), name);
            assertEquals("PKCS12", env.get("KAFKA_SSL_TRUSTSTORE_TYPE"), name);
            for (Volume v : d.getSpec().getTemplate().getSpec().getVolumes()) {
                if (v.getSecret() != null) {
                    String secret = v.getSecret().getSecretName();
                    assertTrue(strimziSecrets.contains(secret) || bankSecrets.contains(secret), name + " mounts Secret " + secret + ", which nobody provides");
                }
            }

            // the services' own reader of these variables accepts them (files stand in for the mounted Secrets)
            Map<String, String> kafkaEnv = new java.util.HashMap<>();
            env.forEach((k, value) -> {
                if (k.startsWith("KAFKA_") && !k.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                    kafkaEnv.put(k, value);
                }
            });
            for (String fileVar : List.of("KAFKA_SASL_PASSWORD_FILE", "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", "KAFKA_SSL_TRUSTSTORE_LOCATION")) {
                java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve(fileVar + "-" + d.getMetadata().getName()), "not-a-real-secret\n");
                kafkaEnv.put(fileVar, f.toString());
            }
            var security = io.umbra.kafka.KafkaClientSecurity.from(kafkaEnv);
            assertEquals("SASL_SSL", security.clientProperties().get("security.protocol"), name);
            assertEquals("SCRAM-SHA-512", security.clientProperties().get("sasl.mechanism"), name);
        }
    }

    private static void assertProbe(Probe probe, String path, String name) {
        assertNotNull(probe, name + " " + path);
        HTTPGetAction get = probe.getHttpGet();
        assertEquals(path, get.getPath(), name);
        // health on the management port (9000), never the API port
        assertEquals("management", get.getPort().getStrVal(), name);
    }
}
