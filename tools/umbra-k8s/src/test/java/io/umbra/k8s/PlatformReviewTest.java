package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.umbra.events.TenantId;
import io.umbra.k8s.keda.ScaledObject;
import io.umbra.k8s.monitoring.PodMonitor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests read as a platform engineer reads them (issue 16): who may reach which port, who owns
 * which field, what image runs. NetworkPolicies are evaluated, not just parsed: a connection is
 * admitted when a policy selecting the pod has an ingress rule whose peer and port both match.
 */
class PlatformReviewTest {
    static final TenantId ACME = TenantId.of("acme");
    static final TenantId ACME_EU = TenantId.of("acme-eu");

    @Test
    void noDeploymentThatKedaScalesDeclaresReplicas() {
        List<HasMetadata> all = K8sDirs.parseDir("scoring/base");
        for (HasMetadata r : all) {
            if (r instanceof ScaledObject so) {
                Deployment target = all.stream().filter(d -> d instanceof Deployment && d.getMetadata().getName().equals(so.getSpec().scaleTargetRef().name()))
                        .map(Deployment.class::cast).findFirst().orElseThrow();
                // kubectl apply sets every field the file has that differs from the live object: replicas 1 over KEDA's 6
                assertNull(target.getSpec().getReplicas(), "kubectl apply -k would reset the KEDA-scaled " + target.getMetadata().getName());
            }
        }
    }

    @Test
    void aBanksApiClientsReachItsThreeApisOnTheirPortsAndNothingElse() {
        TenantOverlay acme = TenantOverlay.render(ACME);
        Map<String, String> acmeClients = Map.of("api-client.umbra.io/acme", "true");
        assertTrue(admitted(acme, "ingest-service", 8081, acmeClients), "POST /transactions through the bank's ingress");
        assertTrue(admitted(acme, "key-service", 8084, acmeClients));
        assertTrue(admitted(acme, "alert-service", 8085, acmeClients));
        // nothing else: not the management port, not encrypt-service, not another service's API port
        assertFalse(admitted(acme, "ingest-service", 9000, acmeClients));
        assertFalse(admitted(acme, "encrypt-service", 8082, acmeClients));
        assertFalse(admitted(acme, "key-service", 8085, acmeClients));
        // another bank's clients, or an unlabelled namespace, reach nothing
        assertFalse(admitted(acme, "ingest-service", 8081, Map.of("api-client.umbra.io/acme-eu", "true")));
        assertFalse(admitted(acme, "ingest-service", 8081, Map.of()));
    }

    @Test
    void oneSharedIngressNamespaceCanFrontSeveralBanks() {
        Map<String, String> sharedIngress = Map.of("kubernetes.io/metadata.name", "ingress-nginx",
                "api-client.umbra.io/acme", "true", "api-client.umbra.io/acme-eu", "true");
        for (TenantId t : List.of(ACME, ACME_EU)) {
            TenantOverlay o = TenantOverlay.render(t);
            assertTrue(admitted(o, "ingest-service", 8081, sharedIngress), t.value());
            assertTrue(admitted(o, "alert-service", 8085, sharedIngress), t.value());
        }
    }

    @Test
    void metricsAreOnTheManagementPortOnlyAndAPodMonitorScrapesEveryService() {
        TenantOverlay acme = TenantOverlay.render(ACME);
        Map<String, String> monitoring = Map.of("umbra.io/monitoring", "true");
        PodMonitor monitor = (PodMonitor) TenantOverlay.podMonitor(ACME, acme.namespace());
        assertEquals("management", monitor.getSpec().podMetricsEndpoints().getFirst().port());
        assertEquals("/q/metrics", monitor.getSpec().podMetricsEndpoints().getFirst().path());
        for (Deployment d : acme.resources(Deployment.class)) {
            String name = d.getMetadata().getName();
            Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertEquals(List.of(9000), c.getPorts().stream().filter(p -> p.getName().equals("management")).map(ContainerPort::getContainerPort).toList(), name);
            ConfigMap env = acme.resources(ConfigMap.class).stream().filter(cm -> cm.getMetadata().getName().equals(name)).findFirst().orElseThrow();
            assertEquals("true", env.getData().get("QUARKUS_MANAGEMENT_ENABLED"), name);
            assertEquals("9000", env.getData().get("QUARKUS_MANAGEMENT_PORT"), name);
            assertTrue(matches(monitor.getSpec().selector(), d.getSpec().getTemplate().getMetadata().getLabels()), "PodMonitor selects " + name);
            assertTrue(admitted(acme, name, 9000, monitoring), "Prometheus scrapes " + name);
            int api = c.getPorts().stream().filter(p -> p.getName().equals("http")).findFirst().orElseThrow().getContainerPort();
            assertFalse(admitted(acme, name, api, monitoring), "Prometheus reaches " + name + "'s API port");
        }
        PodMonitor pool = (PodMonitor) ManifestParser.parseAll(Manifests.read("monitoring/scoring-pod-monitor.yaml"), "scoring").getFirst();
        Deployment scoring = SharedManifestsTest.only(K8sDirs.parseDir("scoring/base"), Deployment.class);
        assertTrue(matches(pool.getSpec().selector(), scoring.getSpec().getTemplate().getMetadata().getLabels()));
    }

