package io.umbra.cli.tenant;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.umbra.cli.CommandFailure;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which cluster to talk to, found as kubectl finds it: {@code --kubeconfig}, else {@code $KUBECONFIG},
 * else {@code ~/.kube/config}, else the pod's service account when running inside a cluster.
 */
public final class Cluster {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to use (default: as kubectl: $KUBECONFIG, then ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "C", description = "The kubeconfig context (default: its current context).")
    String context;

    /** A client for the chosen cluster; a one-line CommandFailure if there is no configuration at all. */
    KubernetesClient connect() {
        return connect(System.getenv(), Path.of(System.getProperty("user.home"), ".kube", "config"));
    }

    KubernetesClient connect(Map<String, String> env, Path defaultKubeconfig) {
        Config config;
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new CommandFailure("no kubeconfig file " + kubeconfig);
            }
            try {
                config = Config.fromKubeconfig(context, kubeconfig.toFile());
            } catch (RuntimeException e) {
                throw new CommandFailure("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
            }
        } else {
            boolean hasKubeconfig = env.get("KUBECONFIG") != null && !env.get("KUBECONFIG").isBlank();
            boolean inCluster = env.get("KUBERNETES_SERVICE_HOST") != null;
            if (!hasKubeconfig && !inCluster && !Files.isRegularFile(defaultKubeconfig)) {
                throw new CommandFailure("no cluster configured: pass --kubeconfig FILE, set KUBECONFIG, or create " + defaultKubeconfig);
            }
            config = Config.autoConfigure(context);
        }
        if (context != null && config.getCurrentContext() != null && !context.equals(config.getCurrentContext().getName())) {
            throw new CommandFailure("no context '" + context + "' in the kubeconfig");
        }
        // one attempt: a command run by hand should say at once that the cluster is not there,
        // not retry with backoff for a minute
        // the client's HTTP stack (Vert.x on Netty) would otherwise print JDK warnings about sun.misc.Unsafe
        // on every run; a command line gains nothing from Netty's off-heap tricks
        if (System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
        Config once = new ConfigBuilder(config).withRequestRetryBackoffLimit(0).withConnectionTimeout(10_000).build();
        return new KubernetesClientBuilder().withConfig(once).build();
    }

    /** A client exception as one line naming the API server. */
    static CommandFailure explain(KubernetesClientException e, KubernetesClient client) {
        String server = client.getConfiguration().getMasterUrl();
        if (e.getCode() <= 0) {  // no HTTP answer at all (fabric8 says -1 or 0)
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
            return new CommandFailure("cannot reach the Kubernetes API at " + server + ": " + why, e);
        }
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        return new CommandFailure("the Kubernetes API at " + server + " answered " + e.getCode() + ": " + message.lines().findFirst().orElse(""), e);
    }
}
