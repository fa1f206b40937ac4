package io.umbra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.zjsonpatch.JsonPatch;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.k8s.keda.ScaledObject;
import io.umbra.k8s.keda.TriggerAuthentication;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** k8s/kafka and k8s/scoring: every manifest typed and strict, and the settings the issue names. */
class SharedManifestsTest {

    @Test
    void everyYamlFileOfEachDirectoryIsInItsKustomization() {
        for (String dir : List.of("kafka", "scoring/base", "tenant-template", "provisioner")) {
            assertEquals(K8sDirs.yamlFiles(dir), Kustomization.read(dir).resources().stream().sorted().toList(),
                    dir + ": a file kubectl -k would not apply, or a listed file that is missing");
        }
        assertEquals(List.of(), K8sDirs.yamlFiles("scoring/gpu"));
    }

    @Test
    void theKafkaClusterIsKraftWithATlsOnlyListenerAndSimpleAuthorization() {
        List<HasMetadata> all = K8sDirs.parseDir("kafka");
        // no KafkaUser: the pool's is rendered whole by provisioning (its ACL list has one writer)
        assertEquals(List.of(Namespace.class, Kafka.class, KafkaNodePool.class, KafkaTopic.class),
                all.stream().map(Object::getClass).toList());
        Kafka kafka = (Kafka) all.get(1);
        // Strimzi 0.46+ is KRaft with node pools only; the old annotations are ignored and only mislead
        Map<String, String> annotations = kafka.getMetadata().getAnnotations() == null ? Map.of() : kafka.getMetadata().getAnnotations();
        assertFalse(annotations.containsKey("strimzi.io/kraft") || annotations.containsKey("strimzi.io/node-pools"), annotations.toString());
        List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
        assertFalse(listeners.isEmpty());
        for (GenericKafkaListener l : listeners) {
            assertTrue(l.isTls(), l.getName() + " must be TLS: ACLs mean nothing on a plaintext listener");
            // SCRAM-SHA-512 over TLS: what the services' KAFKA_SECURITY_PROTOCOL=SASL_SSL logs in with
            assertTrue(l.getAuth() instanceof io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512, l.getName());
        }
        assertTrue(kafka.getSpec().getKafka().getAuthorization() instanceof KafkaAuthorizationSimple);
        assertEquals(false, kafka.getSpec().getKafka().getConfig().get("auto.create.topics.enable"));
        // replication must move a full score record
        assertTrue(((Number) kafka.getSpec().getKafka().getConfig().get("replica.fetch.max.bytes")).intValue()
                >= Topics.SCORE_TOPIC_MAX_MESSAGE_BYTES);
        KafkaNodePool pool = (KafkaNodePool) all.get(2);
        assertEquals(Manifests.KAFKA_CLUSTER, pool.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertTrue(pool.getSpec().getRoles().containsAll(List.of(ProcessRoles.CONTROLLER, ProcessRoles.BROKER)));
        KafkaTopic keys = (KafkaTopic) all.get(3);
        // the banks' way in: an external listener, TLS and SCRAM like the internal one
        assertTrue(listeners.stream().anyMatch(l -> !l.getType().toValue().equals("internal")), "an external listener for the banks' producers");
        assertEquals(Topics.PUBLIC_KEYS, keys.getSpec().getTopicName());
        assertEquals("compact", keys.getSpec().getConfig().get("cleanup.policy"));
    }

    @Test
    void theScoringPoolUserWithoutTenantsTouchesNoTenantTopic() {
        KafkaUser user = (KafkaUser) ManifestParser.parseAll(Manifests.read(ScoringPoolUser.FILE), ScoringPoolUser.FILE).getFirst();
        for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            if (rule.getResource() instanceof AclRuleTopicResource topic) {
                assertEquals(Topics.PUBLIC_KEYS, topic.getName());
                assertEquals(AclResourcePatternType.LITERAL, topic.getPatternType());
            }
        }
    }

