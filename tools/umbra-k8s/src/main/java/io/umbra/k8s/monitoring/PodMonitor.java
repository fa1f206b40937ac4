package io.umbra.k8s.monitoring;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

import java.util.List;

/**
 * The Prometheus Operator's PodMonitor, the fields Umbra uses: which pods (a label selector in the
 * PodMonitor's own namespace) and which named container port and path to scrape.
 */
@Group("monitoring.coreos.com")
@Version("v1")
@Kind("PodMonitor")
@Plural("podmonitors")
public class PodMonitor extends CustomResource<PodMonitor.Spec, Void> implements Namespaced {

    public record Spec(LabelSelector selector, List<Endpoint> podMetricsEndpoints) {
    }

    /** One scrape: the container port's name, the path, how often. */
    public record Endpoint(String port, String path, String interval) {
    }
}
