package io.umbra.k8s.keda;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

import java.util.List;

/** KEDA's TriggerAuthentication, the Secret and environment sources only. */
@Group("keda.sh")
@Version("v1alpha1")
@Kind("TriggerAuthentication")
public class TriggerAuthentication extends CustomResource<TriggerAuthentication.Spec, Void> implements Namespaced {

    public record Spec(List<SecretTargetRef> secretTargetRef, List<EnvRef> env) {
    }

    /** A scaler parameter ({@code ca}, {@code cert}, {@code key}, ...) from a key of a Secret. */
    public record SecretTargetRef(String parameter, String name, String key) {
    }

    public record EnvRef(String parameter, String name, String containerName) {
    }
}
