package io.umbra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.umbra.events.TenantId;
import io.umbra.events.TenantTopic;
import io.umbra.events.Topics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overlay rendered for two tenants whose ids share a prefix ({@code acme}, {@code acme-eu}): the
 * case where a careless prefix ACL or selector would leak one bank's data to the other.
 */
class TenantOverlayTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId ACME_EU = TenantId.of("acme-eu");
    private static final TenantOverlay A = TenantOverlay.render(ACME);
    private static final TenantOverlay B = TenantOverlay.render(ACME_EU);

    @Test
    void aTenantGetsItsNamespaceFourServicesQuotaPoliciesKeysVolumeTopicsAndUsers() {
        for (TenantOverlay o : List.of(A, B)) {
            assertEquals("umbra-" + o.tenant(), o.namespace());
            assertEquals(o.namespace(), o.resources().getFirst().getMetadata().getName(), "the Namespace comes first");
            assertTrue(o.resources().getFirst() instanceof Namespace);
            Set<String> services = Set.of("ingest-service", "encrypt-service", "key-service", "alert-service");
            assertEquals(services, names(o.resources(Deployment.class)));
            assertEquals(services, names(o.resources(Service.class)));
            Set<String> configMaps = new HashSet<>(services);
            configMaps.add("api-auth");
            assertEquals(configMaps, names(o.resources(ConfigMap.class)), "no pinned key given: no pinned-key ConfigMap");
            for (ConfigMap cm : o.resources(ConfigMap.class).stream().filter(c -> services.contains(c.getMetadata().getName())).toList()) {
                assertEquals(o.tenant().value(), cm.getData().get("UMBRA_TENANT"));
                assertTrue(cm.getData().get("KAFKA_BOOTSTRAP_SERVERS").endsWith(".umbra-kafka.svc:9093"));
            }
            assertEquals(1, o.resources(ResourceQuota.class).size());
            assertEquals(Set.of("key-service-keys", "encrypt-service-batch-signing"), names(o.resources(PersistentVolumeClaim.class)));
            // one per service and the bank's own producer
            assertEquals(5, o.resources(KafkaUser.class).size());
            assertFalse(o.resources(NetworkPolicy.class).isEmpty());
            for (HasMetadata r : o.resources()) {
                assertEquals(o.tenant().value(), r.getMetadata().getLabels().get(Manifests.TENANT_LABEL), r.getKind());
                String ns = r instanceof Namespace ? r.getMetadata().getName() : r.getMetadata().getNamespace();
                boolean kafkaSide = r instanceof KafkaTopic || r instanceof KafkaUser;
                assertEquals(kafkaSide ? Manifests.KAFKA_NAMESPACE : o.namespace(), ns, r.getKind() + " " + r.getMetadata().getName());
            }
            // as a whole word: UMBRA_TENANT, the variable's name, legitimately contains it
            assertFalse(java.util.regex.Pattern.compile("\\b" + TenantOverlay.PLACEHOLDER + "\\b")
                            .matcher(ManifestParser.toTree(o.resources()).toString()).find(),
                    "the placeholder must not survive rendering");
        }
    }

    @Test
    void theRenderedTopicsAreExactlyTopicsAllWithTheScoreTopicsRaisedMessageSize() {
        for (TenantOverlay o : List.of(A, B)) {
            List<String> expected = Topics.all(o.tenant()).stream().map(TenantTopic::name).toList();
            assertEquals(expected, o.kafkaTopics().stream().map(t -> t.getSpec().getTopicName()).toList());
            assertEquals(expected, o.kafkaTopics().stream().map(t -> t.getMetadata().getName()).toList());
            for (KafkaTopic t : o.kafkaTopics()) {
                TenantTopic topic = Topics.parse(t.getSpec().getTopicName());
                Object max = t.getSpec().getConfig().get("max.message.bytes");
                if (topic.kind().scoringZone()) {
                    // wide envelopes: the network on feature schema 2 at set (a) sends 27 ciphertexts, more than 8 MiB
                    assertEquals(Topics.maxMessageBytes(Topics.WIDE_ENVELOPE_BYTES), ((Number) max).intValue(), topic.name());
                } else {
                    assertEquals(null, max, topic.name() + " keeps Kafka's default");
                }
                assertEquals(TopicSpecs.partitions(topic.kind()), t.getSpec().getPartitions());
            }
        }
    }

    @Test
    void everyTopicIsBoundedByAgeOrByKeyAndTheAlertsOutliveKafkasDefaultWeek() {
        for (KafkaTopic t : A.kafkaTopics()) {
            TenantTopic topic = Topics.parse(t.getSpec().getTopicName());
            Map<String, Object> config = t.getSpec().getConfig();
            switch (topic.kind()) {
                case ALERTS -> {
                    // the alert store is rebuilt from this topic: a week's retention made a restart forget older alerts
                    assertEquals("compact,delete", config.get("cleanup.policy"));
                    assertEquals(java.time.Duration.ofDays(400).toMillis(), ((Number) config.get("retention.ms")).longValue());
                }
                case AUDIT -> {
                    assertEquals("delete", config.get("cleanup.policy"));
                    assertEquals(java.time.Duration.ofDays(400).toMillis(), ((Number) config.get("retention.ms")).longValue());
                }
                case DECRYPTED -> assertEquals("compact", config.get("cleanup.policy"), "tombstoned with its key version");
                case SCORE_REQUESTS, SCORE_RESULTS -> {
                    // ≈ 25 KB of ciphertext per transaction, read within seconds: 12 hours, not a week
                    assertEquals(null, config.get("cleanup.policy"), topic.name());
                    assertEquals(java.time.Duration.ofHours(12).toMillis(), ((Number) config.get("retention.ms")).longValue());
                }
                default -> {
                    // deleted by age at the cluster's default (Kafka's 7 days): nothing set here may make it unbounded
                    assertEquals(null, config.get("cleanup.policy"), topic.name());
                    assertEquals(null, config.get("retention.ms"), topic.name());
                }
            }
        }
    }

    @Test
    void theTemplatesTopicsFileForKubectlEqualsWhatTheRendererBuildsFromTopics() {
        for (TenantId t : List.of(ACME, ACME_EU)) {
            List<HasMetadata> fromFile = TenantOverlay.renderFile(t, TenantOverlay.TOPICS_FILE);
            assertEquals(ManifestParser.toTree(TopicSpecs.kafkaTopics(t)), ManifestParser.toTree(fromFile));
        }
    }

    @Test
    void everyKafkaAclOfATenantIsUnderItsOwnPrefixOrThePublicKeysTopic() {
        for (TenantOverlay o : List.of(A, B)) {
            String prefix = Topics.aclPrefix(o.tenant());
            for (KafkaUser user : o.resources(KafkaUser.class)) {
                assertTrue(user.getMetadata().getName().startsWith(prefix), user.getMetadata().getName());
                String service = user.getMetadata().getName().substring(prefix.length());
                for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
                    switch (rule.getResource()) {
                        // least privilege: literal topics of the tenant, the service's own internal-topic prefix, or the shared topic
                        case AclRuleTopicResource r -> assertTrue(
                                (isBankProducer(user) ? r.getName().equals(Topics.name(o.tenant(), io.umbra.events.TopicKind.TX_RAW))
                                        : r.getName().startsWith(prefix)) && r.getPatternType() == AclResourcePatternType.LITERAL
                                        || (!isBankProducer(user) && r.getName().equals(prefix + service + "-")
                                            && r.getPatternType() == AclResourcePatternType.PREFIX)
                                        || (r.getName().equals(Topics.PUBLIC_KEYS) && r.getPatternType() == AclResourcePatternType.LITERAL),
                                user.getMetadata().getName() + ": topic ACL " + r.getName());
                        case AclRuleGroupResource r -> {
                            assertEquals(prefix + service, r.getName(), "its own consumer group only");
                            assertEquals(AclResourcePatternType.LITERAL, r.getPatternType());
                        }
                        case AclRuleTransactionalIdResource r -> {
                            assertEquals(isBankProducer(user) ? prefix + "bank." : prefix + service + "-", r.getName(), "its own transactional ids only");
                            assertEquals(AclResourcePatternType.PREFIX, r.getPatternType());
                        }
                        case io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource r -> assertTrue(isBankProducer(user)
                                && rule.getOperations().equals(List.of(io.strimzi.api.kafka.model.user.acl.AclOperation.IDEMPOTENTWRITE)),
                                user.getMetadata().getName() + ": cluster ACL " + rule.getOperations());
                        default -> throw new AssertionError("unexpected ACL resource " + rule.getResource());
                    }
                }
            }
        }
    }

    private static boolean isBankProducer(KafkaUser user) {
        return TenantOverlay.BANK_PRODUCER.equals(user.getMetadata().getLabels().get("app.kubernetes.io/name"));
    }

    @Test
    void noPolicyOrAclOfOneTenantNamesTheOthersNamespaceIdOrTopics() {
        assertIsolated(A, B);
        assertIsolated(B, A);
    }

    @Test
    void theKeyServiceMountsTheBanksKekSecretAndItsKeysVolume() {
        for (TenantOverlay o : List.of(A, B)) {
            Deployment keys = o.resources(Deployment.class).stream()
                    .filter(d -> d.getMetadata().getName().equals("key-service")).findFirst().orElseThrow();
            List<Volume> volumes = keys.getSpec().getTemplate().getSpec().getVolumes();
            assertTrue(volumes.stream().anyMatch(v -> v.getSecret() != null
                    && v.getSecret().getSecretName().equals("umbra-" + o.tenant() + "-kek")));
            assertTrue(volumes.stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                    && v.getPersistentVolumeClaim().getClaimName().equals("key-service-keys")));
            assertEquals("Recreate", keys.getSpec().getStrategy().getType(), "a ReadWriteOnce volume cannot be shared during a rollout");
            // not held for the encrypt-service's batch-verification key: it runs and waits for the pin (TenantProvisionerTest)
            assertEquals(1, keys.getSpec().getReplicas());
        }
    }

    /**
     * What each service reads at start, resolved the way the kubelet resolves it: the variables of the
     * container's {@code envFrom} ConfigMaps and {@code env}, and each file variable's path inside a volume the
     * container mounts, of the kind it must be. For a tenant before onboarding, with every key pinned, and with
     * a KMS-held KEK.
     */
    @Test
    void everyRenderedDeploymentHasEveryVariableItsServiceRequiresInProductionWithItsFilesMounted() {
        PinnedVerificationKey bundle = PinnedVerificationKey.parse(ACME, TestKeys.ed25519().publicKeyset());
        PinnedVerificationKey batch = PinnedVerificationKey.parseBatch(ACME, TestKeys.ed25519().publicKeyset());
        TenantSettings pinned = new TenantSettings(java.util.Optional.of(bundle), java.util.Optional.of("https://idp.acme.example/realms/fraud"),
                java.util.Optional.of("https://idp.acme.example/realms/fraud/certs"), java.util.Optional.empty(), java.util.Optional.of(batch));
        TenantSettings kms = new TenantSettings(java.util.Optional.of(bundle), pinned.jwtIssuer(), pinned.jwtJwks(),
                java.util.Optional.of("gcp-kms://projects/p/locations/l/keyRings/r/cryptoKeys/k"), java.util.Optional.of(batch));
        for (TenantSettings settings : List.of(TenantSettings.NONE, pinned, kms)) {
            TenantOverlay o = TenantOverlay.render(ACME, settings);
            java.util.Map<String, ConfigMap> configMaps = new java.util.HashMap<>();
            o.resources(ConfigMap.class).forEach(cm -> configMaps.put(cm.getMetadata().getName(), cm));
            for (Deployment d : o.resources(Deployment.class)) {
                String service = d.getMetadata().getName();
                var pod = d.getSpec().getTemplate().getSpec();
                var c = pod.getContainers().getFirst();
                java.util.Map<String, String> env = new java.util.HashMap<>();
                for (var from : c.getEnvFrom()) {
                    ConfigMap cm = configMaps.get(from.getConfigMapRef().getName());
                    assertTrue(cm != null, service + " reads ConfigMap " + from.getConfigMapRef().getName() + ", which is not rendered");
                    if (cm.getData() != null) {
                        env.putAll(cm.getData());
                    }
                }
                c.getEnv().forEach(e -> env.put(e.getName(), e.getValue() == null ? "(from the pod)" : e.getValue()));
                String where = service + " with " + settings;
                assertTrue(env.keySet().containsAll(ServiceEnvironment.required(ServiceEnvironment.Role.ofModule(service))), where + ": " + env.keySet());
                assertEquals("true", env.get(ServiceEnvironment.UMBRA_PRODUCTION), where);
                assertTrue(env.get(ServiceEnvironment.KAFKA_SECURITY_PROTOCOL).equals("SASL_SSL"), where + ": production needs TLS to Kafka");
                // probes on the management port, 9000
                var management = c.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst().orElseThrow();
                assertEquals(ServiceEnvironment.MANAGEMENT_PORT, management.getContainerPort(), where);
                assertEquals(Integer.toString(ServiceEnvironment.MANAGEMENT_PORT), env.get(ServiceEnvironment.QUARKUS_MANAGEMENT_PORT), where);
                for (var probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
                    assertEquals("management", probe.getHttpGet().getPort().getStrVal(), where);
                }
                if (service.equals("ingest-service") || service.equals("key-service") || service.equals("alert-service")) {
                    assertTrue(c.getEnvFrom().stream().anyMatch(f -> f.getConfigMapRef().getName().equals("api-auth")), where + " reads api-auth");
                    if (settings != TenantSettings.NONE) {
                        assertEquals("https://idp.acme.example/realms/fraud", env.get(ServiceEnvironment.UMBRA_JWT_ISSUER), where);
                        assertTrue(env.get(ServiceEnvironment.UMBRA_JWT_JWKS).startsWith("https://"), where);
                    }
                }
                if (service.equals("encrypt-service")) {
                    Volume signing = volumeAt(d, env.get(ServiceEnvironment.UMBRA_BATCH_SIGNING_DIR));
                    assertEquals("encrypt-service-batch-signing", signing.getPersistentVolumeClaim().getClaimName(), where + ": the signing key survives restarts");
                    assertFalse(mountOf(d, signing.getName()).getReadOnly() != null && mountOf(d, signing.getName()).getReadOnly(), where + ": writable");
                    assertEquals("Recreate", d.getSpec().getStrategy().getType(), where + ": a ReadWriteOnce volume cannot be shared during a rollout");
                    assertTrue(d.getSpec().getReplicas() <= 1, where);
                    if (settings == kms) {
                        assertEquals(kms.kekUri().get(), env.get(ServiceEnvironment.UMBRA_KEK_URI), where);
                        assertFalse(env.containsKey(ServiceEnvironment.UMBRA_KEK_FILE), where);
                        assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().endsWith("-kek")), where);
                    } else {
                        Volume kek = volumeAt(d, env.get(ServiceEnvironment.UMBRA_KEK_FILE));
                        assertEquals("umbra-acme-encrypt-kek", kek.getSecret().getSecretName(), where);
                        assertEquals(0400, kek.getSecret().getDefaultMode(), where + ": the service refuses a KEK its group may read");
                        assertFalse(env.containsKey(ServiceEnvironment.UMBRA_KEK_URI), where);
                    }
                    assertEquals(settings.verificationKey().isPresent() ? 1 : 0, d.getSpec().getReplicas(), where);
                }
                if (service.equals("key-service")) {
                    String file = env.get(ServiceEnvironment.UMBRA_BATCH_VERIFICATION_KEY_FILE);
                    Volume pin = volumeAt(d, file);
                    assertEquals("acme-batch-verification", pin.getConfigMap().getName(), where);
                    assertTrue(pin.getConfigMap().getItems().stream().anyMatch(i -> i.getKey().equals(TenantOverlay.BATCH_VERIFICATION_KEY_FILE)
                            && file.endsWith("/" + i.getPath())), where);
                    // the pin is optional: the pod starts before it (and waits to decrypt), the kubelet adds the file later
                    assertEquals(Boolean.TRUE, pin.getConfigMap().getOptional(), where);
                    assertEquals(1, d.getSpec().getReplicas(), where);
                    assertEquals(settings.batchVerificationKey().isPresent(), configMaps.containsKey("acme-batch-verification"), where);
                    if (settings == kms) {
                        assertEquals(kms.kekUri().get(), env.get(ServiceEnvironment.UMBRA_KEK_URI), where);
                    }
                }
            }
        }
    }

    /** The volume the first container mounts at the directory holding {@code path} (or at {@code path} itself). */
    private static Volume volumeAt(Deployment d, String path) {
        assertTrue(path != null && path.startsWith("/"), d.getMetadata().getName() + ": " + path);
        var mount = d.getSpec().getTemplate().getSpec().getContainers().getFirst().getVolumeMounts().stream()
                .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
                .max(java.util.Comparator.comparingInt(m -> m.getMountPath().length()))
                .orElseThrow(() -> new AssertionError(d.getMetadata().getName() + " mounts nothing at " + path));
        return d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    }

    private static io.fabric8.kubernetes.api.model.VolumeMount mountOf(Deployment d, String volume) {
        return d.getSpec().getTemplate().getSpec().getContainers().getFirst().getVolumeMounts().stream()
                .filter(m -> m.getName().equals(volume)).findFirst().orElseThrow();
    }

    @Test
    void anInvalidTenantIdIsRefusedBeforeAnythingIsRendered() {
        assertThrows(IllegalArgumentException.class, () -> TenantOverlay.render("Acme"));
        assertThrows(IllegalArgumentException.class, () -> TenantOverlay.render("umbra-x"));
        assertThrows(IllegalArgumentException.class, () -> TenantOverlay.render("acme.eu"));
    }

    @Test
    void imagesAreRewrittenAsTheKustomizationSays() {
        for (Deployment d : A.resources(Deployment.class)) {
            assertEquals("umbra/" + d.getMetadata().getName() + ":0.1.0",
                    d.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
        }
    }

    /** No string value in {@code own}'s NetworkPolicies and KafkaUsers names {@code other}'s id, namespace, prefix or topics. */
    private static void assertIsolated(TenantOverlay own, TenantOverlay other) {
        Set<String> forbidden = new HashSet<>();
        forbidden.add(other.tenant().value());
        forbidden.add(other.namespace());
        forbidden.add(Topics.aclPrefix(other.tenant()));
        Topics.all(other.tenant()).forEach(t -> forbidden.add(t.name()));
        List<HasMetadata> guarded = new ArrayList<>(own.resources(NetworkPolicy.class));
        guarded.addAll(own.resources(KafkaUser.class));
        assertFalse(guarded.isEmpty());
        for (HasMetadata r : guarded) {
            List<String> values = new ArrayList<>();
            strings(ManifestParser.toTree(r), values);
            for (String v : values) {
                assertFalse(forbidden.contains(v), own.tenant() + "'s " + r.getKind() + " " + r.getMetadata().getName() + " names " + v);
                assertFalse(v.startsWith(Topics.aclPrefix(other.tenant())), v);
            }
        }
    }

    private static void strings(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.forEach(child -> strings(child, out));
    }

    private static Set<String> names(List<? extends HasMetadata> resources) {
        Set<String> names = new HashSet<>();
        resources.forEach(r -> names.add(r.getMetadata().getName()));
        return names;
    }
}
