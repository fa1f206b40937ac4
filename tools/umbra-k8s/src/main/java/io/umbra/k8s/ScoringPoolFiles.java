package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.umbra.events.TenantId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What {@link TenantProvisioner} writes into the scoring namespace for the pool, beside its KafkaUser and copied Secrets:
 * the ConfigMap of every bank's pinned bundle-verification key ({@value TenantProvisioner#POOL_PINNED_KEYS}) and the Secret
 * of served models ({@value TenantProvisioner#POOL_MODELS}: one signed {@code <t>.json} per tenant and the one model owner's
 * key), read back with the tenant's model-card ConfigMap: the rules that keep the two halves of a served model together.
 */
final class ScoringPoolFiles {
    private final KubernetesClient client;
    private final Function<TenantId, String> namespaceOf;

    ScoringPoolFiles(KubernetesClient client, Function<TenantId, String> namespaceOf) {
        this.client = client;
        this.namespaceOf = namespaceOf;
    }

    /**
     * The pool's Secret of models ({@value TenantProvisioner#POOL_MODELS}): what it holds now, without {@code leaving}'s model, with
     * {@code joining}'s {@code model} (and its owner's key); empty when there is nothing to write (no Secret and no model).
     * Kept in the scoring namespace only, so the Secret itself is where a tenant's model is read back from.
     */
    Optional<Secret> models(TenantId leaving, TenantId joining, Optional<ServedModel> model) {
        Secret now = pool();
        if (now == null && model.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> data = new TreeMap<>(now == null || now.getData() == null ? Map.of() : now.getData());
        if (leaving != null) {
            data.remove(leaving.value() + ".json");
        }
        model.ifPresent(m -> {
            data.put(joining.value() + ".json", base64(m.modelJson()));
            data.put(TenantProvisioner.POOL_MODEL_KEY, base64(m.verificationKeyJson()));
        });
        return Optional.of(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                    .withName(TenantProvisioner.POOL_MODELS)
                    .withNamespace(Manifests.SCORING_NAMESPACE)
                    .withLabels(Map.of("app.kubernetes.io/part-of", "umbra", "app.kubernetes.io/name", "he-scoring-service",
                            "app.kubernetes.io/managed-by", TenantProvisioner.MANAGED_BY))
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build());
    }

    /**
     * The pool verifies every model under one key ({@code UMBRA_MODEL_VERIFICATION_KEY_FILE}): a model signed by another
     * owner than the models other tenants are served is refused before anything is written.
     */
    void requireOneOwner(TenantId tenant, ServedModel model) {
        Secret now = pool();
        Map<String, String> data = now == null || now.getData() == null ? Map.of() : now.getData();
        String key = data.containsKey(TenantProvisioner.POOL_MODEL_KEY) ? unbase64(data.get(TenantProvisioner.POOL_MODEL_KEY)) : null;
        List<String> others = data.keySet().stream().filter(k -> k.endsWith(".json") && !k.equals(tenant.value() + ".json")).sorted().toList();
        if (key == null || others.isEmpty()) {
            return;
        }
        String fingerprint;
        try {
            fingerprint = io.umbra.verify.BundleVerifier.fromKeyset(key).fingerprint();
        } catch (java.security.GeneralSecurityException e) {
            fingerprint = "(unreadable)";
        }
        if (!fingerprint.equals(model.keyFingerprint())) {
            throw new IllegalStateException("the scoring pool verifies every model under the one model owner's key " + fingerprint
                    + " (Secret " + Manifests.SCORING_NAMESPACE + "/" + TenantProvisioner.POOL_MODELS + ", serving " + others + "); the model for " + tenant
                    + " is signed under " + model.keyFingerprint() + ": have the model signed by the same owner. Nothing was changed");
        }
    }

    /**
     * A card in the bank's namespace without the model in the pool's Secret (or the other way round: someone deleted one
     * by hand) would render as "no model" and prune the other half; refused instead, naming what to give.
     */
    void requireNoHalfServed(TenantId tenant) {
        String ns = namespaceOf.apply(tenant);
        boolean card = !card(tenant).isEmpty();
        Secret pool = pool();
        boolean model = pool != null && pool.getData() != null && pool.getData().containsKey(tenant.value() + ".json");
        if (card != model) {
            throw new IllegalStateException("tenant " + tenant + " has " + (card ? "a model card (ConfigMap " + ns + "/"
                    + TenantOverlay.modelCardConfigMapName(tenant) + ") but no model in Secret " + Manifests.SCORING_NAMESPACE + "/" + TenantProvisioner.POOL_MODELS
                    : "a model in Secret " + Manifests.SCORING_NAMESPACE + "/" + TenantProvisioner.POOL_MODELS + " but no model card in " + ns)
                    + " (deleted by hand?): give the model again with --model, --model-card and --model-verification-key. Nothing was changed");
        }
    }

    static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String unbase64(String text) {
        return new String(java.util.Base64.getDecoder().decode(text), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The tenant's served model as the cluster holds it: the card and key from {@code <t>-model-card} in its namespace, the
     * model from the pool's Secret {@value TenantProvisioner#POOL_MODELS}; both checked again as at first ({@link ServedModel#parse}). Empty
     * unless both are there.
     */
    Optional<ServedModel> inCluster(TenantId tenant) {
        String ns = namespaceOf.apply(tenant);
        Map<String, String> card = card(tenant);
        Secret pool = pool();
        String model = pool == null || pool.getData() == null ? null : pool.getData().get(tenant.value() + ".json");
        if (model == null || !card.containsKey(TenantOverlay.MODEL_CARD_FILE) || !card.containsKey(TenantOverlay.MODEL_VERIFICATION_KEY_FILE)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ServedModel.parse(tenant, unbase64(model), card.get(TenantOverlay.MODEL_CARD_FILE),
                    card.get(TenantOverlay.MODEL_VERIFICATION_KEY_FILE)));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the model served to " + tenant + " (ConfigMap " + ns + "/" + TenantOverlay.modelCardConfigMapName(tenant)
                    + ", Secret " + Manifests.SCORING_NAMESPACE + "/" + TenantProvisioner.POOL_MODELS + ") is unusable (" + e.getMessage()
                    + "): give it again with --model, --model-card and --model-verification-key", e);
        }
    }

    /**
     * The pool's ConfigMap: {@code <t>.json} for every tenant with a pinned key. A tenant's key is taken
     * only from {@code <t>-bundle-verification} in the Namespace labelled as that tenant's bank zone
     * (Namespaces are cluster-scoped: a bank cannot relabel its own), so no bank can pin a key for
     * another by putting a ConfigMap of that name into its own namespace. One read per bank namespace,
     * so the provisioner needs no cluster-wide read of ConfigMaps.
     */
    ConfigMap pinnedKeys(TenantId leaving) {
        Map<String, String> data = new TreeMap<>();
        for (Namespace home : client.namespaces().withLabel(TenantProvisioner.ZONE_LABEL, TenantProvisioner.BANK_ZONE).list().getItems()) {
            TenantId t;
            try {
                t = TenantId.of(home.getMetadata().getLabels().get(Manifests.TENANT_LABEL));
            } catch (IllegalArgumentException | NullPointerException notATenant) {
                continue;
            }
            ConfigMap cm = t.equals(leaving) ? null
                    : client.configMaps().inNamespace(home.getMetadata().getName()).withName(TenantOverlay.pinnedKeyConfigMapName(t)).get();
            Map<String, String> labels = cm == null || cm.getMetadata().getLabels() == null ? Map.of() : cm.getMetadata().getLabels();
            if (!TenantOverlay.PINNED_VALUE.equals(labels.get(TenantOverlay.PINNED_LABEL)) || !t.value().equals(labels.get(Manifests.TENANT_LABEL))) {
                continue;
            }
            String keyset = cm.getData() == null ? null : cm.getData().get(TenantOverlay.VERIFICATION_KEY_FILE);
            PinnedVerificationKey key = PinnedVerificationKey.fromPinned(t, keyset,
                    "ConfigMap " + cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName());
            data.put(t.value() + ".json", key.keysetJson());
        }
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(TenantProvisioner.POOL_PINNED_KEYS)
                    .withNamespace(Manifests.SCORING_NAMESPACE)
                    .withLabels(Map.of("app.kubernetes.io/part-of", "umbra", "app.kubernetes.io/name", "he-scoring-service"))
                .endMetadata()
                .withData(data)
                .build();
    }

    private Secret pool() {
        return client.secrets().inNamespace(Manifests.SCORING_NAMESPACE).withName(TenantProvisioner.POOL_MODELS).get();
    }

    private Map<String, String> card(TenantId tenant) {
        ConfigMap cm = client.configMaps().inNamespace(namespaceOf.apply(tenant)).withName(TenantOverlay.modelCardConfigMapName(tenant)).get();
        return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    }
}
