package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.umbra.events.TenantId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>What is decided at onboarding rather than in the template comes in as {@link TenantSettings}: the
 * pinned bundle-verification key (ConfigMap {@code <t>-bundle-verification}, mounted by the
 * encrypt-service; without a key the encrypt-service is rendered at 0 replicas, since it refuses to start
 * without one), the encrypt-service's batch-verification key (ConfigMap {@code <t>-batch-verification},
 * mounted by the key-service as an optional volume; without it the key-service still runs, publishing its
 * bundles, and decrypts nothing until the kubelet puts the pinned file in place), the API's token
 * issuer (ConfigMap {@code api-auth}), a KMS key URI for the key-encryption keys of the key-service
 * and the encrypt-service (then the bank's KEK Secrets are not mounted), and the served model
 * ({@link ServedModel}: its signed card and the owner's key in ConfigMap {@code <t>-model-card}, mounted by the
 * alert-service, which is rendered at 0 replicas without one; the model's feature schema for the ingest, else
 * {@link #DEFAULT_FEATURE_SCHEMA}; a network's logit bound for the key-service). The model's weights are not part of
 * the overlay: provisioning gives them to the scoring pool only.
 */
public final class TenantOverlay {
    /** The template's stand-in for the tenant id. Upper case: no valid tenant id can contain it. */
    public static final String PLACEHOLDER = "TENANT";
    static final String TEMPLATE_DIR = "tenant-template";
    static final String TOPICS_FILE = "kafka-topics.yaml";
    /** The label every pinned-key ConfigMap carries (value {@value #PINNED_VALUE}), so the pool's copy can be rebuilt from them. */
    public static final String PINNED_LABEL = "umbra.io/pinned";
    public static final String PINNED_VALUE = "bundle-verification-key";
    /** Annotation of a pinned-key ConfigMap: the key's fingerprint, for operators comparing with the key-service. */
    public static final String FINGERPRINT_ANNOTATION = "umbra.io/fingerprint";
    /** The key of the pinned keyset in {@code <t>-bundle-verification} (the file the encrypt-service reads). */
    public static final String VERIFICATION_KEY_FILE = "bundle-verification.json";
    /** Annotation of the encrypt-service Deployment while it is held at 0 replicas, saying why. */
    public static final String HELD_ANNOTATION = "umbra.io/held";
    static final String HELD_NO_KEY = "no bundle-verification key pinned: ./umbra tenant apply --verification-key FILE";
    /** The label value of a pinned batch-verification ConfigMap (not the pool's: it is the key-service's alone). */
    public static final String BATCH_PINNED_VALUE = "batch-verification-key";
    /** The key of the pinned keyset in {@code <t>-batch-verification} (the file the key-service reads). */
    public static final String BATCH_VERIFICATION_KEY_FILE = "batch-verification.json";
    /** Annotation of the key-service's pod template: the pinned batch-verification key's fingerprint. */
    public static final String BATCH_FINGERPRINT_ANNOTATION = "umbra.io/batch-fingerprint";
    /** The first words of the key-service Deployment's change note while no batch-verification key is pinned. */
    public static final String AWAITING_BATCH_KEY = "runs without decrypting until its batch-verification key is pinned";
    /**
     * The feature schema a tenant's ingest writes when no served model says otherwise (a served model's card names its own,
     * {@link ServedModel#featureSchemaVersion}): 3, the 28 features the network (the strongest model the pipeline serves)
     * takes, as {@code ./umbra local} runs it. The one place of the tenant default: the template's ingest-service.yaml is
     * kept equal to it by a test.
     */
    public static final int DEFAULT_FEATURE_SCHEMA = 3;
    /** The ingest's variable for it. */
    public static final String UMBRA_FEATURE_SCHEMA_VERSION = "UMBRA_FEATURE_SCHEMA_VERSION";
    /** The key-service's variable for a network's logit bound. */
    public static final String UMBRA_NETWORK_MAX_ABS_LOGIT = "UMBRA_NETWORK_MAX_ABS_LOGIT";
    /** {@code <t>-model-card}'s keys: the files the alert-service reads (k8s/tenant-template/alert-service.yaml). */
    public static final String MODEL_CARD_FILE = "model-card.json";
    public static final String MODEL_VERIFICATION_KEY_FILE = "model-verification.json";
    /** The label value of a served model's card ConfigMap ({@value #PINNED_LABEL}). */
    public static final String MODEL_CARD_VALUE = "model-card";
    /** Annotation of the alert-service's pod template: the digest of the card and key it runs with ({@link ServedModel#cardDigest}). */
    public static final String MODEL_CARD_ANNOTATION = "umbra.io/model-card";
    /** Annotation of {@code <t>-model-card}: the served model's id and version, for operators. */
    public static final String MODEL_ANNOTATION = "umbra.io/model";
    static final String HELD_NO_MODEL = "no model card: ./umbra tenant apply --model FILE --model-card FILE --model-verification-key FILE"
            + " (the alert-service takes its threshold from the served model's signed card; scores wait in Kafka)";
    static final String ENCRYPT_SERVICE = "encrypt-service";
    static final String KEY_SERVICE = "key-service";
    static final String ALERT_SERVICE = "alert-service";
    static final String INGEST_SERVICE = "ingest-service";
    static final String API_AUTH = "api-auth";
    /** {@code app.kubernetes.io/name} of the bank's own producer's KafkaUser (no Umbra process logs in as it). */
    public static final String BANK_PRODUCER = "bank-producer";
    /** The PodMonitor of a bank's services (k8s/monitoring/tenant-pod-monitor.yaml). */
    static final String POD_MONITOR = "umbra-services";
    static final String POD_MONITOR_FILE = "monitoring/tenant-pod-monitor.yaml";
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
        return render(tenant, TenantSettings.NONE);
    }

    /** The overlay of {@code tenant} with what was decided at onboarding. */
    public static TenantOverlay render(TenantId tenant, TenantSettings settings) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(settings, "settings");
        Kustomization kustomization = Kustomization.read(TEMPLATE_DIR);
        List<HasMetadata> out = new ArrayList<>();
        for (String file : kustomization.resources()) {
            if (file.equals(TOPICS_FILE)) {
                out.addAll(TopicSpecs.kafkaTopics(tenant));
            } else {
                out.addAll(renderFile(tenant, file));
            }
        }
        out = applySettings(tenant, settings, out);
        requireContract(out);
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

    private static List<HasMetadata> applySettings(TenantId tenant, TenantSettings settings, List<HasMetadata> rendered) {
        List<HasMetadata> out = new ArrayList<>();
        for (HasMetadata r : rendered) {
            String name = r.getMetadata().getName();
            if (r instanceof ConfigMap cm && name.equals(API_AUTH)) {
                Map<String, String> data = new LinkedHashMap<>();
                settings.jwtIssuer().ifPresent(v -> data.put(ServiceEnvironment.UMBRA_JWT_ISSUER, v));
                settings.jwtJwks().ifPresent(v -> data.put(ServiceEnvironment.UMBRA_JWT_JWKS, v));
                cm.setData(data);
            } else if (r instanceof ConfigMap cm && name.equals(INGEST_SERVICE)) {
                // the served model's schema, else the tenant default
                cm.getData().put(UMBRA_FEATURE_SCHEMA_VERSION,
                        Integer.toString(settings.model().map(ServedModel::featureSchemaVersion).orElse(DEFAULT_FEATURE_SCHEMA)));
            } else if (r instanceof ConfigMap cm && (name.equals(KEY_SERVICE) || name.equals(ENCRYPT_SERVICE))) {
                if (settings.kekUri().isPresent()) {
                    // the KMS holds the key-encryption key: no keyset file to read
                    cm.getData().remove(ServiceEnvironment.UMBRA_KEK_FILE);
                    cm.getData().put(ServiceEnvironment.UMBRA_KEK_URI, settings.kekUri().get());
                }
                if (name.equals(KEY_SERVICE)) {
                    // a network's scores are checked against its own worst case, not the service's default of 64
                    settings.model().flatMap(ServedModel::keyServiceLogitBound).ifPresent(b -> cm.getData().put(UMBRA_NETWORK_MAX_ABS_LOGIT, b));
                }
            } else if (r instanceof Deployment d && name.equals(ALERT_SERVICE)) {
                holdOrRoll(d, settings.model().map(ServedModel::cardDigest), HELD_NO_MODEL, MODEL_CARD_ANNOTATION);
            } else if (r instanceof Deployment d && name.equals(KEY_SERVICE)) {
                if (settings.kekUri().isPresent()) {
                    dropVolume(d, "kek"); // no bank Secret to mount (nor to wait for)
                }
                // not held without a batch key: the encrypt-service, which makes that key, needs the key-service's
                // bundle key first; the key-service publishes its bundles and waits for the pin before decrypting
                settings.batchVerificationKey().ifPresent(k -> roll(d, k.fingerprint(), BATCH_FINGERPRINT_ANNOTATION));
            } else if (r instanceof Deployment d && name.equals(ENCRYPT_SERVICE)) {
                if (settings.kekUri().isPresent()) {
                    dropVolume(d, "kek");
                }
                holdOrRoll(d, settings.verificationKey().map(PinnedVerificationKey::fingerprint), HELD_NO_KEY, FINGERPRINT_ANNOTATION);
            }
            out.add(r);
            if (r instanceof ConfigMap && name.equals(ENCRYPT_SERVICE) && settings.verificationKey().isPresent()) {
                out.add(pinnedKeyConfigMap(tenant, r.getMetadata().getNamespace(), settings.verificationKey().get()));
            }
            if (r instanceof ConfigMap && name.equals(KEY_SERVICE) && settings.batchVerificationKey().isPresent()) {
                out.add(batchKeyConfigMap(tenant, r.getMetadata().getNamespace(), settings.batchVerificationKey().get()));
            }
            if (r instanceof ConfigMap && name.equals(ALERT_SERVICE) && settings.model().isPresent()) {
                out.add(modelCardConfigMap(tenant, r.getMetadata().getNamespace(), settings.model().get()));
            }
        }
        return out;
    }

    /**
     * A Deployment whose service reads a pinned file at start: without it ({@code fingerprint} empty), 0 replicas and the
     * annotation {@value #HELD_ANNOTATION} saying why; with it, its fingerprint in the pod template's
     * annotation {@code annotation}, so a new file changes the template and Kubernetes rolls the pods onto it.
     */
    private static void holdOrRoll(Deployment d, java.util.Optional<String> fingerprint, String held, String annotation) {
        if (fingerprint.isEmpty()) {
            d.getSpec().setReplicas(0);
            Map<String, String> annotations = d.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(d.getMetadata().getAnnotations());
            annotations.put(HELD_ANNOTATION, held);
            d.getMetadata().setAnnotations(annotations);
            return;
        }
        roll(d, fingerprint.get(), annotation);
    }

    /** {@code fingerprint} in the pod template's annotation {@code annotation}: a new key (or card) rolls the pods onto it. */
    private static void roll(Deployment d, String fingerprint, String annotation) {
        var template = d.getSpec().getTemplate().getMetadata();
        Map<String, String> annotations = template.getAnnotations() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(template.getAnnotations());
        annotations.put(annotation, fingerprint);
        template.setAnnotations(annotations);
    }

    /** Whether this rendered key-service Deployment carries a pinned batch-verification key. */
    static boolean batchKeyPinned(Deployment keyService) {
        var annotations = keyService.getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(BATCH_FINGERPRINT_ANNOTATION);
    }

    private static void dropVolume(Deployment d, String volume) {
        var pod = d.getSpec().getTemplate().getSpec();
        pod.getVolumes().removeIf(v -> v.getName().equals(volume));
        pod.getContainers().forEach(c -> c.getVolumeMounts().removeIf(m -> m.getName().equals(volume)));
    }

    /**
     * The PodMonitor that has Prometheus scrape the tenant's services on their management port, in
     * {@code namespace}: rendered only where the cluster serves the Prometheus Operator's CRD, so it is
     * not part of the template's kustomization.
     */
    public static HasMetadata podMonitor(TenantId tenant, String namespace) {
        String text = PLACEHOLDER_WORD.matcher(Manifests.read(POD_MONITOR_FILE)).replaceAll(Matcher.quoteReplacement(tenant.value()));
        HasMetadata monitor = ManifestParser.parseAll(text, POD_MONITOR_FILE + " for tenant " + tenant).getFirst();
        monitor.getMetadata().setNamespace(namespace);
        return monitor;
    }

    /**
     * Every Deployment starts its service with what {@link ServiceEnvironment#required} names, from its
     * ConfigMaps ({@code envFrom}) and its {@code env}; a template that forgot one fails here, not in a pod.
     */
    private static void requireContract(List<HasMetadata> rendered) {
        Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
        rendered.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).forEach(cm -> configMaps.put(cm.getMetadata().getName(), cm));
        for (HasMetadata r : rendered) {
            if (!(r instanceof Deployment d)) {
                continue;
            }
            Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
            java.util.Set<String> names = new java.util.HashSet<>();
            c.getEnv().forEach(e -> names.add(e.getName()));
            for (var from : c.getEnvFrom()) {
                ConfigMap cm = from.getConfigMapRef() == null ? null : configMaps.get(from.getConfigMapRef().getName());
                if (cm != null && cm.getData() != null) {
                    names.addAll(cm.getData().keySet());
                }
            }
            List<String> missing = ServiceEnvironment.required(ServiceEnvironment.Role.ofModule(d.getMetadata().getName())).stream()
                    .filter(v -> !names.contains(v)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("k8s/tenant-template: Deployment " + d.getMetadata().getName() + " would start without " + missing);
            }
        }
    }

    /** {@code <t>-bundle-verification}: the ConfigMap of the tenant's pinned key. */
    public static String pinnedKeyConfigMapName(TenantId tenant) {
        return tenant.value() + "-bundle-verification";
    }

    /** {@code <t>-batch-verification}: the ConfigMap of the encrypt-service's batch-verification key, pinned for the key-service. */
    public static String batchKeyConfigMapName(TenantId tenant) {
        return tenant.value() + "-batch-verification";
    }

    /** {@code <t>-model-card}: the served model's signed card and the model owner's verification key, for the alert-service. */
    public static String modelCardConfigMapName(TenantId tenant) {
        return tenant.value() + "-model-card";
    }

    /**
     * The alert-service's {@code <t>-model-card}: the card ({@value #MODEL_CARD_FILE}) and the key ({@value #MODEL_VERIFICATION_KEY_FILE}),
     * both public (the card holds no weight). The model itself never comes here: it goes to the scoring pool only.
     */
    static ConfigMap modelCardConfigMap(TenantId tenant, String namespace, ServedModel model) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(FINGERPRINT_ANNOTATION, model.keyFingerprint());
        annotations.put(MODEL_ANNOTATION, model.card().kind() + " " + model.card().modelId() + " v" + model.card().version());
        Map<String, String> data = new LinkedHashMap<>();
        data.put(MODEL_CARD_FILE, model.cardJson());
        data.put(MODEL_VERIFICATION_KEY_FILE, model.verificationKeyJson());
        return pinnedConfigMap(tenant, namespace, modelCardConfigMapName(tenant), ALERT_SERVICE, MODEL_CARD_VALUE, annotations, data);
    }

    static ConfigMap batchKeyConfigMap(TenantId tenant, String namespace, PinnedVerificationKey key) {
        return pinnedConfigMap(tenant, namespace, batchKeyConfigMapName(tenant), KEY_SERVICE, BATCH_PINNED_VALUE,
                Map.of(FINGERPRINT_ANNOTATION, key.fingerprint()), Map.of(BATCH_VERIFICATION_KEY_FILE, key.keysetJson()));
    }

    static ConfigMap pinnedKeyConfigMap(TenantId tenant, String namespace, PinnedVerificationKey key) {
        return pinnedConfigMap(tenant, namespace, pinnedKeyConfigMapName(tenant), ENCRYPT_SERVICE, PINNED_VALUE,
                Map.of(FINGERPRINT_ANNOTATION, key.fingerprint()), Map.of(VERIFICATION_KEY_FILE, key.keysetJson()));
    }

    /** A ConfigMap of public material decided at onboarding, labelled as the tenant's and as what it pins ({@code pinned}), for {@code app}. */
    private static ConfigMap pinnedConfigMap(TenantId tenant, String namespace, String name, String app, String pinned,
                                             Map<String, String> annotations, Map<String, String> data) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", app);
        labels.put("app.kubernetes.io/part-of", "umbra");
        labels.put(Manifests.TENANT_LABEL, tenant.value());
        labels.put(PINNED_LABEL, pinned);
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .withAnnotations(annotations)
                .endMetadata()
                .withData(data)
                .build();
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
