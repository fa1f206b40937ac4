package io.umbra.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The part of a {@code kustomization.yaml} our directories use (Kustomize's documented fields). Read
 * strictly like every manifest: a field Kustomize would not know fails here too.
 */
public record Kustomization(String apiVersion, String kind, List<String> resources, List<Image> images,
                            List<Patch> patches) {

    public Kustomization {
        resources = resources == null ? List.of() : List.copyOf(resources);
        images = images == null ? List.of() : List.copyOf(images);
        patches = patches == null ? List.of() : List.copyOf(patches);
    }

    /** An image rewrite: containers whose image is {@code name} get {@code newName:newTag}. */
    public record Image(String name, String newName, String newTag, String digest) {
        /** What a container's {@code image: name} becomes. */
        public String apply() {
            String base = newName == null ? name : newName;
            if (digest != null) {
                return base + "@" + digest;
            }
            return newTag == null ? base : base + ":" + newTag;
        }
    }

    /** A patch (here: RFC 6902 JSON patches given inline) and the resources it targets. */
    public record Patch(Target target, String patch, String path, Map<String, Object> options) {
    }

    public record Target(String group, String version, String kind, String name, String namespace,
                         String labelSelector, String annotationSelector) {
    }

    /** {@code k8s/<dir>/kustomization.yaml}. */
    public static Kustomization read(String dir) {
        JsonNode node = ManifestParser.yamlDocuments(Manifests.read(dir + "/kustomization.yaml")).getFirst();
        return ManifestParser.strictConvert(node, Kustomization.class, dir + "/kustomization.yaml");
    }
}
