package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.umbra.k8s.TenantProvisioner.Change;
import io.umbra.k8s.TenantProvisioner.Outcome;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Copies of Strimzi's Secrets where pods mount them. Strimzi writes each KafkaUser's password and the
 * cluster CA into the Kafka namespace only, and a pod mounts Secrets of its own namespace only.
 *
 * <p>What it guarantees: the source is only read, never written, relabelled or deleted (Strimzi's User
 * Operator would answer a deleted Secret with a new password, leaving every copy dead). Only the Secrets
 * the rendered Deployments mount are copied (the bank producer's password, say, is not: no pod needs
 * it). A copy equal to its source is reported unchanged; a changed source (a CA renewal, a rotated
 * password) changes the copy. Copies carry {@value TenantProvisioner#COPIED_FROM_ANNOTATION}, the mark
 * pruning needs before it deletes a Secret. The data is compared, never printed.
 */
final class SecretCopies {
    /** Pod-template annotation: the digest of the Strimzi Secrets the pods mount. */
    static final String CREDENTIALS_ANNOTATION = "umbra.io/kafka-credentials";
    private final KubernetesClient client;
    private final BiFunction<ClusterObjects, HasMetadata, Change> apply;
    private final ClusterObjects objects;

    SecretCopies(KubernetesClient client, BiFunction<ClusterObjects, HasMetadata, Change> apply, ClusterObjects objects) {
        this.client = client;
        this.apply = apply;
        this.objects = objects;
    }

    /** The Secrets the Deployments of {@code rendered} mount, but {@code bankSecrets} (the bank's own KEKs), in order. */
    static List<String> mountedBy(List<HasMetadata> rendered, java.util.Collection<String> bankSecrets) {
        Set<String> out = new LinkedHashSet<>();
        for (HasMetadata r : rendered) {
            if (r instanceof Deployment d) {
                for (var v : d.getSpec().getTemplate().getSpec().getVolumes()) {
                    if (v.getSecret() != null && !bankSecrets.contains(v.getSecret().getSecretName())) {
                        out.add(v.getSecret().getSecretName());
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Marks each Deployment's pod template with a digest of the Strimzi Secrets it mounts (annotation
     * {@value #CREDENTIALS_ANNOTATION}), so a renewed CA or a rotated password rolls its pods: the
     * services read the password and the truststore at start. No mark while a Secret is still missing
     * (the pods cannot start anyway). The digest is SHA-256 over Strimzi's random, high-entropy values.
     */
    void markCredentials(List<HasMetadata> desired, java.util.Collection<String> bankSecrets) {
        deployments:
        for (HasMetadata r : desired) {
            if (!(r instanceof Deployment d)) {
                continue;
            }
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            for (String name : mountedBy(List.of(d), bankSecrets)) {
                Secret source = client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(name).get();
                if (source == null || source.getData() == null) {
                    continue deployments;
                }
                new java.util.TreeMap<>(source.getData()).forEach((k, v) -> sha.update((name + "/" + k + "=" + v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            var template = d.getSpec().getTemplate().getMetadata();
            Map<String, String> annotations = template.getAnnotations() == null ? new java.util.LinkedHashMap<>() : new java.util.LinkedHashMap<>(template.getAnnotations());
            annotations.put(CREDENTIALS_ANNOTATION, "sha256:" + java.util.HexFormat.of().formatHex(sha.digest()));
            template.setAnnotations(annotations);
        }
    }

    /** A Secret's identity, for pruning's "is it rendered" test. */
    static Secret ref(String name, String namespace) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build();
    }

    /** Strimzi's {@code name} copied into {@code namespace} with {@code labels}; PENDING if Strimzi has not written it yet. */
    Change copy(String name, String namespace, Map<String, String> labels) {
        Secret source = client.secrets().inNamespace(Manifests.KAFKA_NAMESPACE).withName(name).get();
        if (source == null) {
            return new Change("Secret", namespace, name, Outcome.PENDING, "Strimzi has not written " + Manifests.KAFKA_NAMESPACE + "/" + name
                    + " yet; apply again once the KafkaUsers are Ready (kubectl -n " + Manifests.KAFKA_NAMESPACE + " get kafkausers)");
        }
        Secret copy = new SecretBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .withAnnotations(Map.of(TenantProvisioner.COPIED_FROM_ANNOTATION, Manifests.KAFKA_NAMESPACE))
                .endMetadata()
                .withType(source.getType())
                .withData(source.getData())
                .build();
        return apply.apply(objects, copy);
    }
}
