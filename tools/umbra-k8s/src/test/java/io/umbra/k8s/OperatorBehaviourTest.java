package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provisioning against a test server that behaves like the operators around it ({@link ClusterSimulation}):
 * Strimzi's User Operator labelling its Secrets like their KafkaUser and regenerating a password whose
 * Secret is gone, CRDs serving only some versions, access reviews, and {@code kubectl apply}'s merge of a
 * custom resource. Each test here failed on the provisioner before issue 16 (see the commit message).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorBehaviourTest {
    static final TenantId ACME = TenantId.of("acme");
    static final TenantId ACME_EU = TenantId.of("acme-eu");

    static {
        TenantProvisionerTest.MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    KubernetesClient client;
    KubernetesMockServer server;
    TenantProvisioner provisioner;
    ClusterSimulation cluster;

    @BeforeEach
    void setUp() {
        provisioner = new TenantProvisioner(client, "umbra-", TenantProvisionerTest.MOCK_WRITER);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(Manifests.KAFKA_NAMESPACE).endMetadata().build()).create();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(Manifests.SCORING_NAMESPACE).endMetadata().build()).create();
        cluster = new ClusterSimulation(client, server);
    }

    @Test
    void everyServiceKeepsAValidKafkaLoginThroughRepeatedAppliesAndACaRenewal() {
        cluster.install(ClusterSimulation.STRIMZI_049);
        // no Prometheus Operator here: the PodMonitor is skipped, saying so
        assertTrue(provisioner.apply(ACME).stream().anyMatch(c -> c.kind().equals("PodMonitor") && c.outcome() == TenantProvisioner.Outcome.SKIPPED
                && c.note().contains("port 9000")));
        for (int round = 0; round < 3; round++) {
            provisioner.apply(ACME);
            provisioner.apply(ACME_EU);
            // the User Operator reacts to what apply did (a deleted Secret gets a new password)
            cluster.userOperatorReconciles();
            if (round == 1) {
                cluster.renewClusterCa("ca generation 1");
            }
        }
        provisioner.apply(ACME);
        provisioner.apply(ACME_EU);
        cluster.userOperatorReconciles();

        for (TenantId t : List.of(ACME, ACME_EU)) {
            assertLoginsValid("umbra-" + t.value());
        }
        assertLoginsValid(Manifests.SCORING_NAMESPACE);
        // no password was ever regenerated: nothing deleted what Strimzi made
        assertTrue(cluster.passwordsGenerated.values().stream().allMatch(n -> n == 1), cluster.passwordsGenerated.toString());
        // and nothing of Strimzi's was relabelled or deleted
        for (Secret s : client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).list().getItems()) {
            assertNull(s.getMetadata().getAnnotations() == null ? null : s.getMetadata().getAnnotations().get(TenantProvisioner.COPIED_FROM_ANNOTATION));
        }
    }

    @Test
    void onAStrimzi048ClusterTheTenantAppliesWholeAtV1beta2() {
        cluster.install(ClusterSimulation.STRIMZI_048).installPrometheusOperator();
        provisioner.apply(ACME);
        assertNotNull(client.resources(io.umbra.k8s.monitoring.PodMonitor.class).inNamespace("umbra-acme").withName("umbra-services").get());

        List<GenericKubernetesResource> topics = cluster.strimzi("kafkatopics");
        assertEquals(TopicSpecs.kafkaTopics(ACME).size(), topics.size());
        Set<String> versions = new TreeSet<>();
        topics.forEach(r -> versions.add(r.getApiVersion()));
        List<GenericKubernetesResource> users = cluster.strimzi("kafkausers");
        users.forEach(r -> versions.add(r.getApiVersion()));
        assertEquals(Set.of("kafka.strimzi.io/v1beta2"), versions);
        assertTrue(users.stream().anyMatch(u -> u.getMetadata().getName().equals("umbra-he-scoring")), "the pool's user");
        // applied again: nothing changes (the comparison reads the same version it writes)
        cluster.userOperatorReconciles();
        provisioner.apply(ACME);
        assertEquals(List.of(), provisioner.apply(ACME).stream().filter(c -> c.outcome() != TenantProvisioner.Outcome.UNCHANGED).toList());
    }

    @Test
    void reapplyingTheKafkaZoneLeavesThePoolReadingEveryTenant() {
        cluster.install(ClusterSimulation.STRIMZI_049);
        provisioner.apply(ACME);
        provisioner.apply(ACME_EU);
        assertEquals(Set.of("acme", "acme-eu"), poolReads());

        // the documented way to pin the Kafka version: kubectl apply -k k8s/kafka
        for (HasMetadata r : K8sDirs.parseDir("kafka")) {
            if (r instanceof CustomResource<?, ?>) {
                cluster.kubectlApply(r);
            }
        }
        assertEquals(Set.of("acme", "acme-eu"), poolReads());
    }

    @Test
    void aMissingPermissionStopsApplyBeforeAnythingIsWritten() {
        cluster.install(ClusterSimulation.STRIMZI_049);
        cluster.deny("create", "kafkausers", Manifests.KAFKA_NAMESPACE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(e.getMessage().contains("create kafkausers.kafka.strimzi.io in namespace umbra-kafka"), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was changed"), e.getMessage());
        assertNull(client.namespaces().withName("umbra-acme").get());
        assertEquals(List.of(), cluster.strimzi("kafkatopics"));
    }

    @Test
    void withoutKedaOrStrimziApplySaysWhatIsMissingAndWritesNothing() {
        cluster.install(ClusterSimulation.STRIMZI_049);
        cluster.uninstallKeda();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(e.getMessage().contains("KEDA"), e.getMessage());
        assertNull(client.namespaces().withName("umbra-acme").get());

        client.apiextensions().v1().customResourceDefinitions().withName("kafkausers.kafka.strimzi.io").delete();
        e = assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(e.getMessage().contains("kafkausers.kafka.strimzi.io"), e.getMessage());
        assertNull(client.namespaces().withName("umbra-acme").get());
    }

    @Test
    void theProvisionersRolesGrantEveryPermissionApplyChecksAndNoWildcard() {
        cluster.install(ClusterSimulation.STRIMZI_049).installPrometheusOperator();
        List<HasMetadata> rbac = K8sDirs.parseDir("provisioner");
        for (HasMetadata r : rbac) {
            List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules = r instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRole c ? c.getRules()
                    : r instanceof io.fabric8.kubernetes.api.model.rbac.Role role ? role.getRules() : List.of();
            for (var rule : rules) {
                assertTrue(!rule.getVerbs().contains("*") && !rule.getResources().contains("*") && !rule.getApiGroups().contains("*"), r.getMetadata().getName());
                if (rule.getResources().contains("secrets") && Manifests.KAFKA_NAMESPACE.equals(r.getMetadata().getNamespace())) {
                    assertEquals(List.of("get"), rule.getVerbs(), "Strimzi's Secrets are read, never written");
                }
            }
        }
        // a fresh tenant (its rights in its namespace come from the RoleBinding apply writes first), then an existing one
        for (int round = 0; round < 2; round++) {
            List<HasMetadata> desired = provisioner.resourcesOf(ACME, TenantSettings.NONE);
            desired.add(TenantOverlay.podMonitor(ACME, "umbra-acme"));
            var wanted = provisioner.accessNeeded(ACME, desired, SecretCopies.mountedBy(desired, TenantProvisioner.bankSecrets(ACME))).wanted();
            if (round == 0) {
                assertTrue(wanted.contains(new AccessCheck.Access("create", "rbac.authorization.k8s.io", "rolebindings", "umbra-acme")), wanted.toString());
                assertTrue(wanted.contains(new AccessCheck.Access("bind", "rbac.authorization.k8s.io", "clusterroles", null, "umbra-provisioner-tenant")));
            } else {
                assertTrue(wanted.contains(new AccessCheck.Access("create", "apps", "deployments", "umbra-acme")), wanted.toString());
            }
            for (AccessCheck.Access a : wanted) {
                assertTrue(granted(rbac, a), "k8s/provisioner does not grant: " + a);
            }
            provisioner.apply(ACME);
        }
    }

    /** Whether k8s/provisioner's bindings give {@code a} to their subjects (the tenant namespace's through the template's RoleBinding). */
    private static boolean granted(List<HasMetadata> rbac, AccessCheck.Access a) {
        List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules = new ArrayList<>();
        for (HasMetadata r : rbac) {
            if (r instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRole c && (c.getMetadata().getName().equals("umbra-provisioner")
                    || (a.namespace() != null && a.namespace().startsWith("umbra-acme") && c.getMetadata().getName().equals("umbra-provisioner-tenant")))) {
                rules.addAll(c.getRules());
            } else if (r instanceof io.fabric8.kubernetes.api.model.rbac.Role role && role.getMetadata().getNamespace().equals(a.namespace())) {
                rules.addAll(role.getRules());
            }
        }
        return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(a.group()) && rule.getResources().contains(a.resource())
                && rule.getVerbs().contains(a.verb()) && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        || rule.getResourceNames().contains(a.name())));
    }

    /** Every Kafka Secret the namespace's Deployments mount holds what Strimzi's Secret holds now. */
    private void assertLoginsValid(String namespace) {
        List<Deployment> deployments = new ArrayList<>(client.apps().deployments().inNamespace(namespace).list().getItems());
        if (namespace.equals(Manifests.SCORING_NAMESPACE)) {
            deployments.add(SharedManifestsTest.only(K8sDirs.parseDir("scoring/base"), Deployment.class));
        }
        assertTrue(deployments.size() >= 1, namespace);
        int checked = 0;
        for (Deployment d : deployments) {
            for (var v : d.getSpec().getTemplate().getSpec().getVolumes()) {
                if (v.getSecret() == null || v.getSecret().getSecretName().endsWith("-kek") || v.getSecret().getSecretName().equals(TenantProvisioner.POOL_MODELS)) {
                    continue;
                }
                String name = v.getSecret().getSecretName();
                Secret copy = client.secrets().inNamespace(namespace).withName(name).get();
                Secret source = client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(name).get();
                assertNotNull(copy, namespace + "/" + name + " mounted by " + d.getMetadata().getName());
                assertNotNull(source, "Strimzi's " + name);
                assertEquals(source.getData(), copy.getData(), namespace + "/" + name + ": the pod would log in with a stale credential");
                checked++;
            }
        }
        assertTrue(checked >= 2, namespace + ": " + checked);
    }

    /** The tenants whose score.requests the live pool user may read. */
    @SuppressWarnings("unchecked")
    private Set<String> poolReads() {
        GenericKubernetesResource pool = cluster.strimzi("kafkausers").stream()
                .filter(u -> u.getMetadata().getName().equals("umbra-he-scoring")).findFirst().orElseThrow();
        Set<String> out = new TreeSet<>();
        Map<String, Object> authorization = (Map<String, Object>) ((Map<String, Object>) pool.getAdditionalProperties().get("spec")).get("authorization");
        for (Map<String, Object> acl : (List<Map<String, Object>>) authorization.get("acls")) {
            Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
            for (TenantId t : List.of(ACME, ACME_EU)) {
                if (Topics.name(t, TopicKind.SCORE_REQUESTS).equals(resource.get("name")) && ((List<String>) acl.get("operations")).contains("Read")) {
                    out.add(t.value());
                }
            }
        }
        return out;
    }
}
