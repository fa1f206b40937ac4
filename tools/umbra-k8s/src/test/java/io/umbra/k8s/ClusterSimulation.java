package io.umbra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a real cluster does that fabric8's CRUD test server does not, so the provisioning tests meet the
 * behaviour a platform engineer would: the CRDs and the versions they serve (a version not served is
 * refused with 404, as the API server does), {@code SelfSubjectAccessReview} answers, Strimzi's User
 * Operator (it writes each KafkaUser's Secret with the KafkaUser's labels copied onto it, owned by the
 * KafkaUser, and generates a <em>new</em> password when that Secret is gone), the cluster CA and its
 * renewal, and {@code kubectl apply} of a custom resource (a JSON merge patch: maps merge, lists are
 * replaced whole).
 */
final class ClusterSimulation {
    static final String STRIMZI = "kafka.strimzi.io";
    /** What Strimzi 0.48's CRDs serve (v1 came with 0.49). */
    static final List<String> STRIMZI_048 = List.of("v1beta2");
    static final List<String> STRIMZI_049 = List.of("v1beta2", "v1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final KubernetesMockServer server;
    private final Set<String> denied = new HashSet<>();
    private List<String> strimziServed = List.of();
    /** How many passwords the User Operator generated, per user: more than one means a client's copy went stale. */
    final Map<String, Integer> passwordsGenerated = new LinkedHashMap<>();

    ClusterSimulation(KubernetesClient client, KubernetesMockServer server) {
        this.client = client;
        this.server = server;
    }

    /** Strimzi's CRDs serving {@code versions} (others refused), KEDA's, and access reviews that allow all but {@link #deny}. */
    ClusterSimulation install(List<String> strimziVersions) {
        strimziServed = List.copyOf(strimziVersions);
        for (String plural : List.of("kafkas", "kafkanodepools", "kafkatopics", "kafkausers")) {
            client.resource(crd(STRIMZI, plural, strimziVersions)).create();
            for (String v : List.of("v1alpha1", "v1beta1", "v1beta2", "v1")) {
                if (!strimziVersions.contains(v)) {
                    refuse(v, plural);
                }
            }
        }
        client.resource(crd("keda.sh", "scaledobjects", List.of("v1alpha1"))).create();
        client.resource(crd("keda.sh", "triggerauthentications", List.of("v1alpha1"))).create();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").andReply(201, request -> {
            SelfSubjectAccessReview review = Serialization.unmarshal(request.getBody().readUtf8(), SelfSubjectAccessReview.class);
            var attrs = review.getSpec().getResourceAttributes();
            String key = attrs.getVerb() + " " + attrs.getResource() + " " + (attrs.getNamespace() == null ? "" : attrs.getNamespace());
            review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(!denied.contains(key)).build());
            return review;
        }).always();
        return this;
    }

    /** The Prometheus Operator's PodMonitor CRD. */
    ClusterSimulation installPrometheusOperator() {
        client.resource(crd("monitoring.coreos.com", "podmonitors", List.of("v1"))).create();
        return this;
    }

    /** The caller may not {@code verb} {@code resource} in {@code namespace} ("" for cluster-scoped). */
    void deny(String verb, String resource, String namespace) {
        denied.add(verb + " " + resource + " " + namespace);
    }

    void uninstallKeda() {
        client.apiextensions().v1().customResourceDefinitions().withName("scaledobjects.keda.sh").delete();
    }

    private void refuse(String version, String plural) {
        // the API server has no such URL when the CRD does not serve the version
        String collection = "/apis/" + STRIMZI + "/" + version + "/namespaces/" + Manifests.KAFKA_NAMESPACE + "/" + plural;
        Object notFound = Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "reason", "NotFound", "code", 404,
                "message", "the server could not find the requested resource");
        server.expect().post().withPath(collection).andReturn(404, notFound).always();
        server.expect().get().withPath(collection).andReturn(404, notFound).always();
    }

    private static CustomResourceDefinition crd(String group, String plural, List<String> served) {
        List<CustomResourceDefinitionVersion> versions = new ArrayList<>();
        for (String v : served) {
            versions.add(new CustomResourceDefinitionVersionBuilder().withName(v).withServed(true).withStorage(v.equals(served.getFirst())).build());
        }
        String kind = switch (plural) {
            case "kafkas" -> "Kafka";
            case "kafkanodepools" -> "KafkaNodePool";
            case "kafkatopics" -> "KafkaTopic";
            case "kafkausers" -> "KafkaUser";
            case "scaledobjects" -> "ScaledObject";
            case "triggerauthentications" -> "TriggerAuthentication";
            default -> "PodMonitor";
        };
        return new CustomResourceDefinitionBuilder().withNewMetadata().withName(plural + "." + group).endMetadata()
                .withNewSpec().withGroup(group).withScope("Namespaced")
                .withNewNames().withPlural(plural).withKind(kind).endNames()
                .withVersions(versions).endSpec().build();
    }

    /** Strimzi resources of {@code plural} in the Kafka namespace, read at the newest version the CRDs serve. */
    List<GenericKubernetesResource> strimzi(String plural) {
        String kind = plural.equals("kafkausers") ? "KafkaUser" : "KafkaTopic";
        ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(STRIMZI).withVersion(strimziServed.getLast())
                .withPlural(plural).withKind(kind).withNamespaced(true).build();
        return client.genericKubernetesResources(ctx).inNamespace(Manifests.KAFKA_NAMESPACE).list().getItems();
    }

    /**
     * One reconciliation of the User Operator: each KafkaUser gets its Secret (its labels, Strimzi's own,
     * an owner reference to the KafkaUser); a Secret that is gone gets a newly generated password; the
     * cluster CA is written if absent.
     */
    void userOperatorReconciles() {
        for (GenericKubernetesResource user : strimzi("kafkausers")) {
            String name = user.getMetadata().getName();
            if (client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(name).get() != null) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>(user.getMetadata().getLabels());
            labels.put("app.kubernetes.io/instance", name);
            labels.put("app.kubernetes.io/managed-by", "strimzi-user-operator");
            labels.put("strimzi.io/kind", "KafkaUser");
            String password = Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong());
            passwordsGenerated.merge(name, 1, Integer::sum);
            client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(Manifests.KAFKA_NAMESPACE).withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(user.getApiVersion()).withKind("KafkaUser").withName(name)
                            .withUid(user.getMetadata().getUid() == null ? name : user.getMetadata().getUid()).withController(true).build())
                    .endMetadata()
                    .addToData("password", b64(password)).addToData("sasl.jaas.config", b64("… password=\"" + password + "\";")).build()).create();
        }
        if (client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(Manifests.CLUSTER_CA_SECRET).get() == null) {
            writeCa("ca generation 0");
        }
    }

    /** The Cluster Operator renews the cluster CA. */
    void renewClusterCa(String generation) {
        writeCa(generation);
    }

    private void writeCa(String generation) {
        Map<String, String> labels = Map.of("strimzi.io/cluster", Manifests.KAFKA_CLUSTER, "strimzi.io/kind", "Kafka",
                "app.kubernetes.io/managed-by", "strimzi-cluster-operator");
        client.resource(new SecretBuilder().withNewMetadata().withName(Manifests.CLUSTER_CA_SECRET).withNamespace(Manifests.KAFKA_NAMESPACE)
                .withLabels(labels).endMetadata()
                .addToData("ca.crt", b64(generation)).addToData("ca.p12", b64(generation + " p12")).addToData("ca.password", b64(generation + " pw"))
                .build()).createOr(r -> r.update());
    }

    /** The password the brokers accept for {@code user} now: the one in Strimzi's Secret. */
    String currentPassword(String user) {
        Secret s = client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(user).get();
        return s == null ? null : s.getData().get("password");
    }

    /**
     * {@code kubectl apply -f} of a custom resource already in the cluster: a JSON merge patch of the file
     * over the live object (maps merge key by key, a list replaces the live list whole); absent, created.
     */
    void kubectlApply(HasMetadata fromFile) {
        // one object whatever version names it, as on a real API server; the CRUD server keys by version
        String version = strimziServed.getLast();
        String plural = fromFile.getKind().toLowerCase(java.util.Locale.ROOT) + "s";
        ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(STRIMZI).withVersion(version)
                .withPlural(plural).withKind(fromFile.getKind()).withNamespaced(true).build();
        var ops = client.genericKubernetesResources(ctx).inNamespace(fromFile.getMetadata().getNamespace());
        JsonNode file = JSON.valueToTree(Serialization.jsonMapper().convertValue(fromFile, Map.class));
        ((ObjectNode) file).put("apiVersion", STRIMZI + "/" + version);
        GenericKubernetesResource live = ops.withName(fromFile.getMetadata().getName()).get();
        if (live == null) {
            ops.resource(JSON.convertValue(file, GenericKubernetesResource.class)).create();
            return;
        }
        JsonNode merged = mergePatch(JSON.valueToTree(Serialization.jsonMapper().convertValue(live, Map.class)), file);
        ops.resource(JSON.convertValue(merged, GenericKubernetesResource.class)).update();
    }

    /** RFC 7386. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JSON.createObjectNode();
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
            }
        });
        return out;
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
