package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.umbra.events.TenantId;
import io.umbra.k8s.TenantProvisioner.Change;
import io.umbra.k8s.TenantProvisioner.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./umbra tenant apply --model … --model-card … --model-verification-key …} against fabric8's test server (CRUD mode,
 * written through {@link TenantProvisionerTest#MOCK_WRITER}, see there): the card and key land in the bank's namespace for its
 * alert-service, the model in the scoring pool's Secret only, and a later apply without the options keeps all of it.
 */
@EnableKubernetesMockClient(crud = true)
class TenantModelProvisioningTest {
    static final TenantId ACME = TenantId.of("acme");
    static final TenantId ACME_EU = TenantId.of("acme-eu");
    static final TestModels.Owner OWNER = TestModels.owner();

    static {
        TenantProvisionerTest.MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    KubernetesClient client;
    io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
    TenantProvisioner provisioner;

    @BeforeEach
    void setUp() {
        provisioner = new TenantProvisioner(client, "umbra-", TenantProvisionerTest.MOCK_WRITER);
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(Manifests.KAFKA_NAMESPACE).endMetadata().build()).create();
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(Manifests.SCORING_NAMESPACE).endMetadata().build()).create();
        new ClusterSimulation(client, server).install(ClusterSimulation.STRIMZI_049).installPrometheusOperator();
    }

    @Test
    void withoutAModelTheAlertServiceIsHeldWithANoteAndThePoolHasNoModelsSecret() {
        List<Change> applied = provisioner.apply(ACME);
        assertEquals(0, alertService("umbra-acme").getSpec().getReplicas());
        Change alert = applied.stream().filter(c -> c.kind().equals("Deployment") && c.name().equals("alert-service")).findFirst().orElseThrow();
        assertTrue(alert.note() != null && alert.note().startsWith("held at 0 replicas") && alert.note().contains("--model-card"), alert.toString());
        assertNull(client.configMaps().inNamespace("umbra-acme").withName("acme-model-card").get());
        assertNull(poolModels(), "nothing to serve, nothing written");
        assertEquals("3", client.configMaps().inNamespace("umbra-acme").withName("ingest-service").get().getData().get("UMBRA_FEATURE_SCHEMA_VERSION"));
    }

    @Test
    void theCardGoesToTheBankTheModelToThePoolAndASecondApplyWithoutOptionsKeepsBoth() {
        TestModels.Files files = OWNER.files(TestModels.network("umbra-nn", 1, 0.69));
        ServedModel served = files.served(ACME);
        List<Change> first = provisioner.apply(ACME, TenantSettings.NONE.withModel(served), false);

        ConfigMap card = client.configMaps().inNamespace("umbra-acme").withName("acme-model-card").get();
        assertEquals(files.card(), card.getData().get(TenantOverlay.MODEL_CARD_FILE));
        assertEquals(files.key(), card.getData().get(TenantOverlay.MODEL_VERIFICATION_KEY_FILE));
        assertEquals(1, alertService("umbra-acme").getSpec().getReplicas());
        assertEquals(served.cardDigest(), alertService("umbra-acme").getSpec().getTemplate().getMetadata().getAnnotations()
                .get(TenantOverlay.MODEL_CARD_ANNOTATION));
        // the weights: in the pool's Secret, nowhere in the bank's namespace
        Map<String, String> pool = poolModels();
        assertEquals(files.model(), decode(pool.get("acme.json")));
        assertEquals(files.key(), decode(pool.get(TenantProvisioner.POOL_MODEL_KEY)));
        for (ConfigMap cm : client.configMaps().inNamespace("umbra-acme").list().getItems()) {
            assertFalse(cm.getData() != null && cm.getData().values().stream().anyMatch(v -> v.contains("hiddenWeights")), cm.getMetadata().getName());
        }
        Change secret = first.stream().filter(c -> c.kind().equals("Secret") && c.name().equals(TenantProvisioner.POOL_MODELS)).findFirst().orElseThrow();
        assertEquals(Outcome.CREATED, secret.outcome());
        assertTrue(secret.note().contains("rollout restart deployment/he-scoring-service"), secret.toString());

        // a second apply without options: the model read back from the cluster, nothing changes, nothing is held
        assertEquals(served.cardDigest(), provisioner.settingsInCluster(ACME).model().orElseThrow().cardDigest());
        List<Change> again = provisioner.apply(ACME);
        assertEquals(List.of(), again.stream().filter(c -> c.outcome() != Outcome.UNCHANGED && c.outcome() != Outcome.PENDING
                && c.outcome() != Outcome.SKIPPED).toList());
        assertEquals(1, alertService("umbra-acme").getSpec().getReplicas());
        assertEquals(files.card(), client.configMaps().inNamespace("umbra-acme").withName("acme-model-card").get().getData().get(TenantOverlay.MODEL_CARD_FILE));
        assertEquals(files.model(), decode(poolModels().get("acme.json")));
    }

    @Test
    void theSecondTenantsModelJoinsThePoolsSecretAndDeletingATenantTakesOnlyItsModel() {
        TestModels.Files a = OWNER.files(TestModels.network("umbra-nn", 1, 0.69));
        TestModels.Files b = OWNER.files(TestModels.logistic("umbra-lr", 2));
        provisioner.apply(ACME, TenantSettings.NONE.withModel(a.served(ACME)), false);
        provisioner.apply(ACME_EU, TenantSettings.NONE.withModel(b.served(ACME_EU)), false);
        assertEquals(Set.of("acme.json", "acme-eu.json", TenantProvisioner.POOL_MODEL_KEY), poolModels().keySet());
        assertEquals("1", client.configMaps().inNamespace("umbra-acme-eu").withName("ingest-service").get().getData().get("UMBRA_FEATURE_SCHEMA_VERSION"),
                "the logistic model's schema");

        provisioner.delete(ACME, (tenant, keys) -> true);
        assertEquals(new TreeSet<>(Set.of("acme-eu.json", TenantProvisioner.POOL_MODEL_KEY)), new TreeSet<>(poolModels().keySet()));
        assertEquals(b.model(), decode(poolModels().get("acme-eu.json")));
    }

    @Test
    void aModelOfAnotherOwnerIsRefusedBeforeAnythingIsWrittenWhileThePoolServesAnother() {
        provisioner.apply(ACME, TenantSettings.NONE.withModel(OWNER.files(TestModels.network("umbra-nn", 1, 0.69)).served(ACME)), false);
        Map<String, String> before = poolModels();
        TestModels.Owner stranger = TestModels.owner();
        ServedModel foreign = stranger.files(TestModels.network("other-nn", 1, 0.5)).served(ACME_EU);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> provisioner.apply(ACME_EU, TenantSettings.NONE.withModel(foreign), false));
        assertTrue(e.getMessage().contains("one model owner's key") && e.getMessage().contains("Nothing was changed"), e.getMessage());
        assertNull(client.namespaces().withName("umbra-acme-eu").get());
        assertEquals(before, poolModels());
        // the same tenant may move to another owner's model when it is the only one served
        provisioner.apply(ACME, TenantSettings.NONE.withModel(stranger.files(TestModels.network("other-nn", 2, 0.5)).served(ACME)), false);
        assertEquals(stranger.verificationKey(), decode(poolModels().get(TenantProvisioner.POOL_MODEL_KEY)));
    }

    @Test
    void aCardEditedInTheClusterIsRefusedOnTheNextApply() {
        provisioner.apply(ACME, TenantSettings.NONE.withModel(OWNER.files(TestModels.network("umbra-nn", 1, 0.69)).served(ACME)), false);
        ConfigMap card = client.configMaps().inNamespace("umbra-acme").withName("acme-model-card").get();
        String text = card.getData().get(TenantOverlay.MODEL_CARD_FILE);
        assertTrue(text.contains("\"thresholdLogit\" : 0.69"), text);
        card.getData().put(TenantOverlay.MODEL_CARD_FILE, text.replace("\"thresholdLogit\" : 0.69", "\"thresholdLogit\" : 9.0"));
        client.resource(card).update();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(e.getMessage().contains("unusable") && e.getMessage().contains("--model-card"), e.getMessage());
    }

    @Test
    void aHalfServedModelIsRefusedRatherThanPrunedUntilTheModelIsGivenAgain() {
        TestModels.Files files = OWNER.files(TestModels.network("umbra-nn", 1, 0.69));
        provisioner.apply(ACME, TenantSettings.NONE.withModel(files.served(ACME)), false);
        // someone deletes the pool's Secret by hand: the card is still in the bank's namespace
        client.secrets().inNamespace(Manifests.SCORING_NAMESPACE).withName(TenantProvisioner.POOL_MODELS).delete();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(e.getMessage().contains("no model in Secret") && e.getMessage().contains("Nothing was changed"), e.getMessage());
        assertNotNull(client.configMaps().inNamespace("umbra-acme").withName("acme-model-card").get(), "not pruned");
        assertEquals(1, alertService("umbra-acme").getSpec().getReplicas());
        // given again, all is well
        provisioner.apply(ACME, TenantSettings.NONE.withModel(files.served(ACME)), false);
        assertEquals(files.model(), decode(poolModels().get("acme.json")));
    }

    private Deployment alertService(String namespace) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName("alert-service").get();
        assertNotNull(d);
        return d;
    }

    private Map<String, String> poolModels() {
        Secret s = client.secrets().inNamespace(Manifests.SCORING_NAMESPACE).withName(TenantProvisioner.POOL_MODELS).get();
        return s == null ? null : s.getData();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
