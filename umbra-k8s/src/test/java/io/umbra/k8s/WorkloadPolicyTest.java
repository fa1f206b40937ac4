package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

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
                boolean scoring = d.getMetadata().getNamespace().equals("umbra-scoring");
                assertEquals(scoring, c.getResources().getLimits().containsKey("nvidia.com/gpu"), name + ": GPUs only in the scoring pool");
            }
        }
    }

    private static void assertProbe(Probe probe, String path, String name) {
        assertNotNull(probe, name + " " + path);
        HTTPGetAction get = probe.getHttpGet();
        assertEquals(path, get.getPath(), name);
        assertEquals("http", get.getPort().getStrVal(), name);
    }
}
