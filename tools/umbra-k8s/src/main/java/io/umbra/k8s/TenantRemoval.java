package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.umbra.events.TenantId;
import io.umbra.k8s.TenantProvisioner.Change;
import io.umbra.k8s.TenantProvisioner.KeyMaterialConfirmation;
import io.umbra.k8s.TenantProvisioner.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code tenant delete}: the removal half of {@link TenantProvisioner}, in a class of its own so that the
 * provisioner keeps to rendering and applying. Removes only what provisioning made (labelled as ours), asks
 * before the tenant's key material goes, and re-applies the scoring pool's KafkaUser without the tenant.
 */
final class TenantRemoval {
    private final TenantProvisioner provisioner;
    private final KubernetesClient client;

    TenantRemoval(TenantProvisioner provisioner, KubernetesClient client) {
        this.provisioner = provisioner;
        this.client = client;
    }

    /** See {@link TenantProvisioner#delete}. */
    List<Change> delete(TenantId tenant, KeyMaterialConfirmation confirmation) {
        ClusterObjects objects = new ClusterObjects(client, ClusterApis.discover(client, false).strimziVersion());
        String ns = provisioner.namespaceOf(tenant);
        List<HasMetadata> keyMaterial = new ArrayList<>();
        for (String name : TenantProvisioner.KEY_MATERIAL_PVCS) {
            PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
            if (pvc != null) {
                keyMaterial.add(pvc);
            }
        }
        List<Secret> keks = new ArrayList<>();
        for (String name : TenantProvisioner.bankSecrets(tenant)) {
            Secret kek = client.secrets().inNamespace(ns).withName(name).get();
            if (kek != null) {
                keyMaterial.add(kek);
                keks.add(kek);
            }
        }
        boolean deleteKeys = keyMaterial.isEmpty()
                || confirmation.confirm(tenant, keyMaterial.stream().map(r -> r.getKind() + " " + ns + "/" + r.getMetadata().getName()).toList());

        List<HasMetadata> overlay = provisioner.resourcesOf(tenant);
        List<String> copied = SecretCopies.mountedBy(overlay, TenantProvisioner.bankSecrets(tenant));
        for (String name : copied) {
            overlay.add(SecretCopies.ref(name, ns));
        }
        List<HasMetadata> labelled = Ownership.labelledLike(objects, tenant, overlay).stream()
                .filter(r -> Ownership.madeByUs(r) || keyMaterial.stream().anyMatch(k -> TenantProvisioner.sameObject(k, r))).toList();
        List<Change> changes = new ArrayList<>();
        for (HasMetadata r : labelled.reversed()) {
            boolean isKey = keyMaterial.stream().anyMatch(k -> TenantProvisioner.sameObject(k, r));
            if (isKey && !deleteKeys) {
                changes.add(TenantProvisioner.change(r, Outcome.KEPT));
            } else {
                objects.handle(r).delete();
                changes.add(TenantProvisioner.change(r, Outcome.DELETED));
            }
        }
        // the KEK Secrets are the bank's: not labelled by us, removed by name if confirmed
        for (Secret kek : keks) {
            if (labelled.stream().noneMatch(r -> TenantProvisioner.sameObject(r, kek))) {
                if (deleteKeys) {
                    client.resource(kek).delete();
                }
                changes.add(TenantProvisioner.change(kek, deleteKeys ? Outcome.DELETED : Outcome.KEPT));
            }
        }
        for (Namespace n : client.namespaces().withLabel(Manifests.TENANT_LABEL, tenant.value()).list().getItems()) {
            if (!deleteKeys && n.getMetadata().getName().equals(ns)) {
                changes.add(TenantProvisioner.change(n, Outcome.KEPT));
            } else {
                client.resource(n).delete();
                changes.add(TenantProvisioner.change(n, Outcome.DELETED));
            }
        }
        Set<TenantId> remaining = new TreeSet<>(java.util.Comparator.comparing(TenantId::value));
        remaining.addAll(TenantProvisioner.tenantsWithTopics(objects));
        remaining.remove(tenant);
        changes.addAll(provisioner.applyPool(objects, new SecretCopies(client, provisioner::applyWith, objects), remaining, tenant));
        return changes;
    }
}
