package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster's objects as provisioning reads and writes them: a Strimzi resource at the version the
 * cluster serves ({@link ClusterApis#strimziVersion()}), everything else through its typed model.
 *
 * <p>fabric8 sends a typed custom resource to the version its class is annotated with (Strimzi's
 * {@code io.strimzi:api} 0.49: {@code v1}), so a Strimzi resource travels as a generic resource at the
 * discovered version instead; the fields Umbra sets are the same in both versions.
 */
final class ClusterObjects {
    private final KubernetesClient client;
    private final String strimziVersion;

    ClusterObjects(KubernetesClient client, String strimziVersion) {
        this.client = client;
        this.strimziVersion = strimziVersion;
    }

    static boolean isStrimzi(HasMetadata r) {
        return r.getApiVersion() != null && r.getApiVersion().startsWith(ClusterApis.STRIMZI_GROUP + "/");
    }

    /** The API group ("" for the core group) and plural of {@code r}, as RBAC names them. */
    static String group(HasMetadata r) {
        String v = r.getApiVersion();
        return v.contains("/") ? v.substring(0, v.indexOf('/')) : "";
    }

    static String plural(HasMetadata r) {
        return isStrimzi(r) ? r.getKind().toLowerCase(Locale.ROOT) + "s" : HasMetadata.getPlural(r.getClass());
    }

    /** The operations on {@code r} (get, write, delete), at the served version for a Strimzi resource. */
    Resource<? extends HasMetadata> handle(HasMetadata r) {
        if (!isStrimzi(r)) {
            return client.resource(r);
        }
        GenericKubernetesResource generic = r instanceof GenericKubernetesResource g ? g : toGeneric(r);
        return client.genericKubernetesResources(context(r.getKind())).inNamespace(r.getMetadata().getNamespace()).resource(generic);
    }

    /** What carries {@code label=value} among {@code sample}'s kind in {@code namespace}. */
    List<HasMetadata> labelled(HasMetadata sample, String namespace, String label, String value) {
        if (isStrimzi(sample)) {
            return new ArrayList<>(client.genericKubernetesResources(context(sample.getKind())).inNamespace(namespace)
                    .withLabel(label, value).list().getItems());
        }
        return new ArrayList<>(client.resources(sample.getClass()).inNamespace(namespace).withLabel(label, value).list().getItems());
    }

    /** Every Strimzi resource of {@code kind} in the Kafka namespace. */
    List<GenericKubernetesResource> strimzi(String kind) {
        return client.genericKubernetesResources(context(kind)).inNamespace(Manifests.KAFKA_NAMESPACE).list().getItems();
    }

    @SuppressWarnings("unchecked")
    private GenericKubernetesResource toGeneric(HasMetadata typed) {
        Map<String, Object> map = Serialization.jsonMapper().convertValue(typed, Map.class);
        map.put("apiVersion", ClusterApis.STRIMZI_GROUP + "/" + strimziVersion);
        map.remove("status");
        return Serialization.jsonMapper().convertValue(map, GenericKubernetesResource.class);
    }

    private ResourceDefinitionContext context(String kind) {
        return new ResourceDefinitionContext.Builder().withGroup(ClusterApis.STRIMZI_GROUP).withVersion(strimziVersion)
                .withKind(kind).withPlural(kind.toLowerCase(Locale.ROOT) + "s").withNamespaced(true).build();
    }
}
