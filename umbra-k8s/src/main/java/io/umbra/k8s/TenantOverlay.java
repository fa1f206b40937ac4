package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.umbra.events.TenantId;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bank's deployment, rendered from k8s/tenant-template into typed resources: its namespace
 * {@code umbra-<t>}, the four bank-zone services, NetworkPolicies, ResourceQuota, and its KafkaTopics
 * and KafkaUsers (in the Kafka namespace).
 *
 * <p>The template's files are read in the order of its kustomization.yaml, the placeholder
 * {@value #PLACEHOLDER} (a whole word) replaced by the tenant id, and every document parsed strictly
 * ({@link ManifestParser}). The KafkaTopics are not taken from the template but built from
 * {@link io.umbra.events.Topics} ({@link TopicSpecs}): topic names have one source. The template's
 * kafka-topics.yaml, for {@code kubectl apply -k}, is kept equal to it by a test. The kustomization's
 * image rewrites are applied as Kustomize would.
 */
public final class TenantOverlay {
    /** The template's stand-in for the tenant id. Upper case: no valid tenant id can contain it. */
    public static final String PLACEHOLDER = "TENANT";
    static final String TEMPLATE_DIR = "tenant-template";
    static final String TOPICS_FILE = "kafka-topics.yaml";
    private static final Pattern PLACEHOLDER_WORD = Pattern.compile("\\b" + PLACEHOLDER + "\\b");

    private final TenantId tenant;
    private final List<HasMetadata> resources;

    private TenantOverlay(TenantId tenant, List<HasMetadata> resources) {
        this.tenant = tenant;
        this.resources = List.copyOf(resources);
    }

    /** The overlay of {@code tenant}; an IllegalArgumentException if it is not a valid tenant id. */
    public static TenantOverlay render(String tenant) {
        return render(TenantId.of(tenant));
    }

    public static TenantOverlay render(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        Kustomization kustomization = Kustomization.read(TEMPLATE_DIR);
        List<HasMetadata> out = new ArrayList<>();
        for (String file : kustomization.resources()) {
            if (file.equals(TOPICS_FILE)) {
                out.addAll(TopicSpecs.kafkaTopics(tenant));
            } else {
                out.addAll(renderFile(tenant, file));
            }
        }
        for (HasMetadata r : out) {
            if (r instanceof Deployment d) {
                applyImages(d, kustomization.images());
            }
            String owner = r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get(Manifests.TENANT_LABEL);
            if (!tenant.value().equals(owner)) {
                throw new IllegalStateException(r.getKind() + " " + r.getMetadata().getName() + " of the tenant template lacks the label "
                        + Manifests.TENANT_LABEL + "=" + tenant + ": provisioning could not find it again to prune it");
            }
        }
        return new TenantOverlay(tenant, out);
    }

    /** One template file with the placeholder replaced, parsed strictly (package-private: tests compare files). */
    static List<HasMetadata> renderFile(TenantId tenant, String file) {
        String text = Manifests.read(TEMPLATE_DIR + "/" + file);
        String rendered = PLACEHOLDER_WORD.matcher(text).replaceAll(Matcher.quoteReplacement(tenant.value()));
        return ManifestParser.parseAll(rendered, TEMPLATE_DIR + "/" + file + " for tenant " + tenant);
    }

    /** {@code umbra-<t>}: where the tenant's services run. */
    public static String namespaceOf(TenantId tenant) {
        return "umbra-" + tenant.value();
    }

    public TenantId tenant() {
        return tenant;
    }

    public String namespace() {
        return namespaceOf(tenant);
    }

    /** Every resource, in the order to apply them (namespace first, as in kustomization.yaml). */
    public List<HasMetadata> resources() {
        return resources;
    }

    public <T extends HasMetadata> List<T> resources(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public List<KafkaTopic> kafkaTopics() {
        return resources(KafkaTopic.class);
    }

    private static void applyImages(Deployment deployment, List<Kustomization.Image> images) {
        for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
            for (Kustomization.Image image : images) {
                if (image.name().equals(c.getImage())) {
                    c.setImage(image.apply());
                }
            }
        }
    }
}
