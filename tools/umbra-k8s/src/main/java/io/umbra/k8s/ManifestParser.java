package io.umbra.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.umbra.k8s.keda.ScaledObject;
import io.umbra.k8s.keda.TriggerAuthentication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads manifests into typed models (fabric8 for Kubernetes, Strimzi's {@code io.strimzi:api} for its
 * resources, {@link io.umbra.k8s.keda} for KEDA's) and refuses anything a typed model does not know.
 *
 * <p>Why a check after parsing: fabric8's and Strimzi's models keep unknown fields (and values of the
 * wrong type) in an {@code additionalProperties} map instead of failing, so Jackson's
 * {@code FAIL_ON_UNKNOWN_PROPERTIES} alone never fires for them. A misspelt {@code readOnlyRootFilesytem}
 * would parse, and the API server would drop it silently: the pod would run with a writable root. So
 * every parsed object graph is walked and any non-empty {@code additionalProperties} is an error naming
 * its path. Our own KEDA records have no such map and fail in Jackson directly.
 */
public final class ManifestParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization(MAPPER, true);

    static {
        // after KubernetesSerialization configured the mapper: strict for every class without a catch-all map
        MAPPER.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        MAPPER.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        // Strimzi 0.49 serves kafka.strimzi.io v1beta2 and v1 from the same classes: register both by name
        for (String version : List.of("kafka.strimzi.io/v1beta2", "kafka.strimzi.io/v1")) {
            SERIALIZATION.registerKubernetesResource(version, "Kafka", Kafka.class);
            SERIALIZATION.registerKubernetesResource(version, "KafkaNodePool", KafkaNodePool.class);
            SERIALIZATION.registerKubernetesResource(version, "KafkaTopic", KafkaTopic.class);
            SERIALIZATION.registerKubernetesResource(version, "KafkaUser", KafkaUser.class);
        }
        SERIALIZATION.registerKubernetesResource(ScaledObject.class);
        SERIALIZATION.registerKubernetesResource(TriggerAuthentication.class);
        SERIALIZATION.registerKubernetesResource(io.umbra.k8s.monitoring.PodMonitor.class);
    }

    private ManifestParser() {
    }

    /** Every resource of a (multi-document) YAML text; {@code source} names it in errors. */
    public static List<HasMetadata> parseAll(String yaml, String source) {
        List<HasMetadata> out = new ArrayList<>();
        int index = 0;
        for (JsonNode doc : yamlDocuments(yaml)) {
            out.add(parse(doc, source + " document " + index++));
        }
        return List.copyOf(out);
    }

    /** One resource from its JSON tree, typed by apiVersion and kind, unknown fields refused. */
    public static HasMetadata parse(JsonNode doc, String source) {
        if (!doc.hasNonNull("apiVersion") || !doc.hasNonNull("kind")) {
            throw new ManifestException(source + ": no apiVersion/kind");
        }
        String what = source + " (" + doc.get("kind").asText() + " " + doc.path("metadata").path("name").asText() + ")";
        KubernetesResource resource;
        try {
            resource = SERIALIZATION.convertValue(doc, KubernetesResource.class);
        } catch (IllegalArgumentException e) {
            throw new ManifestException(what + ": " + e.getMessage(), e);
        }
        if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata typed)) {
            throw new ManifestException(what + ": no typed model for " + doc.get("apiVersion").asText() + "/"
                    + doc.get("kind").asText());
        }
        List<String> unknown = new ArrayList<>();
        collectUnknown(typed, "", unknown, 0);
        if (typed instanceof ScaledObject scaled) {
            unknown.addAll(scaled.unknownTriggerMetadata());
        }
        if (!unknown.isEmpty()) {
            throw new ManifestException(what + ": unknown fields (misspelt, or of the wrong type): " + String.join(", ", unknown));
        }
        return typed;
    }

    /** The documents of a YAML text as trees (empty documents, e.g. a trailing comment, skipped). */
    public static List<JsonNode> yamlDocuments(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new ManifestException("not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    /** One YAML document as a tree, a top-level list kept as a list (a Kustomize JSON patch). */
    public static JsonNode yamlTree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ManifestException("not valid YAML: " + e.getMessage(), e);
        }
    }

    /** A tree into one of our own strict records (Kustomization files). */
    static <T> T strictConvert(JsonNode node, Class<T> type, String source) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new ManifestException(source + ": " + e.getOriginalMessage(), e);
        }
    }

    /** A resource as a JSON tree (what the API server would receive). */
    public static JsonNode toTree(Object resource) {
        return MAPPER.valueToTree(resource);
    }

    /** The shared serialization (with the Strimzi and KEDA kinds registered), for clients of this module. */
    public static KubernetesSerialization serialization() {
        return SERIALIZATION;
    }

    private static void collectUnknown(Object value, String path, List<String> unknown, int depth) {
        if (value == null || depth > 64) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collectUnknown(e.getValue(), path + "." + e.getKey(), unknown, depth + 1);
            }
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown, depth + 1);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!(pkg.startsWith("io.fabric8.") || pkg.startsWith("io.strimzi.") || pkg.startsWith("io.umbra."))
                || value.getClass().isEnum()) {
            return;
        }
        BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
        for (BeanPropertyDefinition property : bean.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor == null) {
                continue;
            }
            collectUnknown(accessor.getValue(value), path + "." + property.getName(), unknown, depth + 1);
        }
        AnnotatedMember anyGetter = bean.findAnyGetter();
        if (anyGetter != null && anyGetter.getValue(value) instanceof Map<?, ?> extra && !extra.isEmpty()) {
            for (Object key : extra.keySet()) {
                unknown.add((path.isEmpty() ? "" : path.substring(1) + ".") + key);
            }
        }
    }

    /** A manifest that is not valid YAML, has no typed model, or names a field its model does not have. */
    public static final class ManifestException extends RuntimeException {
        ManifestException(String message) {
            super(message);
        }

        ManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
