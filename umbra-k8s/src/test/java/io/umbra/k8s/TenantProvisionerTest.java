package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.umbra.events.TenantId;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.k8s.TenantProvisioner.Change;
import io.umbra.k8s.TenantProvisioner.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provisioning against fabric8's Kubernetes test server in CRUD mode (no cluster is available). Two
 * tenants whose ids share a prefix, {@code acme} and {@code acme-eu}, so a careless label selector or
 * prefix would mix them up.
 *
 * <p>The CRUD server does not implement server-side apply: a PATCH of content type
 * {@code application/apply-patch+yaml} is answered 404 for an absent resource and 415 (Unsupported Media
 * Type) for an existing one. So these tests write through {@link #MOCK_WRITER}, create-or-replace, and
 * everything else (rendering, before/after comparison, label-selected deletion, the pool user, list,
 * readiness) is the production code path. {@link #serverSideApplyIsWhatProductionSends} pins the request.
 */
@EnableKubernetesMockClient(crud = true)
class TenantProvisionerTest {
    static final TenantProvisioner.Writer MOCK_WRITER = (client, desired, exists) ->
            exists ? client.resource(desired).update() : client.resource(desired).create();
    static final TenantId ACME = TenantId.of("acme");
    static final TenantId ACME_EU = TenantId.of("acme-eu");

    /** The test server logs every request at INFO; held here so the level sticks (loggers are weakly referenced). */
    static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    KubernetesClient client;
    io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
    TenantProvisioner provisioner;

    @BeforeEach
    void setUp() {
        provisioner = new TenantProvisioner(client, "umbra-", MOCK_WRITER);
        // the shared zone (k8s/kafka) is installed before any tenant
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(Manifests.KAFKA_NAMESPACE).endMetadata().build()).create();
    }

    @Test
    void serverSideApplyIsWhatProductionSends() throws InterruptedException {
        TenantProvisioner production = new TenantProvisioner(client);
        // the test server refuses it (see the class comment): the request is what this test is about
        org.junit.jupiter.api.Assertions.assertThrows(io.fabric8.kubernetes.client.KubernetesClientException.class, () -> production.apply(ACME));
        var request = server.getLastRequest();
        assertEquals("PATCH", request.getMethod());
        assertEquals("/api/v1/namespaces/umbra-acme?fieldManager=umbra&force=true", request.getPath());
        assertTrue(request.getHeader("Content-Type").startsWith("application/apply-patch+yaml"), request.getHeader("Content-Type"));
        assertNull(client.namespaces().withName("umbra-acme").get());
    }

    @Test
    void applyingWithoutTheKafkaNamespaceSaysSoAndCreatesNothing() {
        client.namespaces().withName(Manifests.KAFKA_NAMESPACE).delete();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(e.getMessage().contains("umbra-kafka"), e.getMessage());
        assertNull(client.namespaces().withName("umbra-acme").get());
    }

    @Test
    void applyingTwoTenantsCreatesEveryResourceLabelledInItsNamespace() {
        List<Change> acme = provisioner.apply(ACME);
        List<Change> acmeEu = provisioner.apply(ACME_EU);

        for (TenantId tenant : List.of(ACME, ACME_EU)) {
            List<HasMetadata> expected = provisioner.resourcesOf(tenant);
            assertTrue(expected.stream().anyMatch(r -> r instanceof KafkaTopic));
            assertTrue(expected.stream().anyMatch(r -> r instanceof KafkaUser));
            assertTrue(expected.getFirst() instanceof Namespace, "Namespace first");
            for (HasMetadata r : expected) {
                HasMetadata live = client.resource(r).get();
                assertNotNull(live, r.getKind() + " " + r.getMetadata().getName() + " of " + tenant);
                assertEquals(tenant.value(), live.getMetadata().getLabels().get(Manifests.TENANT_LABEL), r.getKind() + " label");
                String ns = live.getMetadata().getNamespace();
                if (r instanceof Namespace) {
                    assertEquals("umbra-" + tenant.value(), live.getMetadata().getName());
                } else if (r instanceof KafkaTopic || r instanceof KafkaUser) {
                    assertEquals(Manifests.KAFKA_NAMESPACE, ns);
                } else {
                    assertEquals("umbra-" + tenant.value(), ns, r.getKind() + " " + r.getMetadata().getName());
                }
            }
        }
        // every overlay resource created; the pool user created by the first apply, changed by the second
        assertEquals(Set.of(Outcome.CREATED), acme.stream().map(Change::outcome).collect(Collectors.toSet()));
        assertEquals(Outcome.CHANGED, acmeEu.getLast().outcome());
        assertEquals("KafkaUser", acmeEu.getLast().kind());
        assertEquals(provisioner.resourcesOf(ACME_EU).size() + 1, acmeEu.size());

        // nothing of acme in acme-eu's namespace and the reverse
        assertOnlyTenantIn("umbra-acme", ACME);
        assertOnlyTenantIn("umbra-acme-eu", ACME_EU);
        assertEquals(Set.of("acme", "acme-eu"), poolAclTenants());
    }

    @Test
    void applyingAgainChangesNothingAndAHandEditIsReverted() {
        provisioner.apply(ACME);
        provisioner.apply(ACME_EU);

        for (TenantId tenant : List.of(ACME, ACME_EU)) {
            List<Change> again = provisioner.apply(tenant);
            List<Change> notUnchanged = again.stream().filter(c -> c.outcome() != Outcome.UNCHANGED).toList();
            assertEquals(List.of(), notUnchanged, "second apply of " + tenant);
        }

        ConfigMap cm = client.configMaps().inNamespace("umbra-acme").withName("ingest-service").get();
        String original = cm.getData().get("KAFKA_BOOTSTRAP_SERVERS");
        cm.getData().put("KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9093");
        client.resource(cm).update();

        List<Change> changed = provisioner.apply(ACME).stream().filter(c -> c.outcome() != Outcome.UNCHANGED).toList();
        assertEquals(List.of(new Change("ConfigMap", "umbra-acme", "ingest-service", Outcome.CHANGED)), changed);
        assertEquals(original, client.configMaps().inNamespace("umbra-acme").withName("ingest-service").get().getData().get("KAFKA_BOOTSTRAP_SERVERS"));
    }

    @Test
    void deletingOneTenantRemovesOnlyItsResourcesAfterConfirmingTheKeyMaterial() {
        provisioner.apply(ACME);
        provisioner.apply(ACME_EU);
        createKek(ACME);
        createKek(ACME_EU);
        List<HasMetadata> acmeResources = provisioner.resourcesOf(ACME);

        List<List<String>> asked = new ArrayList<>();
        List<Change> changes = provisioner.delete(ACME, (tenant, keys) -> {
            asked.add(keys);
            return true;
        });

        assertEquals(List.of(List.of("PersistentVolumeClaim umbra-acme/key-service-keys", "Secret umbra-acme/umbra-acme-kek")), asked);
        for (HasMetadata r : acmeResources) {
            assertNull(client.resource(r).get(), r.getKind() + " " + r.getMetadata().getName() + " of acme still there");
        }
        assertNull(client.secrets().inNamespace("umbra-acme").withName("umbra-acme-kek").get());
        assertEquals(acmeResources.size() + 1, changes.stream().filter(c -> c.outcome() == Outcome.DELETED).count(),
                "every overlay resource and the KEK Secret: " + changes);

        for (HasMetadata r : provisioner.resourcesOf(ACME_EU)) {
            assertNotNull(client.resource(r).get(), r.getKind() + " " + r.getMetadata().getName() + " of acme-eu gone");
        }
        assertNotNull(client.secrets().inNamespace("umbra-acme-eu").withName("umbra-acme-eu-kek").get());
        assertEquals(Set.of("acme-eu"), poolAclTenants());
        assertEquals(Outcome.CHANGED, changes.getLast().outcome());

        List<TenantProvisioner.Tenant> tenants = provisioner.list();
        assertEquals(List.of("acme-eu"), tenants.stream().map(TenantProvisioner.Tenant::tenant).toList());
        assertEquals("umbra-acme-eu", tenants.getFirst().namespace());
        assertEquals(4, tenants.getFirst().deployments().size());
    }

    @Test
    void decliningKeepsTheKeyMaterialAndItsNamespace() {
        provisioner.apply(ACME);
        createKek(ACME);

        List<Change> changes = provisioner.delete(ACME, (tenant, keys) -> false);

        assertNotNull(client.persistentVolumeClaims().inNamespace("umbra-acme").withName(TenantProvisioner.KEYS_PVC).get());
        assertNotNull(client.secrets().inNamespace("umbra-acme").withName("umbra-acme-kek").get());
        assertNotNull(client.namespaces().withName("umbra-acme").get());
        assertEquals(Set.of("PersistentVolumeClaim", "Secret", "Namespace"),
                changes.stream().filter(c -> c.outcome() == Outcome.KEPT).map(Change::kind).collect(Collectors.toSet()));
        assertEquals(List.of(), client.apps().deployments().inNamespace("umbra-acme").list().getItems());
        assertEquals(List.of(), client.resources(NetworkPolicy.class).inNamespace("umbra-acme").list().getItems());
        assertEquals(List.of(), client.resources(KafkaTopic.class).inNamespace(Manifests.KAFKA_NAMESPACE).list().getItems());
        assertEquals(Set.of(), poolAclTenants());
    }

    @Test
    void awaitingReadinessReportsEachDeploymentUntilReadyOrTimeout() throws InterruptedException {
        provisioner.apply(ACME);
        List<List<TenantProvisioner.Readiness>> polls = new ArrayList<>();
        assertFalse(provisioner.awaitReady(ACME, Duration.ofMillis(200), polls::add));
        assertEquals(4, polls.getLast().size());
        assertTrue(polls.getLast().stream().allMatch(r -> r.ready() == 0 && r.desired() >= 1), polls.getLast().toString());

        for (Deployment d : client.apps().deployments().inNamespace("umbra-acme").list().getItems()) {
            d.setStatus(new DeploymentStatusBuilder().withReadyReplicas(d.getSpec().getReplicas()).withReplicas(d.getSpec().getReplicas()).build());
            client.resource(d).updateStatus();
        }
        polls.clear();
        assertTrue(provisioner.awaitReady(ACME, Duration.ofSeconds(5), polls::add));
        assertTrue(polls.getLast().stream().allMatch(TenantProvisioner.Readiness::isReady));
    }

    @Test
    void aNamespacePrefixMovesTheServicesButNotTheKafkaResources() {
        TenantProvisioner bank = new TenantProvisioner(client, "bank-", MOCK_WRITER);
        bank.apply(ACME);
        assertNotNull(client.namespaces().withName("bank-acme").get());
        assertNull(client.namespaces().withName("umbra-acme").get());
        assertEquals(4, client.apps().deployments().inNamespace("bank-acme").list().getItems().size());
        assertFalse(client.resources(KafkaTopic.class).inNamespace(Manifests.KAFKA_NAMESPACE).list().getItems().isEmpty());
        assertEquals(List.of("bank-acme"), bank.list().stream().map(TenantProvisioner.Tenant::namespace).toList());
    }

    private void createKek(TenantId tenant) {
        Secret kek = new SecretBuilder().withNewMetadata().withName(TenantProvisioner.kekSecretName(tenant))
                .withNamespace("umbra-" + tenant.value()).endMetadata()
                .withStringData(Map.of("kek.keyset", "not a real keyset")).build();
        client.resource(kek).create();
    }

    /** Every resource of the overlay's kinds in {@code namespace} carries {@code tenant}'s label and no other's. */
    private void assertOnlyTenantIn(String namespace, TenantId tenant) {
        Set<Class<? extends HasMetadata>> kinds = provisioner.resourcesOf(tenant).stream()
                .filter(r -> !(r instanceof Namespace)).map(HasMetadata::getClass).collect(Collectors.toSet());
        int seen = 0;
        for (Class<? extends HasMetadata> kind : kinds) {
            for (HasMetadata r : client.resources(kind).inNamespace(namespace).list().getItems()) {
                assertEquals(tenant.value(), r.getMetadata().getLabels().get(Manifests.TENANT_LABEL), kind.getSimpleName() + " " + r.getMetadata().getName());
                seen++;
            }
        }
        assertTrue(seen > 10, "resources in " + namespace + ": " + seen);
        assertTrue(client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                .map(PersistentVolumeClaim::getMetadata).allMatch(m -> m.getLabels().get(Manifests.TENANT_LABEL).equals(tenant.value())));
    }

    /** The tenants whose scoring-zone topics the live pool user's ACLs name. */
    private Set<String> poolAclTenants() {
        KafkaUser pool = client.resource(ScoringPoolUser.render(Set.of())).get();
        Set<String> out = new java.util.TreeSet<>();
        for (var acl : ((KafkaUserAuthorizationSimple) pool.getSpec().getAuthorization()).getAcls()) {
            if (acl.getResource() instanceof AclRuleTopicResource topic) {
                for (TenantId t : List.of(ACME, ACME_EU)) {
                    for (TopicKind kind : TopicKind.values()) {
                        if (topic.getName().equals(Topics.name(t, kind))) {
                            out.add(t.value());
                        }
                    }
                }
            }
        }
        return out;
    }
}
