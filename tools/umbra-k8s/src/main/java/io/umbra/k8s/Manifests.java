package io.umbra.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The files of the repository's {@code k8s/} directory, packaged into this jar under {@code k8s/}: the
 * renderer reads exactly what {@code kubectl apply -k} applies, never a copy.
 */
public final class Manifests {
    /** Where the Strimzi cluster, its topics and users live (k8s/kafka). */
    public static final String KAFKA_NAMESPACE = "umbra-kafka";
    /** The Strimzi {@code Kafka} resource's name: the {@code strimzi.io/cluster} label of topics and users. */
    public static final String KAFKA_CLUSTER = "umbra";
    /** Where the shared scoring pool runs (k8s/scoring/base). */
    public static final String SCORING_NAMESPACE = "umbra-scoring";
    /** Strimzi's Secret of the cluster CA (public certificate, {@code ca.crt}, {@code ca.p12}, {@code ca.password}), in {@link #KAFKA_NAMESPACE}. */
    public static final String CLUSTER_CA_SECRET = KAFKA_CLUSTER + "-cluster-ca-cert";
    /** The label every tenant resource carries, so a tenant's resources can be listed and pruned. */
    public static final String TENANT_LABEL = "umbra.io/tenant";

    private Manifests() {
    }

    /** The text of {@code k8s/<path>}, e.g. {@code scoring/base/deployment.yaml}. */
    public static String read(String path) {
        String resource = "k8s/" + path;
        try (InputStream in = Manifests.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no manifest " + resource + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
