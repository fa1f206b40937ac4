/**
 * A bank on Kubernetes, as typed resources: the repository's {@code k8s/} manifests packaged as
 * resources and parsed strictly ({@link io.umbra.k8s.Manifests}, {@link io.umbra.k8s.ManifestParser}),
 * one tenant's overlay rendered from the tenant template ({@link io.umbra.k8s.TenantOverlay}, with
 * Kafka topics built from umbra-events' topic names by {@link io.umbra.k8s.TopicSpecs}), and
 * {@link io.umbra.k8s.TenantProvisioner}, which applies, lists and deletes tenants through the
 * Kubernetes API behind {@code ./umbra tenant}. The provisioner owns only what it creates: objects made
 * by operators (Strimzi's user and CA secrets) are read, never pruned. A plain library, no Quarkus.
 */
package io.umbra.k8s;
