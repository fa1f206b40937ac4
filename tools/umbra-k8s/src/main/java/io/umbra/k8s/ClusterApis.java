package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster serves that provisioning depends on, read from its CustomResourceDefinitions before
 * anything is written: the Strimzi API version to send KafkaTopics and KafkaUsers as, whether KEDA is
 * installed (the scoring pool scales with it), and whether the Prometheus Operator is (then each bank's
 * namespace gets a PodMonitor).
 *
 * <p>Why discovery rather than a fixed version: Strimzi 0.48 serves {@code kafka.strimzi.io/v1beta2}
 * only, 0.49 serves {@code v1} as well, and an API server answers a body sent to a version its CRD does
 * not serve with 404. The newest served of {@value #V1} and {@value #V1BETA2} is used; the fields Umbra
 * sets mean the same in both.
 *
 * @param strimziVersion {@code v1} or {@code v1beta2}
 * @param podMonitors whether {@code podmonitors.monitoring.coreos.com/v1} is served
 */
public record ClusterApis(String strimziVersion, boolean podMonitors) {
    public static final String STRIMZI_GROUP = "kafka.strimzi.io";
    static final String V1 = "v1";
    static final String V1BETA2 = "v1beta2";
    private static final List<String> STRIMZI_CRDS = List.of("kafkatopics." + STRIMZI_GROUP, "kafkausers." + STRIMZI_GROUP);
    static final String KEDA_CRD = "scaledobjects.keda.sh";
    static final String POD_MONITOR_CRD = "podmonitors.monitoring.coreos.com";

    /** Reads the CRDs; an IllegalStateException naming everything missing, and what to install, if the cluster is not ready. */
    public static ClusterApis discover(KubernetesClient client) {
        return discover(client, true);
    }

    /** As {@link #discover(KubernetesClient)}; without {@code requireKeda} (taking a tenant out needs only Strimzi's CRDs). */
    public static ClusterApis discover(KubernetesClient client, boolean requireKeda) {
        List<String> problems = new ArrayList<>();
        String version = null;
        for (String crd : STRIMZI_CRDS) {
            List<String> served = served(client, crd);
            String best = served.contains(V1) ? V1 : served.contains(V1BETA2) ? V1BETA2 : null;
            if (best == null) {
                problems.add("CRD " + crd + (served.isEmpty() ? " not installed" : " serves " + served + ", neither v1 nor v1beta2")
                        + ": install Strimzi 0.48 or newer (docs/OPERATIONS.md, step 1)");
            } else if (version == null || best.equals(V1BETA2)) {
                version = best; // the version every Strimzi CRD serves
            }
        }
        if (requireKeda && served(client, KEDA_CRD).isEmpty()) {
            problems.add("CRD " + KEDA_CRD + " not installed: install KEDA 2.16 or newer (docs/OPERATIONS.md, step 1); the scoring pool scales with it");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the cluster is not ready for Umbra: " + String.join("; ", problems) + ". Nothing was changed");
        }
        return new ClusterApis(version, served(client, POD_MONITOR_CRD).contains("v1"));
    }

    private static List<String> served(KubernetesClient client, String crdName) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(crdName).get();
        return Optional.ofNullable(crd).map(c -> c.getSpec().getVersions().stream()
                .filter(v -> Boolean.TRUE.equals(v.getServed())).map(CustomResourceDefinitionVersion::getName).toList()).orElse(List.of());
    }
}
