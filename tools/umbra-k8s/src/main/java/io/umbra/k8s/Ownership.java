package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.umbra.events.TenantId;
import io.umbra.k8s.TenantProvisioner.Change;
import io.umbra.k8s.TenantProvisioner.Outcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What provisioning may take away: only what it made. A tenant's label alone does not make an object
 * provisioning's: Strimzi's User Operator copies a KafkaUser's labels, the tenant label among them, onto
 * the Secret it writes, and deleting that Secret makes the operator generate a new password.
 *
 * <p>What it guarantees: a kind is looked at only in a namespace where the rendering writes that kind;
 * an object with an owner reference (a controller made it) or Strimzi's {@code strimzi.io/kind} label is
 * never deleted; a Secret only if it carries {@value TenantProvisioner#COPIED_FROM_ANNOTATION} (a copy
 * provisioning made); the key material never; data (KafkaTopics, PVCs) only reported.
 */
final class Ownership {
    private Ownership() {
    }

    /**
     * Of each kind {@code rendered} writes into a namespace, what carries the tenant's label there but is
     * not in {@code rendered}: deleted if this provisioner made it, never the key material; a KafkaTopic
     * or a PVC (data) only reported. A kind is only looked at in a namespace where the rendering writes it.
     */
    static List<Change> prune(TenantId tenant, ClusterObjects objects, List<HasMetadata> rendered) {
        List<Change> changes = new ArrayList<>();
        for (HasMetadata live : labelledLike(objects, tenant, rendered)) {
            if (rendered.stream().anyMatch(r -> TenantProvisioner.sameObject(r, live)) || isKeyMaterial(tenant, live) || !madeByUs(live)) {
                continue;
            }
            if (live.getKind().equals("KafkaTopic") || live instanceof PersistentVolumeClaim) {
                changes.add(TenantProvisioner.change(live, Outcome.KEPT).withNote("no longer rendered, but holds data: delete it by hand if it is not needed"));
            } else {
                objects.handle(live).delete();
                changes.add(TenantProvisioner.change(live, Outcome.DELETED).withNote("pruned: no longer rendered"));
            }
        }
        return changes;
    }

    /** Whatever carries the tenant's label among the kinds {@code rendered} has, in the namespaces where it has them. */
    static List<HasMetadata> labelledLike(ClusterObjects objects, TenantId tenant, List<HasMetadata> rendered) {
        Map<String, HasMetadata> kindsIn = new LinkedHashMap<>();
        for (HasMetadata r : rendered) {
            if (!(r instanceof Namespace)) {
                kindsIn.putIfAbsent(r.getMetadata().getNamespace() + " " + r.getKind(), r);
            }
        }
        List<HasMetadata> out = new ArrayList<>();
        for (HasMetadata sample : kindsIn.values()) {
            out.addAll(objects.labelled(sample, sample.getMetadata().getNamespace(), Manifests.TENANT_LABEL, tenant.value()));
        }
        return out;
    }

    /**
     * Not another party's: no owner reference (a controller made it), no Strimzi kind label (an operator
     * made it), and a Secret only if it is one of our copies.
     */
    static boolean madeByUs(HasMetadata live) {
        ObjectMeta m = live.getMetadata();
        if ((m.getOwnerReferences() != null && !m.getOwnerReferences().isEmpty())
                || (m.getLabels() != null && m.getLabels().containsKey("strimzi.io/kind"))) {
            return false;
        }
        return !(live instanceof Secret) || (m.getAnnotations() != null && m.getAnnotations().containsKey(TenantProvisioner.COPIED_FROM_ANNOTATION));
    }

    private static boolean isKeyMaterial(TenantId tenant, HasMetadata r) {
        return (r instanceof PersistentVolumeClaim && TenantProvisioner.KEY_MATERIAL_PVCS.contains(r.getMetadata().getName()))
                || (r instanceof Secret && TenantProvisioner.bankSecrets(tenant).contains(r.getMetadata().getName()));
    }

}
