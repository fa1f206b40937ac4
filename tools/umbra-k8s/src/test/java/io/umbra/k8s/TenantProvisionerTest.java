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
    static final TenantProvisioner.Writer MOCK_WRITER = (target, exists) -> exists ? target.update() : target.create();
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
        // and the scoring pool (k8s/scoring/base)
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(Manifests.SCORING_NAMESPACE).endMetadata().build()).create();
        // Strimzi 0.49's, KEDA's and the Prometheus Operator's CRDs, and access reviews that allow everything
        new ClusterSimulation(client, server).install(ClusterSimulation.STRIMZI_049).installPrometheusOperator();
    }

    @Test
    void serverSideApplyIsWhatProductionSends() throws InterruptedException {
        TenantProvisioner production = new TenantProvisioner(client);
        // the test server refuses it (see the class comment): the request is what this test is about, and
        // the error says where apply stopped and that running it again continues
        IllegalStateException stopped = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> production.apply(ACME));
        assertTrue(stopped.getCause() instanceof io.fabric8.kubernetes.client.KubernetesClientException, stopped.toString());
        assertTrue(stopped.getMessage().contains("stopped at Namespace umbra-acme") && stopped.getMessage().contains("run the same command again"),
                stopped.getMessage());
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
        // every overlay resource created; the pool user created by the first apply, changed by the second;
        // Strimzi has not written its Secrets (no operator here): their copies are pending, saying so
        assertEquals(Set.of(Outcome.CREATED), acme.stream().filter(c -> !c.kind().equals("Secret")).map(Change::outcome).collect(Collectors.toSet()));
        List<Change> secrets = acme.stream().filter(c -> c.kind().equals("Secret")).toList();
        assertEquals(7, secrets.size(), "four users' and the CA for acme, the pool's and the CA for the pool: " + secrets);
        assertTrue(secrets.stream().allMatch(c -> c.outcome() == Outcome.PENDING && c.note().contains("Strimzi")), secrets.toString());
        assertEquals(Outcome.CHANGED, poolUserChange(acmeEu).outcome());
        assertEquals(provisioner.resourcesOf(ACME_EU).size() + 1 + 5 + 4, acmeEu.size(), "overlay, PodMonitor, its Secrets, the pool's user, Secrets, keys");

        // nothing of acme in acme-eu's namespace and the reverse
        assertOnlyTenantIn("umbra-acme", ACME);
        assertOnlyTenantIn("umbra-acme-eu", ACME_EU);
        assertEquals(Set.of("acme", "acme-eu"), poolAclTenants());
    }

    @Test
    void applyingAgainChangesNothingAndAHandEditIsReverted() {
        provisioner.apply(ACME);
        provisioner.apply(ACME_EU);
        strimziWritesItsSecrets();
        assertTrue(provisioner.apply(ACME).stream().anyMatch(c -> c.kind().equals("Secret") && c.outcome() == Outcome.CREATED));
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

        assertEquals(List.of(List.of("PersistentVolumeClaim umbra-acme/key-service-keys", "PersistentVolumeClaim umbra-acme/encrypt-service-batch-signing",
                "Secret umbra-acme/umbra-acme-kek", "Secret umbra-acme/umbra-acme-encrypt-kek")), asked);
        for (HasMetadata r : acmeResources) {
            assertNull(client.resource(r).get(), r.getKind() + " " + r.getMetadata().getName() + " of acme still there");
        }
        assertNull(client.secrets().inNamespace("umbra-acme").withName("umbra-acme-kek").get());
        assertNull(client.secrets().inNamespace("umbra-acme").withName("umbra-acme-encrypt-kek").get());
        assertEquals(acmeResources.size() + 2, changes.stream().filter(c -> c.outcome() == Outcome.DELETED).count(),
                "every overlay resource and the two KEK Secrets: " + changes);

        for (HasMetadata r : provisioner.resourcesOf(ACME_EU)) {
            assertNotNull(client.resource(r).get(), r.getKind() + " " + r.getMetadata().getName() + " of acme-eu gone");
        }
        assertNotNull(client.secrets().inNamespace("umbra-acme-eu").withName("umbra-acme-eu-kek").get());
        assertEquals(Set.of("acme-eu"), poolAclTenants());
        assertEquals(Outcome.CHANGED, poolUserChange(changes).outcome());

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
        assertNotNull(client.persistentVolumeClaims().inNamespace("umbra-acme").withName(TenantProvisioner.BATCH_SIGNING_PVC).get());
        assertNotNull(client.secrets().inNamespace("umbra-acme").withName("umbra-acme-kek").get());
        assertNotNull(client.secrets().inNamespace("umbra-acme").withName("umbra-acme-encrypt-kek").get());
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
        assertTrue(polls.getLast().stream().allMatch(r -> r.ready() == 0), polls.getLast().toString());
        assertTrue(polls.getLast().stream().anyMatch(r -> !r.isReady()), polls.getLast().toString());

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

    @Test
    void applyingWithoutTheScoringNamespaceSaysSoAndCreatesNothing() {
        client.namespaces().withName(Manifests.SCORING_NAMESPACE).delete();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(e.getMessage().contains("k8s/scoring/base"), e.getMessage());
        assertNull(client.namespaces().withName("umbra-acme").get());
    }

    @Test
    void strimzisSecretsAreCopiedWhereThePodsMountThemAndFollowARenewal() {
        provisioner.apply(ACME);
        strimziWritesItsSecrets();
        provisioner.apply(ACME);

        // every Secret a Deployment of acme mounts exists in umbra-acme, but the bank's KEKs (which the bank creates)
        for (Deployment d : client.apps().deployments().inNamespace("umbra-acme").list().getItems()) {
            for (var v : d.getSpec().getTemplate().getSpec().getVolumes()) {
                if (v.getSecret() != null && !TenantProvisioner.bankSecrets(ACME).contains(v.getSecret().getSecretName())) {
                    Secret copy = client.secrets().inNamespace("umbra-acme").withName(v.getSecret().getSecretName()).get();
                    assertNotNull(copy, d.getMetadata().getName() + " mounts " + v.getSecret().getSecretName());
                    Secret source = client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(v.getSecret().getSecretName()).get();
                    assertEquals(source.getData(), copy.getData());
                    assertEquals("acme", copy.getMetadata().getLabels().get(Manifests.TENANT_LABEL));
                    for (var item : v.getSecret().getItems()) {
                        assertTrue(copy.getData().containsKey(item.getKey()), v.getSecret().getSecretName() + " has " + item.getKey());
                    }
                }
            }
        }
        // the pool's, in the pool's namespace; no tenant's user there
        assertNotNull(client.secrets().inNamespace(Manifests.SCORING_NAMESPACE).withName("umbra-he-scoring").get());
        assertNotNull(client.secrets().inNamespace(Manifests.SCORING_NAMESPACE).withName(Manifests.CLUSTER_CA_SECRET).get());
        assertNull(client.secrets().inNamespace(Manifests.SCORING_NAMESPACE).withName("acme.encrypt-service").get());
        // and no other tenant's user in acme's namespace
        assertTrue(client.secrets().inNamespace("umbra-acme").list().getItems().stream()
                .noneMatch(s -> s.getMetadata().getName().startsWith("acme-eu.") || s.getMetadata().getName().equals("umbra-he-scoring")));

        // Strimzi renews the cluster CA: the next apply refreshes both copies, nothing else
        Secret ca = client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(Manifests.CLUSTER_CA_SECRET).get();
        ca.setData(Map.of("ca.crt", b64("renewed"), "ca.p12", b64("renewed p12"), "ca.password", b64("renewed password")));
        client.resource(ca).update();
        Map<String, String> digests = credentialDigests("umbra-acme");
        List<Change> changed = provisioner.apply(ACME).stream().filter(c -> c.outcome() != Outcome.UNCHANGED).toList();
        // the two copies, and the four Deployments, whose pods roll to read the renewed truststore
        // (their pod template carries a digest of the Secrets they mount)
        List<Change> expected = new ArrayList<>();
        for (String d : List.of("ingest-service", "encrypt-service", "key-service", "alert-service")) {
            expected.add(new Change("Deployment", "umbra-acme", d, Outcome.CHANGED));
        }
        expected.add(new Change("Secret", "umbra-acme", Manifests.CLUSTER_CA_SECRET, Outcome.CHANGED));
        expected.add(new Change("Secret", Manifests.SCORING_NAMESPACE, Manifests.CLUSTER_CA_SECRET, Outcome.CHANGED));
        assertEquals(expected, changed.stream().map(c -> c.withNote(null)).toList());
        Map<String, String> renewed = credentialDigests("umbra-acme");
        assertEquals(4, renewed.size());
        for (String d : renewed.keySet()) {
            assertTrue(renewed.get(d).startsWith("sha256:") && !renewed.get(d).equals(digests.get(d)), d);
        }
        // a change line never shows a Secret's value
        assertTrue(changed.stream().map(Change::toString).noneMatch(s -> s.contains(b64("renewed password")) || s.contains("renewed")));
    }

    @Test
    void eachTenantsPinnedKeyReachesItsEncryptServiceAndThePoolHoldsExactlyTheAppliedTenants() {
        PinnedVerificationKey a = PinnedVerificationKey.parse(ACME, TestKeys.ed25519().publicKeyset());
        PinnedVerificationKey b = PinnedVerificationKey.parse(ACME_EU, TestKeys.ed25519().publicKeyset());
        assertEquals(Map.of(), poolPinnedKeys(), "no tenant yet");

        // acme first without its key: its encrypt-service is held, the pool does not list it
        List<Change> first = provisioner.apply(ACME);
        Change held = first.stream().filter(c -> c.name().equals("encrypt-service") && c.kind().equals("Deployment")).findFirst().orElseThrow();
        assertTrue(held.note().startsWith("held at 0 replicas") && held.toString().contains("--verification-key"), held.toString());
        assertEquals(0, encryptReplicas("umbra-acme"));
        assertEquals(Map.of(), poolPinnedKeys());

        // pinned: the encrypt-service runs and reads its own key; the pool holds it
        provisioner.apply(ACME, TenantSettings.NONE.withVerificationKey(a), false);
        provisioner.apply(ACME_EU, TenantSettings.NONE.withVerificationKey(b), false);
        assertEquals(1, encryptReplicas("umbra-acme"));
        assertEquals(a.keysetJson(), pinnedIn("umbra-acme", ACME));
        assertEquals(b.keysetJson(), pinnedIn("umbra-acme-eu", ACME_EU));
        assertEquals(Map.of("acme.json", a.keysetJson(), "acme-eu.json", b.keysetJson()), poolPinnedKeys());

        // a later apply without the option keeps the pin: nothing changes
        assertEquals(List.of(), provisioner.apply(ACME).stream().filter(c -> c.outcome() != Outcome.UNCHANGED && c.outcome() != Outcome.PENDING).toList());
        assertEquals(1, encryptReplicas("umbra-acme"));

        // another key for acme (acme-eu's, say) is refused unless replacing is asked for, and nothing changes
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> provisioner.apply(ACME, TenantSettings.NONE.withVerificationKey(PinnedVerificationKey.parse(ACME, b.keysetJson())), false));
        assertTrue(refused.getMessage().contains(a.fingerprint()) && refused.getMessage().contains("--replace-verification-key"), refused.getMessage());
        assertEquals(a.keysetJson(), pinnedIn("umbra-acme", ACME));
        PinnedVerificationKey a2 = PinnedVerificationKey.parse(ACME, TestKeys.ed25519().publicKeyset());
        List<Change> repinned = provisioner.apply(ACME, TenantSettings.NONE.withVerificationKey(a2), true).stream()
                .filter(c -> c.outcome() != Outcome.UNCHANGED && c.outcome() != Outcome.PENDING).toList();
        // the pin, the encrypt-service (its pod template names the new fingerprint, so its pods roll), the pool's keys
        assertEquals(List.of(new Change("ConfigMap", "umbra-acme", "acme-bundle-verification", Outcome.CHANGED),
                new Change("Deployment", "umbra-acme", "encrypt-service", Outcome.CHANGED),
                new Change("ConfigMap", Manifests.SCORING_NAMESPACE, TenantProvisioner.POOL_PINNED_KEYS, Outcome.CHANGED)), repinned);
        assertEquals(a2.fingerprint(), client.apps().deployments().inNamespace("umbra-acme").withName("encrypt-service").get()
                .getSpec().getTemplate().getMetadata().getAnnotations().get(TenantOverlay.FINGERPRINT_ANNOTATION));
        assertEquals(Map.of("acme.json", a2.keysetJson(), "acme-eu.json", b.keysetJson()), poolPinnedKeys());

        // a ConfigMap in acme-eu's namespace posing as acme's pin is not taken into the pool
        ConfigMap forged = TenantOverlay.pinnedKeyConfigMap(ACME, "umbra-acme-eu", b);
        client.resource(forged).create();
        provisioner.apply(ACME_EU);
        assertEquals(a2.keysetJson(), poolPinnedKeys().get("acme.json"));
        client.resource(forged).delete();

        // acme leaves: the pool holds acme-eu only
        provisioner.delete(ACME, (tenant, keys) -> true);
        assertEquals(Map.of("acme-eu.json", b.keysetJson()), poolPinnedKeys());
    }

    @Test
    void aSigningKeyRotationsRePinsAreAcceptedWithoutTheReplaceFlagsAndAKeysetWithoutThePinnedKeyIsNot() {
        for (boolean batch : new boolean[] {false, true}) {
            TestKeys.Rotation r = TestKeys.rotation();
            java.util.function.Function<String, TenantSettings> pin = keyset -> batch
                    ? TenantSettings.NONE.withBatchVerificationKey(PinnedVerificationKey.parseBatch(ACME, keyset))
                    : TenantSettings.NONE.withVerificationKey(PinnedVerificationKey.parse(ACME, keyset));
            java.util.function.Supplier<String> pinned = () -> batch
                    ? batchPinIn("umbra-acme", ACME).getData().get(TenantOverlay.BATCH_VERIFICATION_KEY_FILE).strip()
                    : pinnedIn("umbra-acme", ACME).strip();
            provisioner.apply(ACME, pin.apply(r.before()), false, false); // the first pin of this kind
            assertEquals(r.before().strip(), pinned.get());
            // add phase: the keyset still holds the pinned key, so no --replace-… is needed
            provisioner.apply(ACME, pin.apply(r.window()), false, false);
            assertEquals(r.window().strip(), pinned.get());
            // retire phase: the new key alone, which the pinned keyset of the window holds
            provisioner.apply(ACME, pin.apply(r.after()), false, false);
            assertEquals(r.after().strip(), pinned.get());
            // a keyset holding none of the pinned keys (the retired old key alone, or a stranger's) is refused, nothing changes
            for (String other : List.of(r.before(), TestKeys.ed25519().publicKeyset())) {
                IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> provisioner.apply(ACME, pin.apply(other), false, false));
                assertTrue(refused.getMessage().contains(batch ? "--replace-batch-verification-key" : "--replace-verification-key")
                        && refused.getMessage().contains("rotate-signing"), refused.getMessage());
                assertEquals(r.after().strip(), pinned.get());
            }
        }
    }

    @Test
    void theKeyServiceRunsBeforeTheBatchKeyIsPinnedThenRollsOntoItAndAnotherKeyNeedsTheReplaceFlag() {
        // the encrypt-service's batch-verification.json: a real Tink Ed25519 public keyset
        PinnedVerificationKey k1 = PinnedVerificationKey.parseBatch(ACME, TestKeys.ed25519().publicKeyset());
        PinnedVerificationKey k2 = PinnedVerificationKey.parseBatch(ACME, TestKeys.ed25519().publicKeyset());

        // not pinned: the key-service runs (it publishes its bundles and waits to decrypt), its optional pin volume
        // is empty, and the change line says how to fetch the key from the encrypt-service and pin it
        List<Change> first = provisioner.apply(ACME);
        Change waiting = first.stream().filter(c -> c.name().equals("key-service") && c.kind().equals("Deployment")).findFirst().orElseThrow();
        assertTrue(waiting.note().startsWith(TenantOverlay.AWAITING_BATCH_KEY) && waiting.note().contains("tenant apply --batch-verification-key")
                && waiting.note().contains("kubectl -n umbra-acme exec deploy/encrypt-service -- cat /var/lib/umbra/batch-signing/batch-verification.json"),
                waiting.toString());
        Deployment unpinned = keyService("umbra-acme");
        assertEquals(1, unpinned.getSpec().getReplicas());
        assertTrue(unpinned.getMetadata().getAnnotations() == null || !unpinned.getMetadata().getAnnotations().containsKey(TenantOverlay.HELD_ANNOTATION));
        assertEquals(Boolean.TRUE, unpinned.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("batch-verification")).findFirst().orElseThrow().getConfigMap().getOptional(),
                "the pod starts before the ConfigMap exists; the kubelet adds the file once it does");
        assertNull(batchPinIn("umbra-acme", ACME));

        // pinned: the ConfigMap the key-service mounts holds exactly the keyset, and the key-service runs
        List<Change> pinned = provisioner.apply(ACME, TenantSettings.NONE.withBatchVerificationKey(k1), false, false);
        assertTrue(pinned.contains(new Change("ConfigMap", "umbra-acme", "acme-batch-verification", Outcome.CREATED)), pinned.toString());
        assertEquals(k1.keysetJson(), batchPinIn("umbra-acme", ACME).getData().get(TenantOverlay.BATCH_VERIFICATION_KEY_FILE));
        assertEquals(TenantOverlay.BATCH_PINNED_VALUE, batchPinIn("umbra-acme", ACME).getMetadata().getLabels().get(TenantOverlay.PINNED_LABEL));
        Deployment running = keyService("umbra-acme");
        assertEquals(1, running.getSpec().getReplicas());
        assertTrue(running.getMetadata().getAnnotations() == null || !running.getMetadata().getAnnotations().containsKey(TenantOverlay.HELD_ANNOTATION));
        assertEquals(k1.fingerprint(), running.getSpec().getTemplate().getMetadata().getAnnotations().get(TenantOverlay.BATCH_FINGERPRINT_ANNOTATION));
        // the batch key is the key-service's alone: never in the scoring pool's pinned bundle keys
        assertEquals(Map.of(), poolPinnedKeys());

        // a later apply without the option keeps the pin (and the replicas)
        assertEquals(List.of(), provisioner.apply(ACME).stream().filter(c -> c.outcome() != Outcome.UNCHANGED && c.outcome() != Outcome.PENDING).toList());
        assertEquals(1, keyService("umbra-acme").getSpec().getReplicas());
        // so does a re-pin of the same key without the flag
        assertEquals(List.of(), provisioner.apply(ACME, TenantSettings.NONE.withBatchVerificationKey(k1), false, false).stream()
                .filter(c -> c.outcome() != Outcome.UNCHANGED && c.outcome() != Outcome.PENDING).toList());

        // another key is refused without --replace-batch-verification-key, and nothing changes
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> provisioner.apply(ACME, TenantSettings.NONE.withBatchVerificationKey(k2), false, false));
        assertTrue(refused.getMessage().contains(k1.fingerprint()) && refused.getMessage().contains(k2.fingerprint())
                && refused.getMessage().contains("--replace-batch-verification-key"), refused.getMessage());
        assertEquals(k1.keysetJson(), batchPinIn("umbra-acme", ACME).getData().get(TenantOverlay.BATCH_VERIFICATION_KEY_FILE));
        // the bundle key's flag is not this one's
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> provisioner.apply(ACME, TenantSettings.NONE.withBatchVerificationKey(k2), true, false));
        assertEquals(k1.keysetJson(), batchPinIn("umbra-acme", ACME).getData().get(TenantOverlay.BATCH_VERIFICATION_KEY_FILE));

        // with it: the pin changes, and so does the key-service's pod template (its pod restarts onto the new key)
        List<Change> repinned = provisioner.apply(ACME, TenantSettings.NONE.withBatchVerificationKey(k2), false, true).stream()
                .filter(c -> c.outcome() != Outcome.UNCHANGED && c.outcome() != Outcome.PENDING).toList();
        assertEquals(List.of(new Change("ConfigMap", "umbra-acme", "acme-batch-verification", Outcome.CHANGED),
                new Change("Deployment", "umbra-acme", "key-service", Outcome.CHANGED)), repinned);
        assertEquals(k2.keysetJson(), batchPinIn("umbra-acme", ACME).getData().get(TenantOverlay.BATCH_VERIFICATION_KEY_FILE));
        assertEquals(k2.fingerprint(), keyService("umbra-acme").getSpec().getTemplate().getMetadata().getAnnotations()
                .get(TenantOverlay.BATCH_FINGERPRINT_ANNOTATION));
        // acme-eu untouched throughout
        assertNull(client.namespaces().withName("umbra-acme-eu").get());
    }

    /**
     * A new tenant's first keys, in the order docs/OPERATIONS.md gives: each service's public key exists only once
     * that service has run, and neither waits for the other's at 0 replicas forever.
     */
    @Test
    void onboardingANewTenantInTheDocumentedOrderScalesEveryDeploymentUp() throws InterruptedException {
        // 1. apply: the key-service runs (and makes its bundle-signing key); the encrypt-service waits for that key
        List<Change> applied = provisioner.apply(ACME);
        assertEquals(1, keyService("umbra-acme").getSpec().getReplicas());
        assertEquals(0, encryptReplicas("umbra-acme"));
        assertTrue(applied.stream().anyMatch(c -> c.name().equals("encrypt-service") && c.note() != null
                && c.note().startsWith("held at 0 replicas") && c.note().contains("--verification-key")), applied.toString());

        // 2. pin the key-service's bundle-verification key (fetched from the running key-service): the encrypt-service
        //    runs, and makes its batch-signing key
        PinnedVerificationKey bundleKey = PinnedVerificationKey.parse(ACME, TestKeys.ed25519().publicKeyset());
        List<Change> bundlePinned = provisioner.apply(ACME, TenantSettings.NONE.withVerificationKey(bundleKey), false);
        assertEquals(1, encryptReplicas("umbra-acme"));
        assertEquals(1, keyService("umbra-acme").getSpec().getReplicas());
        assertTrue(bundlePinned.stream().anyMatch(c -> c.name().equals("key-service") && c.kind().equals("Deployment") && c.note() != null
                && c.note().startsWith(TenantOverlay.AWAITING_BATCH_KEY)), "the next step is still shown: " + bundlePinned);

        // 3. pin the encrypt-service's batch-verification key (fetched from the running encrypt-service): nothing is
        //    held or waiting any more, every Deployment is scaled up, and the key-service's pods roll onto the key
        PinnedVerificationKey batchKey = PinnedVerificationKey.parseBatch(ACME, TestKeys.ed25519().publicKeyset());
        List<Change> batchPinned = provisioner.apply(ACME, TenantSettings.NONE.withBatchVerificationKey(batchKey), false, false);
        assertTrue(batchPinned.stream().noneMatch(c -> c.kind().equals("Deployment") && c.note() != null && !c.name().equals("alert-service")),
                batchPinned.toString());
        // 4. the served model (its model, signed card and owner key): the alert-service, held for its threshold, runs
        List<Change> served = provisioner.apply(ACME, TenantSettings.NONE.withModel(TestModels.owner().files(TestModels.network("m-nn", 1, 0.7))
                .served(ACME)), false, false);
        assertTrue(served.stream().noneMatch(c -> c.kind().equals("Deployment") && c.note() != null), served.toString());
        List<Deployment> deployments = client.apps().deployments().inNamespace("umbra-acme").list().getItems();
        assertEquals(4, deployments.size());
        for (Deployment d : deployments) {
            assertTrue(d.getSpec().getReplicas() >= 1, d.getMetadata().getName() + " at " + d.getSpec().getReplicas() + " replicas");
            assertTrue(d.getMetadata().getAnnotations() == null || !d.getMetadata().getAnnotations().containsKey(TenantOverlay.HELD_ANNOTATION),
                    d.getMetadata().getName());
        }
        assertEquals(batchKey.fingerprint(), keyService("umbra-acme").getSpec().getTemplate().getMetadata().getAnnotations()
                .get(TenantOverlay.BATCH_FINGERPRINT_ANNOTATION));
        assertEquals(bundleKey.keysetJson(), pinnedIn("umbra-acme", ACME));
        assertEquals(batchKey.keysetJson(), batchPinIn("umbra-acme", ACME).getData().get(TenantOverlay.BATCH_VERIFICATION_KEY_FILE));

        // and once their pods are ready, the tenant is ready
        for (Deployment d : deployments) {
            d.setStatus(new DeploymentStatusBuilder().withReadyReplicas(d.getSpec().getReplicas()).withReplicas(d.getSpec().getReplicas()).build());
            client.resource(d).updateStatus();
        }
        assertTrue(provisioner.awaitReady(ACME, Duration.ofSeconds(5), polls -> { }));
    }

    @Test
    void aBadBatchKeysetIsRefusedBeforeAnythingIsWritten() {
        TestKeys.Pair pair = TestKeys.ed25519();
        // the private half (batch-signing material must never be pinned), not JSON, not a keyset
        for (String bad : List.of(pair.privateKeyset(), "not json", "{\"primaryKeyId\": 1}", "[]", "")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> PinnedVerificationKey.parseBatch(ACME, bad), bad);
            assertTrue(e.getMessage().contains("batch-verification key for acme"), e.getMessage());
            assertFalse(e.getMessage().contains(pair.privateKeyset()), "the private keyset is never echoed");
        }
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PinnedVerificationKey.parseBatch(ACME, pair.privateKeyset())).getMessage().contains("private key material"));
        // nothing reached the cluster: checking the file needs no cluster, and nothing was applied
        assertNull(client.namespaces().withName("umbra-acme").get());

        // a pin edited by hand into something unusable stops the next apply before it writes anything
        provisioner.apply(ACME, TenantSettings.NONE.withBatchVerificationKey(PinnedVerificationKey.parseBatch(ACME, pair.publicKeyset())), false, false);
        ConfigMap pin = batchPinIn("umbra-acme", ACME);
        pin.setData(Map.of(TenantOverlay.BATCH_VERIFICATION_KEY_FILE, pair.privateKeyset()));
        client.resource(pin).update();
        String before = keyService("umbra-acme").getMetadata().getResourceVersion();
        IllegalStateException stopped = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> provisioner.apply(ACME));
        assertTrue(stopped.getMessage().contains("batch-verification key pinned for acme") && !stopped.getMessage().contains(pair.privateKeyset()),
                stopped.getMessage());
        assertEquals(before, keyService("umbra-acme").getMetadata().getResourceVersion());
    }

    @Test
    void applyPrunesWhatTheRenderingNoLongerHasOfThatTenantOnly() {
        provisioner.apply(ACME);
        provisioner.apply(ACME_EU);
        createKek(ACME);
        // what an older template rendered, for both tenants
        for (TenantId t : List.of(ACME, ACME_EU)) {
            String ns = "umbra-" + t.value();
            Map<String, String> labels = Map.of(Manifests.TENANT_LABEL, t.value(), "app.kubernetes.io/part-of", "umbra");
            client.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("retired-feature")
                    .withNamespace(ns).withLabels(labels).endMetadata().addToData("X", "1").build()).create();
            client.resource(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder().withNewMetadata().withName("allow-retired")
                    .withNamespace(ns).withLabels(labels).endMetadata().withNewSpec().withNewPodSelector().endPodSelector().endSpec().build()).create();
            client.resource(new SecretBuilder().withNewMetadata().withName(t.value() + ".retired-service").withNamespace(ns)
                    .withLabels(labels).withAnnotations(Map.of(TenantProvisioner.COPIED_FROM_ANNOTATION, Manifests.KAFKA_NAMESPACE)).endMetadata().addToData("password", b64("x")).build()).create();
            KafkaTopic legacy = TopicSpecs.kafkaTopics(t).getFirst();
            legacy.getMetadata().setName(t.value() + ".legacy");
            legacy.getSpec().setTopicName(t.value() + ".legacy");
            client.resource(legacy).create();
        }
        // something of acme's that is not labelled (made by hand): not provisioning's to prune
        client.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("bank-notes")
                .withNamespace("umbra-acme").endMetadata().addToData("X", "1").build()).create();

        List<Change> changes = provisioner.apply(ACME);
        List<Change> pruned = changes.stream().filter(c -> c.note() != null && (c.outcome() == Outcome.DELETED || c.outcome() == Outcome.KEPT)).toList();
        assertEquals(Set.of("ConfigMap umbra-acme/retired-feature DELETED", "NetworkPolicy umbra-acme/allow-retired DELETED",
                        "Secret umbra-acme/acme.retired-service DELETED", "KafkaTopic umbra-kafka/acme.legacy KEPT"),
                pruned.stream().map(c -> c.kind() + " " + c.namespace() + "/" + c.name() + " " + c.outcome()).collect(Collectors.toSet()));
        assertNull(client.configMaps().inNamespace("umbra-acme").withName("retired-feature").get());
        assertNull(client.secrets().inNamespace("umbra-acme").withName("acme.retired-service").get());
        // data is never pruned: the topic stays, reported; the key material and the unlabelled ConfigMap stay
        assertNotNull(client.resources(KafkaTopic.class).inNamespace(Manifests.KAFKA_NAMESPACE).withName("acme.legacy").get());
        assertNotNull(client.secrets().inNamespace("umbra-acme").withName("umbra-acme-kek").get());
        assertNotNull(client.persistentVolumeClaims().inNamespace("umbra-acme").withName(TenantProvisioner.KEYS_PVC).get());
        assertNotNull(client.configMaps().inNamespace("umbra-acme").withName("bank-notes").get());
        // acme-eu's leftovers are acme-eu's business: untouched until acme-eu is applied
        assertNotNull(client.configMaps().inNamespace("umbra-acme-eu").withName("retired-feature").get());
        assertNotNull(client.secrets().inNamespace("umbra-acme-eu").withName("acme-eu.retired-service").get());
        for (HasMetadata r : provisioner.resourcesOf(ACME)) {
            assertNotNull(client.resource(r).get(), "pruning took a rendered " + r.getKind() + " " + r.getMetadata().getName());
        }
        // pruned once: the next apply has nothing left to prune
        assertTrue(provisioner.apply(ACME).stream().noneMatch(c -> c.outcome() == Outcome.DELETED));
    }

    /** What Strimzi's operators write in the Kafka namespace: the cluster CA, and each KafkaUser's SCRAM password. */
    private void strimziWritesItsSecrets() {
        java.util.Set<String> users = new java.util.TreeSet<>();
        client.resources(KafkaUser.class).inNamespace(Manifests.KAFKA_NAMESPACE).list().getItems().forEach(u -> users.add(u.getMetadata().getName()));
        for (String user : users) {
            client.resource(new SecretBuilder().withNewMetadata().withName(user).withNamespace(Manifests.KAFKA_NAMESPACE).endMetadata()
                    .addToData("password", b64("password of " + user)).addToData("sasl.jaas.config", b64("…")).build()).createOr(r -> r.update());
        }
        client.resource(new SecretBuilder().withNewMetadata().withName(Manifests.CLUSTER_CA_SECRET).withNamespace(Manifests.KAFKA_NAMESPACE).endMetadata()
                .addToData("ca.crt", b64("ca")).addToData("ca.p12", b64("p12")).addToData("ca.password", b64("secret")).build()).createOr(r -> r.update());
    }

    /** Each Deployment's digest of the Strimzi Secrets it mounts (pod-template annotation). */
    private Map<String, String> credentialDigests(String namespace) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
            var a = d.getSpec().getTemplate().getMetadata().getAnnotations();
            if (a != null && a.containsKey(SecretCopies.CREDENTIALS_ANNOTATION)) {
                out.put(d.getMetadata().getName(), a.get(SecretCopies.CREDENTIALS_ANNOTATION));
            }
        }
        return out;
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Change poolUserChange(List<Change> changes) {
        return changes.stream().filter(c -> c.kind().equals("KafkaUser") && c.name().equals("umbra-he-scoring")).findFirst().orElseThrow();
    }

    private int encryptReplicas(String namespace) {
        return client.apps().deployments().inNamespace(namespace).withName("encrypt-service").get().getSpec().getReplicas();
    }

    private String pinnedIn(String namespace, TenantId tenant) {
        return client.configMaps().inNamespace(namespace).withName(TenantOverlay.pinnedKeyConfigMapName(tenant)).get()
                .getData().get(TenantOverlay.VERIFICATION_KEY_FILE);
    }

    private Map<String, String> poolPinnedKeys() {
        ConfigMap cm = client.configMaps().inNamespace(Manifests.SCORING_NAMESPACE).withName(TenantProvisioner.POOL_PINNED_KEYS).get();
        return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    }

    /** The bank's two KEK Secrets (the key-service's and the encrypt-service's). */
    private void createKek(TenantId tenant) {
        for (String name : TenantProvisioner.bankSecrets(tenant)) {
            Secret kek = new SecretBuilder().withNewMetadata().withName(name)
                    .withNamespace("umbra-" + tenant.value()).endMetadata()
                    .withStringData(Map.of("kek.keyset", "not a real keyset")).build();
            client.resource(kek).create();
        }
    }

    private Deployment keyService(String namespace) {
        return client.apps().deployments().inNamespace(namespace).withName("key-service").get();
    }

    private ConfigMap batchPinIn(String namespace, TenantId tenant) {
        return client.configMaps().inNamespace(namespace).withName(TenantOverlay.batchKeyConfigMapName(tenant)).get();
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