    @Test
    void everyImageReferenceIsImmutable() {
        List<Deployment> deployments = new ArrayList<>(TenantOverlay.render(ACME).resources(Deployment.class));
        Deployment scoring = SharedManifestsTest.only(K8sDirs.parseDir("scoring/base"), Deployment.class);
        for (Kustomization.Image image : Kustomization.read("scoring/base").images()) {
            scoring.getSpec().getTemplate().getSpec().getContainers().forEach(c -> {
                if (c.getImage().equals(image.name())) {
                    c.setImage(image.apply());
                }
            });
        }
        deployments.add(scoring);
        for (Deployment d : deployments) {
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                String image = c.getImage();
                boolean digest = image.contains("@sha256:");
                String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
                assertTrue(digest || (!tag.isEmpty() && !tag.endsWith("-SNAPSHOT") && !tag.equals("latest")),
                        d.getMetadata().getName() + ": " + image + " is not a release tag or a digest");
            }
        }
    }

    @Test
    void theScoringPoolIsStartedWithWhatTheEnvironmentContractRequires() {
        List<HasMetadata> all = K8sDirs.parseDir("scoring/base");
        ConfigMap env = SharedManifestsTest.only(all, ConfigMap.class);
        Deployment d = SharedManifestsTest.only(all, Deployment.class);
        java.util.Set<String> names = new java.util.HashSet<>(env.getData().keySet());
        d.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().forEach(e -> names.add(e.getName()));
        assertTrue(names.containsAll(ServiceEnvironment.required(ServiceEnvironment.Role.HE_SCORING)), names.toString());
        assertFalse(names.contains(ServiceEnvironment.UMBRA_TENANT), "the pool serves every tenant");
        assertEquals(Integer.toString(ServiceEnvironment.MANAGEMENT_PORT), env.getData().get(ServiceEnvironment.QUARKUS_MANAGEMENT_PORT));
    }

    @Test
    void theEnvironmentBuilderRefusesAServiceWithoutWhatItRequires() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ServiceEnvironment.forService(ServiceEnvironment.Role.KEY).kafka("k:9092").instanceId("acme-key-service-0")
                        .http("127.0.0.1", 8084).tenant(ACME).build());
        assertTrue(e.getMessage().contains(ServiceEnvironment.UMBRA_KEYS_DIR), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ServiceEnvironment.forService(ServiceEnvironment.Role.HE_SCORING).tenant(ACME));
    }

    /** Whether a connection from a namespace labelled {@code from} to {@code port} of {@code service}'s pods is admitted. */
    static boolean admitted(TenantOverlay overlay, String service, int port, Map<String, String> from) {
        Deployment d = overlay.resources(Deployment.class).stream().filter(x -> x.getMetadata().getName().equals(service)).findFirst().orElseThrow();
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        List<ContainerPort> ports = d.getSpec().getTemplate().getSpec().getContainers().getFirst().getPorts();
        for (NetworkPolicy np : overlay.resources(NetworkPolicy.class)) {
            if (!np.getSpec().getPolicyTypes().contains("Ingress") || !matches(np.getSpec().getPodSelector(), podLabels) || np.getSpec().getIngress() == null) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
                boolean peer = rule.getFrom().stream().anyMatch(p -> peerMatches(p, from));
                boolean portOk = rule.getPorts().stream().anyMatch(p -> portMatches(p, port, ports));
                if (peer && portOk) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean peerMatches(NetworkPolicyPeer peer, Map<String, String> nsLabels) {
        // a peer with only a namespaceSelector: every pod of the matching namespaces
        return peer.getNamespaceSelector() != null && peer.getPodSelector() == null && matches(peer.getNamespaceSelector(), nsLabels);
    }

    private static boolean portMatches(NetworkPolicyPort p, int port, List<ContainerPort> ports) {
        if (p.getPort().getIntVal() != null) {
            return p.getPort().getIntVal() == port;
        }
        return ports.stream().anyMatch(cp -> cp.getName().equals(p.getPort().getStrVal()) && cp.getContainerPort() == port);
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null) {
            for (var e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (var ex : selector.getMatchExpressions()) {
                boolean in = ex.getValues().contains(labels.get(ex.getKey()));
                if (ex.getOperator().equals("In") != in) {
                    return false;
                }
            }
        }
        return true;
    }
}
