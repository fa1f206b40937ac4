package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.umbra.events.TenantId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Puts one bank's overlay into a cluster through the Kubernetes API, takes it out again, and lists the
 * banks present.
 *
 * <p>Apply is server-side apply with the field manager {@value #FIELD_MANAGER}, forcing conflicts: the
 * overlay is the truth for the fields it sets, and a hand edit of one of them is overwritten rather than
 * left to make the next apply fail. Each resource is read before and after; what is compared is the
 * resource without status and without the metadata the server sets (uid, resourceVersion, generation,
 * managedFields, timestamps), so a second apply of the same overlay reports every resource unchanged.
 *
 * <p>The scoring pool's KafkaUser lists one literal ACL per tenant topic it may touch, so it is
 * re-rendered for the set of tenants after every apply and delete. That set is read from the cluster:
 * the tenants whose KafkaTopics exist in the Kafka namespace (a tenant whose topics are gone needs no
 * ACL, whatever is left of its namespace). Likewise the pool's ConfigMap of pinned bundle-verification
 * keys ({@value #POOL_PINNED_KEYS}, one {@code <t>.json} per tenant) is rebuilt from the tenants'
 * {@code <t>-bundle-verification} ConfigMaps after every apply and delete. The pool's Secret of served models
 * ({@value #POOL_MODELS}) is the one place a tenant's model (its weights) is kept: an apply with a model puts it in, a
 * delete takes the tenant's out, and a later apply reads it back from there.
 *
 * <p>Before it writes anything, apply checks what would make it stop half-way: the shared namespaces,
 * the CRDs and the Strimzi version they serve ({@link ClusterApis}: resources are sent at that version,
 * so Strimzi 0.48 and 0.49 both work), KEDA, the pinned key, and every permission it will use
 * ({@link AccessCheck}). What can still fail after that (a conflict, the API server going away) leaves
 * what was written in place and says so; the same command again continues, every step being idempotent.
 *
 * <p>It owns only what it creates. Strimzi's Secrets (each KafkaUser's password, the cluster CA) are the
 * operators': read, never written, relabelled or deleted (the User Operator copies a KafkaUser's labels,
 * the tenant label among them, onto its Secret, and makes a new password when the Secret is gone). A pod
 * can mount Secrets of its own namespace only, so apply copies those the tenant's Deployments mount into
 * the tenant's namespace (the pool's into the scoring namespace), refreshing each copy when its source
 * changed (a CA renewal, a password rotation). A Secret Strimzi has not written yet is reported
 * {@link Outcome#PENDING}: apply again once the KafkaUsers are ready.
 *
 * <p>Apply prunes: of each kind the rendering writes into a namespace, whatever there carries the
 * tenant's label but is not rendered any more (a resource an older template had) is deleted, unless
 * another party made it (it has an owner reference or Strimzi's labels); Secrets only if they are
 * copies this provisioner made. Data is never pruned: a KafkaTopic or a PersistentVolumeClaim no longer
 * rendered is reported {@link Outcome#KEPT} with a note, and the key material is never touched.
 */
public final class TenantProvisioner {
    /** Who owns the fields we set, in server-side apply's bookkeeping. */
    public static final String FIELD_MANAGER = "umbra";
    /** Labels our Namespaces as a bank's zone (see k8s/tenant-template/namespace.yaml). */
    public static final String ZONE_LABEL = "umbra.io/zone";
    public static final String BANK_ZONE = "bank";
    /** The key-service's sealed key store: losing it loses the tenant's keys. */
    public static final String KEYS_PVC = "key-service-keys";
    /** The encrypt-service's wrapped batch-signing key: losing it means a new key to pin at the key-service. */
    public static final String BATCH_SIGNING_PVC = "encrypt-service-batch-signing";
    /** The PVCs holding key material, never deleted without asking. */
    public static final List<String> KEY_MATERIAL_PVCS = List.of(KEYS_PVC, BATCH_SIGNING_PVC);
    /** The scoring pool's ConfigMap of every tenant's pinned key, mounted by k8s/scoring/base/deployment.yaml. */
    public static final String POOL_PINNED_KEYS = "he-scoring-bundle-verification-keys";
    /**
     * The scoring pool's Secret of served models, {@code <t>.json} per tenant (the signed model: weights, which a bank never
     * sees, so a Secret of the scoring namespace and nothing in the bank's), and the model owner's verification key
     * ({@value #POOL_MODEL_KEY}, not {@code .json}: the pool reads every {@code .json} as a model). Mounted by
     * k8s/scoring/base/deployment.yaml as {@code UMBRA_MODELS_DIR}; the pool reads it at start.
     */
    public static final String POOL_MODELS = "he-scoring-models";
    public static final String POOL_MODEL_KEY = "model-verification.keyset";
    /** Where the encrypt-service's pod keeps its batch-signing key (k8s/tenant-template/encrypt-service.yaml). */
    static final String BATCH_SIGNING_DIR = "/var/lib/umbra/batch-signing";
    /** Annotation of a Secret copied from Strimzi's namespace: where it came from; only such Secrets are ever pruned. */
    public static final String COPIED_FROM_ANNOTATION = "umbra.io/copied-from";
    /** {@code app.kubernetes.io/managed-by} of the Secret copies. */
    public static final String MANAGED_BY = "umbra-provisioner";
    private static final String DEFAULT_PREFIX = "umbra-";
    private static final Duration POLL = Duration.ofSeconds(1);

    /** What one apply or delete did to one resource. */
    public enum Outcome {
        CREATED, CHANGED, UNCHANGED, DELETED, KEPT,
        /** Not written yet: it depends on something another party makes first (a Secret Strimzi writes). */
        PENDING,
        /** Not written: the cluster lacks what it needs (a PodMonitor without the Prometheus Operator). */
        SKIPPED
    }

    /** One resource's outcome; {@code note}, when not null, is what the operator should know about it. */
    public record Change(String kind, String namespace, String name, Outcome outcome, String note) {
        public Change(String kind, String namespace, String name, Outcome outcome) {
            this(kind, namespace, name, outcome, null);
        }

        public Change withNote(String text) {
            return new Change(kind, namespace, name, outcome, text);
        }

        @Override
        public String toString() {
            String where = namespace == null ? "" : namespace + "/";
            String line = String.format("%-9s %s %s%s", outcome.name().toLowerCase(java.util.Locale.ROOT), kind, where, name);
            return note == null ? line : line + "  (" + note + ")";
        }
    }

    /** One Deployment's readiness. */
    public record Readiness(String deployment, int ready, int desired) {
        /** Every desired replica ready (a Deployment scaled to zero counts as ready: nothing to wait for). */
        public boolean isReady() {
            return ready >= desired;
        }
    }

    /** A bank present in the cluster: its namespace and its Deployments' readiness. */
    public record Tenant(String tenant, String namespace, List<Readiness> deployments) {
    }

    /** Asked once before a tenant's key material is deleted; false keeps it (and the namespace holding it). */
    @FunctionalInterface
    public interface KeyMaterialConfirmation {
        boolean confirm(TenantId tenant, List<String> keyMaterial);
    }

    /**
     * How one resource is written, given the operations on it. Production always uses
     * {@link #SERVER_SIDE_APPLY}; the seam exists because fabric8's CRUD test server answers a server-side
     * apply of an absent resource with 404 (it treats the apply as a merge patch of an existing object),
     * so its tests create the absent ones.
     */
    @FunctionalInterface
    public interface Writer {
        HasMetadata write(Resource<? extends HasMetadata> target, boolean exists);
    }

    /** Server-side apply as {@value #FIELD_MANAGER}, conflicts forced, whether or not the resource exists. */
    public static final Writer SERVER_SIDE_APPLY =
            (target, exists) -> target.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();

    private final KubernetesClient client;
    private final String namespacePrefix;
    private final Writer writer;
    private final ScoringPoolFiles pool;

    public TenantProvisioner(KubernetesClient client) {
        this(client, DEFAULT_PREFIX);
    }

    public TenantProvisioner(KubernetesClient client, String namespacePrefix) {
        this(client, namespacePrefix, SERVER_SIDE_APPLY);
    }

    /**
     * @param namespacePrefix the tenant's service namespace is {@code <prefix><tenant>} ({@code umbra-}
     *     by default, as in k8s/tenant-template); the Kafka resources stay in {@link Manifests#KAFKA_NAMESPACE}.
     */
    public TenantProvisioner(KubernetesClient client, String namespacePrefix, Writer writer) {
        this.client = Objects.requireNonNull(client, "client");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.namespacePrefix = Objects.requireNonNull(namespacePrefix, "namespacePrefix");
        String probe = namespacePrefix + "a";
        if (!probe.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || probe.length() > 40) {
            throw new IllegalArgumentException("namespace prefix '" + namespacePrefix
                    + "' would not make a valid namespace name (lower-case letters, digits and '-', at most 39 characters)");
        }
        this.pool = new ScoringPoolFiles(client, this::namespaceOf);
    }

    /** Where {@code tenant}'s services run with this provisioner's prefix. */
    public String namespaceOf(TenantId tenant) {
        return namespacePrefix + tenant.value();
    }

    /**
     * The tenant's overlay with the namespace prefix applied and the settings the cluster holds for it:
     * what {@link #apply(TenantId)} sends, in order (and, on a cluster with the Prometheus Operator, a PodMonitor).
     */
    public List<HasMetadata> resourcesOf(TenantId tenant) {
        return resourcesOf(tenant, settingsInCluster(tenant));
    }

    /** The tenant's overlay with {@code settings} and the namespace prefix applied, in order. */
    public List<HasMetadata> resourcesOf(TenantId tenant, TenantSettings settings) {
        String template = TenantOverlay.namespaceOf(tenant);
        String target = namespaceOf(tenant);
        List<HasMetadata> out = new ArrayList<>();
        for (HasMetadata r : TenantOverlay.render(tenant, settings).resources()) {
            if (r instanceof Namespace ns && template.equals(ns.getMetadata().getName())) {
                ns.getMetadata().setName(target);
            } else if (template.equals(r.getMetadata().getNamespace())) {
                r.getMetadata().setNamespace(target);
            }
            out.add(r);
        }
        return out;
    }

    /** {@link #apply(TenantId, TenantSettings, boolean)} keeping every setting the cluster holds for the tenant. */
    public List<Change> apply(TenantId tenant) {
        return apply(tenant, TenantSettings.NONE, false);
    }

    /**
     * Applies the tenant's overlay (Namespace first, in the kustomization's order) with {@code given}'s
     * settings, each absent one taken from what the cluster holds for the tenant (so a later apply
     * without options never unpins a key or empties the API's issuer); copies Strimzi's Secrets; prunes
     * what the rendering no longer has; then the scoring pool's KafkaUser, Secrets and pinned keys.
     * Returns one change per resource.
     *
     * @param replaceVerificationKey whether {@code given}'s verification key may replace a different one
     *     already pinned. A different key means the key-service's signing key is not the one pinned at
     *     onboarding (a restored or lost key store, or another bank's file): refused unless asked for.
     * @throws IllegalStateException before anything is written, naming what is missing (a namespace, a
     *     CRD, a permission) or refused (another key); after a write failed, naming the step, with what
     *     was written left in place for the same command to finish
     */
    public List<Change> apply(TenantId tenant, TenantSettings given, boolean replaceVerificationKey) {
        return apply(tenant, given, replaceVerificationKey, false);
    }

    /**
     * {@link #apply(TenantId, TenantSettings, boolean)}, and {@code replaceBatchVerificationKey}: whether
     * {@code given}'s batch-verification key may replace a different one already pinned at the key-service.
     * A different key means the encrypt-service's batch-signing key is not the one pinned at onboarding (a
     * lost or restored signing volume, or another bank's file): refused unless asked for.
     */
    public List<Change> apply(TenantId tenant, TenantSettings given, boolean replaceVerificationKey, boolean replaceBatchVerificationKey) {
        requireSharedZones();
        ClusterApis apis = ClusterApis.discover(client);
        ClusterObjects objects = new ClusterObjects(client, apis.strimziVersion());
        TenantSettings pinned = settingsInCluster(tenant);
        if (given.verificationKey().isPresent() && pinned.verificationKey().isPresent() && !replaceVerificationKey
                && !given.verificationKey().get().continues(pinned.verificationKey().get())) {
            throw new IllegalStateException("tenant " + tenant + " already pins bundle-verification key " + pinned.verificationKey().get().fingerprint()
                    + "; the key given is " + given.verificationKey().get().fingerprint() + ", which holds none of its keys (a re-pin of"
                    + " `./umbra keys rotate-signing` would). Its key-service now signs with another key"
                    + " (a new or restored key store?) or the file is not this tenant's: check with the bank, then apply again with"
                    + " --replace-verification-key. Nothing was changed");
        }
        if (given.batchVerificationKey().isPresent() && pinned.batchVerificationKey().isPresent() && !replaceBatchVerificationKey
                && !given.batchVerificationKey().get().continues(pinned.batchVerificationKey().get())) {
            throw new IllegalStateException("tenant " + tenant + " already pins batch-verification key " + pinned.batchVerificationKey().get().fingerprint()
                    + "; the key given is " + given.batchVerificationKey().get().fingerprint() + ", which holds none of its keys (a re-pin of"
                    + " `./umbra keys rotate-signing --key batch` would). Its encrypt-service now signs with another key"
                    + " (a new or restored volume " + BATCH_SIGNING_PVC + "?) or the file is not this tenant's: check with the bank, then apply"
                    + " again with --replace-batch-verification-key. Nothing was changed");
        }
        given.model().ifPresent(m -> pool.requireOneOwner(tenant, m));
        if (given.model().isEmpty() && pinned.model().isEmpty()) {
            pool.requireNoHalfServed(tenant);
        }
        TenantSettings settings = given.orElse(pinned);
        List<HasMetadata> desired = resourcesOf(tenant, settings);
        String ns = namespaceOf(tenant);
        if (apis.podMonitors()) {
            desired.add(TenantOverlay.podMonitor(tenant, ns));
        }
        List<String> copied = SecretCopies.mountedBy(desired, bankSecrets(tenant));
        accessNeeded(tenant, desired, copied).verify(client, "apply of tenant " + tenant);

        List<Change> changes = new ArrayList<>();
        SecretCopies secrets = new SecretCopies(client, this::applyWith, objects);
        secrets.markCredentials(desired, bankSecrets(tenant));
        String step = "";
        try {
            for (HasMetadata r : desired) {
                step = r.getKind() + " " + where(r);
                changes.add(noted(applyWith(objects, r), r));
            }
            if (!apis.podMonitors()) {
                changes.add(new Change("PodMonitor", ns, TenantOverlay.POD_MONITOR, Outcome.SKIPPED,
                        "no Prometheus Operator (" + ClusterApis.POD_MONITOR_CRD + "): scrape /q/metrics on port 9000 of the pods yourself"));
            }
            Map<String, String> copyLabels = Map.of("app.kubernetes.io/part-of", "umbra", Manifests.TENANT_LABEL, tenant.value(),
                    "app.kubernetes.io/managed-by", MANAGED_BY);
            List<HasMetadata> rendered = new ArrayList<>(desired);
            for (String name : copied) {
                step = "copy of Secret " + Manifests.KAFKA_NAMESPACE + "/" + name;
                changes.add(secrets.copy(name, ns, copyLabels));
                rendered.add(SecretCopies.ref(name, ns));
            }
            step = "pruning";
            changes.addAll(Ownership.prune(tenant, objects, rendered));
            Set<TenantId> tenants = new TreeSet<>(java.util.Comparator.comparing(TenantId::value));
            tenants.addAll(tenantsWithTopics(objects));
            tenants.add(tenant);
            step = "the scoring pool's share";
            changes.addAll(applyPool(objects, secrets, tenants, null, tenant, settings.model()));
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("apply of tenant " + tenant + " stopped at " + step + " after " + changes.size() + " step(s): "
                    + e.getMessage() + ". What was written stays; the preconditions held, so this is a conflict or a passing failure of the"
                    + " API server: run the same command again, it continues where this one stopped", e);
        }
        return changes;
    }

    private Change noted(Change c, HasMetadata r) {
        if (r instanceof Deployment d && d.getMetadata().getAnnotations() != null
                && d.getMetadata().getAnnotations().containsKey(TenantOverlay.HELD_ANNOTATION)) {
            return c.withNote("held at 0 replicas: " + d.getMetadata().getAnnotations().get(TenantOverlay.HELD_ANNOTATION));
        }
        if (r instanceof Deployment d && d.getMetadata().getName().equals(TenantOverlay.KEY_SERVICE) && !TenantOverlay.batchKeyPinned(d)) {
            // the encrypt-service writes the public half into its signing directory on its first start (and logs
            // its fingerprint); nothing serves it over the network. Results wait in <t>.score.results meanwhile.
            String ns = d.getMetadata().getNamespace();
            return c.withNote(TenantOverlay.AWAITING_BATCH_KEY + " (readiness DOWN until then; results wait in Kafka). Next, once "
                    + TenantOverlay.ENCRYPT_SERVICE + " runs: kubectl -n " + ns + " exec deploy/" + TenantOverlay.ENCRYPT_SERVICE + " -- cat "
                    + BATCH_SIGNING_DIR + "/" + TenantOverlay.BATCH_VERIFICATION_KEY_FILE + " > batch-verification.json, then ./umbra tenant"
                    + " apply --batch-verification-key batch-verification.json");
        }
        if (r instanceof ConfigMap cm && cm.getMetadata().getName().equals(TenantOverlay.API_AUTH) && !cm.getData().containsKey(ServiceEnvironment.UMBRA_JWT_JWKS)) {
            return c.withNote("no --jwt-jwks/--jwt-issuer: ingest-service, key-service and alert-service run with UMBRA_PRODUCTION=true"
                    + " and refuse to start without them");
        }
        return c;
    }

    private void requireSharedZones() {
        // without them, the first KafkaTopic (or the pool's ConfigMap) fails halfway through with the API
        // server's bare 404, after the tenant's namespace and services were already created
        if (client.namespaces().withName(Manifests.KAFKA_NAMESPACE).get() == null) {
            throw new IllegalStateException("namespace " + Manifests.KAFKA_NAMESPACE
                    + " not found: install the shared Kafka zone first (kubectl apply -k k8s/kafka, see docs/OPERATIONS.md). Nothing was changed");
        }
        if (client.namespaces().withName(Manifests.SCORING_NAMESPACE).get() == null) {
            throw new IllegalStateException("namespace " + Manifests.SCORING_NAMESPACE
                    + " not found: install the shared scoring pool first (kubectl apply -k k8s/scoring/base, see docs/OPERATIONS.md). Nothing was changed");
        }
    }

    /**
     * Every permission an apply of {@code tenant} uses. In a tenant namespace that does not exist yet, the
     * rights come from the RoleBinding the overlay writes first (k8s/tenant-template/provisioner-access.yaml),
     * so there the check is that the caller may create that binding.
     */
    AccessCheck accessNeeded(TenantId tenant, List<HasMetadata> desired, List<String> copied) {
        String ns = namespaceOf(tenant);
        boolean fresh = client.namespaces().withName(ns).get() == null;
        AccessCheck check = new AccessCheck().need("", "namespaces", null, "get", "list", "create", "patch");
        for (HasMetadata r : desired) {
            String rns = r.getMetadata().getNamespace();
            if (r instanceof Namespace || (fresh && ns.equals(rns) && !(r instanceof RoleBinding))) {
                continue;
            }
            check.need(ClusterObjects.group(r), ClusterObjects.plural(r), rns, "get", "list", "create", "patch", "delete");
            if (r instanceof RoleBinding rb) {
                check.need(new AccessCheck.Access("bind", "rbac.authorization.k8s.io", "clusterroles", null, rb.getRoleRef().getName()));
            }
        }
        if (!fresh && !copied.isEmpty()) {
            check.need("", "secrets", ns, "get", "list", "create", "patch", "delete");
        }
        check.need("", "secrets", Manifests.KAFKA_NAMESPACE, "get");
        check.need(ClusterApis.STRIMZI_GROUP, "kafkatopics", Manifests.KAFKA_NAMESPACE, "list");
        check.need(ClusterApis.STRIMZI_GROUP, "kafkausers", Manifests.KAFKA_NAMESPACE, "get", "create", "patch");
        check.need("", "secrets", Manifests.SCORING_NAMESPACE, "get", "create", "patch");
        check.need("", "configmaps", Manifests.SCORING_NAMESPACE, "get", "create", "patch");
        return check;
    }

    /**
     * The scoring pool's share of a change of tenants: its KafkaUser for {@code tenants}, its Secrets
     * copied from Strimzi, and its ConfigMap of pinned keys ({@code leaving}, if not null, left out even if
     * its ConfigMap is still there: a namespace is deleted asynchronously).
     */
    List<Change> applyPool(ClusterObjects objects, SecretCopies secrets, Set<TenantId> tenants, TenantId leaving) {
        return applyPool(objects, secrets, tenants, leaving, null, Optional.empty());
    }

    /** As above, and {@code joining}'s served model (if any) put into the pool's Secret of models. */
    List<Change> applyPool(ClusterObjects objects, SecretCopies secrets, Set<TenantId> tenants, TenantId leaving, TenantId joining,
                           Optional<ServedModel> model) {
        List<Change> changes = new ArrayList<>();
        KafkaUser poolUser = ScoringPoolUser.render(tenants);
        changes.add(applyWith(objects, poolUser));
        Map<String, String> poolLabels = Map.of("app.kubernetes.io/part-of", "umbra", "app.kubernetes.io/name", "he-scoring-service",
                "app.kubernetes.io/managed-by", MANAGED_BY);
        if (client.namespaces().withName(Manifests.SCORING_NAMESPACE).get() != null) {
            changes.add(secrets.copy(poolUser.getMetadata().getName(), Manifests.SCORING_NAMESPACE, poolLabels));
            changes.add(secrets.copy(Manifests.CLUSTER_CA_SECRET, Manifests.SCORING_NAMESPACE, poolLabels));
            changes.add(applyWith(objects, pool.pinnedKeys(leaving)));
            Optional<Secret> models = pool.models(leaving, joining, model);
            if (models.isPresent()) {
                Change c = applyWith(objects, models.get());
                changes.add(c.outcome() == Outcome.UNCHANGED ? c : c.withNote("the pool reads its models at start: kubectl -n "
                        + Manifests.SCORING_NAMESPACE + " rollout restart deployment/he-scoring-service"));
            }
        }
        return changes;
    }

    /**
     * What the cluster holds for the tenant of what {@link TenantSettings} decides: its pinned key
     * ({@code <t>-bundle-verification}), its API issuer ({@code api-auth}), its KMS key URI (key-service's
     * ConfigMap). {@link TenantSettings#NONE} for a tenant not applied yet.
     */
    public TenantSettings settingsInCluster(TenantId tenant) {
        String ns = namespaceOf(tenant);
        Optional<PinnedVerificationKey> key = Optional.empty();
        ConfigMap pinned = client.configMaps().inNamespace(ns).withName(TenantOverlay.pinnedKeyConfigMapName(tenant)).get();
        if (pinned != null && pinned.getData() != null && pinned.getData().containsKey(TenantOverlay.VERIFICATION_KEY_FILE)) {
            key = Optional.of(PinnedVerificationKey.fromPinned(tenant, pinned.getData().get(TenantOverlay.VERIFICATION_KEY_FILE),
                    "ConfigMap " + ns + "/" + pinned.getMetadata().getName()));
        }
        Optional<PinnedVerificationKey> batchKey = Optional.empty();
        ConfigMap batch = client.configMaps().inNamespace(ns).withName(TenantOverlay.batchKeyConfigMapName(tenant)).get();
        if (batch != null && batch.getData() != null && batch.getData().containsKey(TenantOverlay.BATCH_VERIFICATION_KEY_FILE)) {
            batchKey = Optional.of(PinnedVerificationKey.fromPinnedBatch(tenant, batch.getData().get(TenantOverlay.BATCH_VERIFICATION_KEY_FILE),
                    "ConfigMap " + ns + "/" + batch.getMetadata().getName()));
        }
        Map<String, String> auth = dataOf(ns, TenantOverlay.API_AUTH);
        Map<String, String> keyService = dataOf(ns, TenantOverlay.KEY_SERVICE);
        return new TenantSettings(key, Optional.ofNullable(auth.get(ServiceEnvironment.UMBRA_JWT_ISSUER)),
                Optional.ofNullable(auth.get(ServiceEnvironment.UMBRA_JWT_JWKS)), Optional.ofNullable(keyService.get(ServiceEnvironment.UMBRA_KEK_URI)),
                batchKey, pool.inCluster(tenant));
    }

    private Map<String, String> dataOf(String namespace, String configMap) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(configMap).get();
        return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    }

    Change applyWith(ClusterObjects objects, HasMetadata desired) {
        Resource<? extends HasMetadata> target = objects.handle(desired);
        HasMetadata before = target.get();
        HasMetadata after = writer.write(target, before != null);
        Outcome outcome = before == null ? Outcome.CREATED
                : comparable(before).equals(comparable(after)) ? Outcome.UNCHANGED : Outcome.CHANGED;
        return change(desired, outcome);
    }

    /**
     * The resource as the user wrote it: everything but status, and of the metadata only name,
     * namespace, labels and annotations (the rest is set by the server on every write).
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> comparable(HasMetadata resource) {
        Map<String, Object> map = new LinkedHashMap<>(Serialization.jsonMapper().convertValue(resource, Map.class));
        map.remove("status");
        ObjectMeta m = resource.getMetadata();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", m.getName());
        meta.put("namespace", m.getNamespace());
        meta.put("labels", m.getLabels() == null ? Map.of() : m.getLabels());
        meta.put("annotations", m.getAnnotations() == null ? Map.of() : m.getAnnotations());
        map.put("metadata", meta);
        return map;
    }

    /**
     * Removes every resource labelled {@code umbra.io/tenant=<t>} that this provisioner made, of the kinds
     * the overlay writes where it writes them, in reverse order (Namespace last), and re-applies the
     * scoring pool's KafkaUser without the tenant. Strimzi's own Secrets are left to Strimzi (it removes a
     * KafkaUser's Secret with the KafkaUser). The key material (the PVCs {@value #KEYS_PVC} and
     * {@value #BATCH_SIGNING_PVC}, the Secrets {@code umbra-<t>-kek} and {@code umbra-<t>-encrypt-kek}, those present) goes only if {@code confirmation} says so; if it declines, they
     * stay, and so does the namespace that holds them (deleting a namespace deletes everything in it).
     */
    public List<Change> delete(TenantId tenant, KeyMaterialConfirmation confirmation) {
        return new TenantRemoval(this, client).delete(tenant, confirmation);
    }

    /** The Secret holding the tenant's key-encryption key, created by the bank (k8s/tenant-template/key-service.yaml). */
    public static String kekSecretName(TenantId tenant) {
        return "umbra-" + tenant.value() + "-kek";
    }

    /** The Secret holding the encrypt-service's own key-encryption key, created by the bank (k8s/tenant-template/encrypt-service.yaml). */
    public static String encryptKekSecretName(TenantId tenant) {
        return "umbra-" + tenant.value() + "-encrypt-kek";
    }

    /** The bank's own Secrets (the KEKs): mounted, never copied, written or pruned by provisioning. */
    public static List<String> bankSecrets(TenantId tenant) {
        return List.of(kekSecretName(tenant), encryptKekSecretName(tenant));
    }

    /** The banks present: Namespaces labelled as a bank's zone, with their Deployments' readiness, by tenant id. */
    public List<Tenant> list() {
        List<Tenant> out = new ArrayList<>();
        for (Namespace n : client.namespaces().withLabel(ZONE_LABEL, BANK_ZONE).list().getItems()) {
            String tenant = n.getMetadata().getLabels().get(Manifests.TENANT_LABEL);
            if (tenant != null) {
                out.add(new Tenant(tenant, n.getMetadata().getName(), readiness(n.getMetadata().getName())));
            }
        }
        out.sort(java.util.Comparator.comparing(Tenant::tenant));
        return out;
    }

    /** The readiness of every Deployment in {@code namespace}, by name. */
    public List<Readiness> readiness(String namespace) {
        List<Readiness> out = new ArrayList<>();
        for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
            int desired = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
            out.add(new Readiness(d.getMetadata().getName(), ready == null ? 0 : ready, desired));
        }
        out.sort(java.util.Comparator.comparing(Readiness::deployment));
        return out;
    }

    /**
     * Polls the tenant's Deployments once a second until all are ready or {@code timeout} passes,
     * handing every poll's readiness to {@code progress}. True if all became ready.
     */
    public boolean awaitReady(TenantId tenant, Duration timeout, Consumer<List<Readiness>> progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Readiness> now = readiness(namespaceOf(tenant));
            progress.accept(now);
            if (!now.isEmpty() && now.stream().allMatch(Readiness::isReady)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }

    /** Tenants whose KafkaTopics exist in the Kafka namespace: the ones the scoring pool must be able to serve. */
    static Set<TenantId> tenantsWithTopics(ClusterObjects objects) {
        Set<TenantId> out = new LinkedHashSet<>();
        for (HasMetadata t : objects.strimzi("KafkaTopic")) {
            Map<String, String> labels = t.getMetadata().getLabels();
            String tenant = labels == null ? null : labels.get(Manifests.TENANT_LABEL);
            if (tenant != null) {
                out.add(TenantId.of(tenant));
            }
        }
        return out;
    }

    private static String where(HasMetadata r) {
        return (r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace() + "/") + r.getMetadata().getName();
    }

    static boolean sameObject(HasMetadata a, HasMetadata b) {
        return a.getKind().equals(b.getKind()) && a.getMetadata().getName().equals(b.getMetadata().getName())
                && Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace());
    }

    static Change change(HasMetadata r, Outcome outcome) {
        return new Change(r.getKind(), r.getMetadata().getNamespace(), r.getMetadata().getName(), outcome, null);
    }
}