    @Test
    void theScoringBaseAsksForNoGpuHasABudgetAndSpreadReplicas() {
        List<HasMetadata> all = K8sDirs.parseDir("scoring/base");
        Deployment d = only(all, Deployment.class);
        var pod = d.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().getFirst();
        // the Java backend never uses a GPU: the default must not reserve one
        assertFalse(c.getResources().getLimits().containsKey("nvidia.com/gpu"));
        assertTrue(pod.getNodeSelector() == null || pod.getNodeSelector().isEmpty());
        assertTrue(pod.getTolerations() == null || pod.getTolerations().isEmpty());
        assertFalse(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty());
        PodDisruptionBudget pdb = only(all, PodDisruptionBudget.class);
        assertEquals(d.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
        assertEquals("umbra/he-scoring-service", c.getImage());
        assertEquals(1, Kustomization.read("scoring/base").images().size());
        // the CPU kernels of he/he-native: what a node without a GPU runs best
        assertEquals("native", only(all, ConfigMap.class).getData().get(ServiceEnvironment.UMBRA_HE_BACKEND));
    }

    @Test
    void kedaScalesTheScoringGroupOnLagWithinThePartitionCount() {
        List<HasMetadata> all = K8sDirs.parseDir("scoring/base");
        ScaledObject scaled = only(all, ScaledObject.class);
        ScaledObject.Spec spec = scaled.getSpec();
        assertEquals("he-scoring-service", spec.scaleTargetRef().name());
        assertEquals(only(all, Deployment.class).getMetadata().getName(), spec.scaleTargetRef().name());
        assertTrue(spec.minReplicaCount() >= 1, "a cold GPU pod is too slow for the first batch");
        // more members than partitions would sit idle holding a GPU (explained in scaledobject.yaml)
        assertTrue(spec.maxReplicaCount() <= TopicSpecs.partitions(TopicKind.SCORE_REQUESTS));
        assertTrue(spec.maxReplicaCount() > spec.minReplicaCount());
        assertNotNull(spec.cooldownPeriod());
        ScaledObject.Trigger trigger = spec.triggers().getFirst();
        assertEquals("kafka", trigger.type());
        Map<String, String> m = trigger.metadata();
        assertEquals("umbra.he-scoring", m.get("consumerGroup"));
        assertTrue(Integer.parseInt(m.get("lagThreshold")) > 0);
        assertNull(m.get("topic"), "without a topic the scaler counts every tenant's score.requests");
        assertEquals("false", m.get("allowIdleConsumers"));
        TriggerAuthentication auth = only(all, TriggerAuthentication.class);
        assertEquals(auth.getMetadata().getName(), trigger.authenticationRef().name());
        // the pool's own SCRAM login over TLS: password and CA from Strimzi's Secrets, the user name from the pool's environment
        assertEquals("enable", m.get("tls"));
        assertEquals("scram_sha512", m.get("sasl"));
        assertEquals(List.of("password:umbra-he-scoring/password", "ca:" + Manifests.CLUSTER_CA_SECRET + "/ca.crt"),
                auth.getSpec().secretTargetRef().stream().map(r -> r.parameter() + ":" + r.name() + "/" + r.key()).toList());
        assertEquals(List.of("username:KAFKA_SASL_USERNAME@he-scoring-service"),
                auth.getSpec().env().stream().map(e -> e.parameter() + ":" + e.name() + "@" + e.containerName()).toList());
    }

    @Test
    void theGpuOverlayAddsExactlyOneGpuTheGpuNodeSelectorAndTolerationAndNoSurge() {
        Kustomization overlay = Kustomization.read("scoring/gpu");
        assertEquals(List.of("../base"), overlay.resources());
        Kustomization.Patch patch = overlay.patches().getFirst();
        assertEquals("Deployment", patch.target().kind());
        JsonNode base = ManifestParser.toTree(only(K8sDirs.parseDir("scoring/base"), Deployment.class));
        // kustomize fails on a replace of a missing path; zjsonpatch does too, so the paths are checked here
        JsonNode patched = JsonPatch.apply(ManifestParser.yamlTree(patch.patch()), base);
        Deployment gpu = (Deployment) ManifestParser.parse(patched, "gpu");
        var pod = gpu.getSpec().getTemplate().getSpec();
        assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"));
        assertEquals("nvidia.com/gpu", pod.getTolerations().getFirst().getKey());
        Container c = pod.getContainers().getFirst();
        assertEquals("1", c.getResources().getLimits().get("nvidia.com/gpu").toString());
        assertEquals(0, gpu.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal());
        assertEquals(base.at("/spec/template/spec/containers/0/resources/limits/memory"),
                patched.at("/spec/template/spec/containers/0/resources/limits/memory"));
        assertEquals(base.at("/spec/template/spec/affinity"), patched.at("/spec/template/spec/affinity"));
        // and the pool uses the GPU it reserves: the CUDA backend
        Kustomization.Patch env = overlay.patches().get(1);
        assertEquals("ConfigMap", env.target().kind());
        JsonNode config = JsonPatch.apply(ManifestParser.yamlTree(env.patch()),
                ManifestParser.toTree(only(K8sDirs.parseDir("scoring/base"), ConfigMap.class)));
        assertEquals("cuda", config.at("/data/" + ServiceEnvironment.UMBRA_HE_BACKEND).asText());
    }

    static <T> T only(List<HasMetadata> all, Class<T> type) {
        List<T> found = all.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), type.getSimpleName());
        return found.getFirst();
    }
}
