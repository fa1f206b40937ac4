package io.umbra.k8s.keda;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** KEDA's ScaledObject: what to scale, between which replica counts, on which triggers. */
@Group("keda.sh")
@Version("v1alpha1")
@Kind("ScaledObject")
public class ScaledObject extends CustomResource<ScaledObject.Spec, Void> implements Namespaced {

    /**
     * The Kafka scaler's documented metadata keys (keda.sh/docs/scalers/apache-kafka). Trigger metadata
     * is a string map in KEDA's schema, so a misspelt key ({@code lagTreshold}) would pass the CRD and
     * leave the default in force; we check the keys of {@code kafka} triggers against this list.
     */
    public static final Set<String> KAFKA_METADATA_KEYS = Set.of("bootstrapServers", "bootstrapServersFromEnv",
            "consumerGroup", "consumerGroupFromEnv", "topic", "topicFromEnv", "partitionLimitation", "lagThreshold",
            "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag",
            "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions",
            "version", "sasl", "tls", "unsafeSsl");

    public record Spec(ScaleTargetRef scaleTargetRef, Integer pollingInterval, Integer cooldownPeriod,
                       Integer initialCooldownPeriod, Integer idleReplicaCount, Integer minReplicaCount,
                       Integer maxReplicaCount, Fallback fallback, Advanced advanced, List<Trigger> triggers) {
    }

    public record ScaleTargetRef(String apiVersion, String kind, String name, String envSourceContainerName) {
    }

    public record Fallback(Integer failureThreshold, Integer replicas, String behavior) {
    }

    public record Advanced(Boolean restoreToOriginalReplicaCount,
                           HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig,
                           ScalingModifiers scalingModifiers) {
    }

    /** The HPA KEDA creates; its behavior is Kubernetes' own autoscaling/v2 type. */
    public record HorizontalPodAutoscalerConfig(String name, HorizontalPodAutoscalerBehavior behavior) {
    }

    public record ScalingModifiers(String formula, String target, String activationTarget, String metricType) {
    }

    public record Trigger(String type, String name, Map<String, String> metadata, AuthenticationRef authenticationRef,
                          Boolean useCachedMetrics, String metricType) {
    }

    public record AuthenticationRef(String name, String kind) {
    }

    /** {@code "<path>: <key>"} for every metadata key of a kafka trigger the scaler does not document. */
    public List<String> unknownTriggerMetadata() {
        List<String> unknown = new ArrayList<>();
        if (getSpec() == null || getSpec().triggers() == null) {
            return unknown;
        }
        for (int i = 0; i < getSpec().triggers().size(); i++) {
            Trigger t = getSpec().triggers().get(i);
            if ("kafka".equals(t.type()) && t.metadata() != null) {
                for (String key : t.metadata().keySet()) {
                    if (!KAFKA_METADATA_KEYS.contains(key)) {
                        unknown.add("spec.triggers[" + i + "].metadata." + key);
                    }
                }
            }
        }
        return unknown;
    }
}
