package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Asks the API server, before anything is written, whether the caller may do each thing an apply will
 * do ({@code SelfSubjectAccessReview}), so a missing permission stops the apply whole instead of half-way.
 * The permissions provisioning needs are those of k8s/provisioner (docs/OPERATIONS.md, "RBAC").
 */
final class AccessCheck {
    /** One thing to be allowed: {@code verb} on {@code group}/{@code resource} in {@code namespace} (null: cluster-scoped). */
    record Access(String verb, String group, String resource, String namespace, String name) {
        Access(String verb, String group, String resource, String namespace) {
            this(verb, group, resource, namespace, null);
        }

        @Override
        public String toString() {
            String what = group.isEmpty() ? resource : resource + "." + group;
            return verb + " " + what + (name == null ? "" : " " + name) + (namespace == null ? "" : " in namespace " + namespace);
        }
    }

    private final Set<Access> wanted = new LinkedHashSet<>();

    AccessCheck need(String group, String resource, String namespace, String... verbs) {
        for (String verb : verbs) {
            wanted.add(new Access(verb, group, resource, namespace));
        }
        return this;
    }

    AccessCheck need(Access access) {
        wanted.add(access);
        return this;
    }

    Collection<Access> wanted() {
        return List.copyOf(wanted);
    }

    /** An IllegalStateException listing every access the API server denies; nothing if all are allowed. */
    void verify(KubernetesClient client, String what) {
        List<Access> denied = new ArrayList<>();
        for (Access a : wanted) {
            SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                    .withVerb(a.verb()).withGroup(a.group()).withResource(a.resource()).withNamespace(a.namespace()).withName(a.name())
                    .endResourceAttributes().endSpec().build();
            SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview().create(review);
            if (answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
                denied.add(a);
            }
        }
        if (!denied.isEmpty()) {
            throw new IllegalStateException(what + " needs permissions the caller does not have: " + denied.stream().map(Access::toString).toList()
                    + ". Bind the roles of k8s/provisioner (kubectl apply -k k8s/provisioner; docs/OPERATIONS.md, \"RBAC\"). Nothing was changed");
        }
    }
}
