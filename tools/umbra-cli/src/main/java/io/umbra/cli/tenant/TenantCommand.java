package io.umbra.cli.tenant;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.umbra.cli.CommandFailure;
import io.umbra.cli.load.DurationConverter;
import io.umbra.events.TenantId;
import io.umbra.k8s.PinnedVerificationKey;
import io.umbra.k8s.TenantOverlay;
import io.umbra.k8s.TenantProvisioner;
import io.umbra.k8s.ServedModel;
import io.umbra.k8s.TenantSettings;
import io.umbra.k8s.TenantProvisioner.Change;
import io.umbra.k8s.TenantProvisioner.Outcome;
import io.umbra.k8s.TenantProvisioner.Readiness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code umbra tenant}: provisioning of one bank's deployment through the Kubernetes API. */
@Command(
    name = "tenant",
    mixinStandardHelpOptions = true,
    description = "Put a bank's deployment (k8s/tenant-template rendered for it) into a Kubernetes cluster, take it out, list them.",
    subcommands = {TenantCommand.Apply.class, TenantCommand.Delete.class, TenantCommand.ListTenants.class},
    footer = {"", "Examples:",
        "  ./umbra tenant apply --tenant acme --jwt-issuer https://idp.acme.example --jwt-jwks https://idp.acme.example/jwks.json",
        "  ./umbra tenant apply --tenant acme --verification-key acme-verification-key.json --wait --timeout 5m",
        "  ./umbra tenant apply --tenant acme --model models/network.json --model-card models/network.card.json \\",
        "      --model-verification-key models/model-verification.json",
        "  ./umbra tenant list --context prod",
        "  ./umbra tenant delete --tenant acme"})
public final class TenantCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: apply, delete or list");
    }

    /** The tenant id and its namespace, shared by apply and delete. */
    static final class TenantOptions {
        @Option(names = "--tenant", paramLabel = "T", required = true, description = "The tenant id (lower-case letters, digits, '-').")
        String tenant;

        @Option(names = "--namespace-prefix", paramLabel = "P", defaultValue = "umbra-",
                description = "The tenant's services run in namespace <P><T> (default: ${DEFAULT-VALUE}).")
        String namespacePrefix;

        TenantId tenantId() {
            return TenantId.of(tenant);
        }
    }

    /** Runs {@code work} against the chosen cluster, client errors turned into one line. */
    static <T> T withCluster(Cluster cluster, Function<KubernetesClient, T> work) {
        try (KubernetesClient client = cluster.connect()) {
            try {
                return work.apply(client);
            } catch (KubernetesClientException e) {
                throw Cluster.explain(e, client);
            }
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
             description = {"Render the tenant's overlay and apply it with server-side apply (field manager 'umbra', conflicts forced), "
                 + "Namespace first; copy Strimzi's Kafka Secrets into the namespaces that mount them; delete what an earlier apply "
                 + "made that the overlay no longer has (never data: topics and volumes are only reported); then the scoring pool's "
                 + "KafkaUser and pinned keys for every tenant present. Prints what was created, changed, deleted or left unchanged; "
                 + "applying twice changes nothing.",
                 "Settings not given are kept as the cluster has them. Without a pinned bundle-verification key the encrypt-service "
                 + "stays at 0 replicas: it cannot start without one, and the key exists only once key-service has run. Without a "
                 + "served model (--model, --model-card, --model-verification-key) the alert-service stays at 0 replicas: its threshold "
                 + "is the model's, from the signed card."})
    static final class Apply implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        TenantOptions tenant;
        @Mixin
        Cluster cluster;

        @Option(names = "--wait", description = "Wait until the tenant's Deployments are ready, showing their ready/desired replicas.")
        boolean await;

        @Option(names = "--timeout", paramLabel = "D", defaultValue = "5m", converter = DurationConverter.class,
                description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--verification-key", paramLabel = "FILE",
                description = {"Pin the tenant's bundle-verification key: the key-service's answer to GET /keys/verification-key "
                    + "(JSON with tenant, fingerprint, keyset), or its keyset alone. Checked: a Tink public keyset, of this tenant, "
                    + "matching its fingerprint. Written to ConfigMap <T>-bundle-verification and the scoring pool's pinned keys."})
        Path verificationKey;

        @Option(names = "--replace-verification-key",
                description = "Allow --verification-key to replace a different key pinned earlier (after the bank's key store was replaced).")
        boolean replaceVerificationKey;

        @Option(names = "--batch-verification-key", paramLabel = "FILE",
                description = {"Pin the encrypt-service's batch-verification key at the key-service: the batch-verification.json in the "
                    + "encrypt-service's signing directory (a Tink public keyset). Checked with Tink before anything is written; a keyset "
                    + "with private key material is refused. Written to ConfigMap <T>-batch-verification; until then key-service runs but decrypts "
                    + "nothing (readiness DOWN; results wait in Kafka)."})
        Path batchVerificationKey;

        @Option(names = "--replace-batch-verification-key",
                description = "Allow --batch-verification-key to replace a different key pinned earlier (after the encrypt-service's signing volume was replaced).")
        boolean replaceBatchVerificationKey;

        @Option(names = "--jwt-issuer", paramLabel = "ISS", description = "The 'iss' of the bank identity provider's API tokens (UMBRA_JWT_ISSUER).")
        String jwtIssuer;

        @Option(names = "--jwt-jwks", paramLabel = "URL", description = "The provider's JWK set, a URL (UMBRA_JWT_JWKS).")
        String jwtJwks;

        @Option(names = "--model", paramLabel = "FILE",
                description = {"Serve the tenant this signed model (`umbra model train`'s network.json or logistic.json): verified under "
                    + "--model-verification-key, written to the scoring pool's Secret he-scoring-models only (its weights never reach the "
                    + "bank's namespace). Sets the ingest's feature schema to the model's and, for a network, the key-service's logit bound. "
                    + "Give --model, --model-card and --model-verification-key together."})
        Path model;

        @Option(names = "--model-card", paramLabel = "FILE",
                description = {"The model's signed card (<model>.card.json, written beside it): must be this model's card, signed by the "
                    + "same key. Written with the key to ConfigMap <T>-model-card, which the alert-service mounts: its threshold is the "
                    + "card's (UMBRA_ALERT_THRESHOLD added to ConfigMap alert-service by hand overrides it)."})
        Path modelCard;

        @Option(names = "--model-verification-key", paramLabel = "FILE",
                description = "The model owner's verification key (model-verification.json, a Tink public keyset): the pool and the "
                    + "alert-service verify the model and the card under it. One owner per pool: another owner's key is refused while "
                    + "other tenants are served.")
        Path modelVerificationKey;

        @Option(names = "--kek-uri", paramLabel = "URI",
                description = "The key-encryption key in a KMS, gcp-kms://… or aws-kms://… (UMBRA_KEK_URI); then no KEK Secret is mounted. "
                    + "Choose at onboarding: a key store made under one KEK does not open under another.")
        String kekUri;

        @Override
        public void run() {
            TenantId id = tenant.tenantId();
            PrintWriter out = spec.commandLine().getOut();
            // every local input is checked before the cluster is contacted
            TenantSettings settings = new TenantSettings(Optional.ofNullable(verificationKey).map(f -> readKey(id, f)),
                    Optional.ofNullable(jwtIssuer), Optional.ofNullable(jwtJwks), Optional.ofNullable(kekUri),
                    Optional.ofNullable(batchVerificationKey).map(f -> readBatchKey(id, f)), readModel(id));
            withCluster(cluster, client -> {
                TenantProvisioner provisioner = new TenantProvisioner(client, tenant.namespacePrefix);
                List<Change> changes = provisioner.apply(id, settings, replaceVerificationKey, replaceBatchVerificationKey);
                changes.forEach(out::println);
                out.println(summary(changes));
                settings.verificationKey().ifPresent(k -> out.println("bundle-verification key of " + id + " pinned: " + k.fingerprint()));
                settings.batchVerificationKey().ifPresent(k -> out.println("batch-verification key of " + id + " pinned: " + k.fingerprint()));
                settings.model().ifPresent(m -> out.println(String.format(java.util.Locale.ROOT, "model served to %s: %s %s v%d on feature"
                        + " schema %d, alert threshold probability %.4f (logit %.4f, %s) from its signed card, owner key %s", id,
                        m.card().kind(), m.card().modelId(), m.card().version(), m.featureSchemaVersion(), m.card().thresholdProbability(),
                        m.card().thresholdLogit(), m.card().thresholdRule(), m.keyFingerprint())));
                explainHeld(changes, provisioner, id, out);
                out.flush();
                if (await) {
                    awaitReady(provisioner, id, out);
                }
                return null;
            });
        }

        private static PinnedVerificationKey readKey(TenantId id, Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandFailure("cannot read the verification key " + file + ": " + e.getMessage());
            }
            try {
                return PinnedVerificationKey.parse(id, text);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(file + ": " + e.getMessage());
            }
        }

        /** The served model of --model, --model-card and --model-verification-key (all three or none), checked. */
        private Optional<ServedModel> readModel(TenantId id) {
            if (model == null && modelCard == null && modelVerificationKey == null) {
                return Optional.empty();
            }
            if (model == null || modelCard == null || modelVerificationKey == null) {
                throw new CommandFailure("--model, --model-card and --model-verification-key go together: the model for the scoring pool,"
                        + " its signed card for the alert-service's threshold, the owner's key both are verified under");
            }
            try {
                return Optional.of(ServedModel.parse(id, read(model, "model"), read(modelCard, "model card"),
                        read(modelVerificationKey, "model verification key")));
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(e.getMessage());
            }
        }

        private static String read(Path file, String what) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandFailure("cannot read the " + what + " " + file + ": " + e.getMessage());
            }
        }

        private static PinnedVerificationKey readBatchKey(TenantId id, Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandFailure("cannot read the batch-verification key " + file + ": " + e.getMessage());
            }
            try {
                return PinnedVerificationKey.parseBatch(id, text);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(file + ": " + e.getMessage());
            }
        }

        private static boolean held(List<Change> changes, String deployment) {
            return changes.stream().anyMatch(c -> c.kind().equals("Deployment") && c.name().equals(deployment)
                    && c.note() != null && c.note().startsWith("held"));
        }

        private static boolean awaitingBatchKey(List<Change> changes) {
            return changes.stream().anyMatch(c -> c.kind().equals("Deployment") && c.name().equals("key-service")
                    && c.note() != null && c.note().startsWith(TenantOverlay.AWAITING_BATCH_KEY));
        }

        /**
         * What to do next while a key is not pinned: the encrypt-service is held for the key-service's
         * bundle-verification key; the key-service runs but does not decrypt until the encrypt-service's
         * batch-verification key is pinned (docs/OPERATIONS.md, "The first keys of a tenant").
         */
        private static void explainHeld(List<Change> changes, TenantProvisioner provisioner, TenantId id, PrintWriter out) {
            String ns = provisioner.namespaceOf(id);
            if (held(changes, "encrypt-service")) {
                out.println();
                out.println("encrypt-service of " + id + " stays at 0 replicas: no bundle-verification key is pinned, and it refuses to start without one.");
                out.println("Once key-service runs (it makes the signing key at its first start, publishes its bundles and logs the fingerprint;");
                out.println("its readiness stays DOWN until the batch-verification key below is pinned), with an admin token of the bank:");
                out.println("  kubectl -n " + ns + " port-forward deploy/key-service 8084:8084 &");
                out.println("  curl -fsS -H \"Authorization: Bearer $(cat admin.jwt)\" http://localhost:8084/keys/verification-key > " + id + "-verification-key.json");
                out.println("  ./umbra tenant apply --tenant " + id + " --verification-key " + id + "-verification-key.json");
                out.println("and compare the fingerprint printed then with the one key-service logged.");
            }
            if (held(changes, "alert-service")) {
                out.println();
                out.println("alert-service of " + id + " stays at 0 replicas: no model is served to it, and its alert threshold is the served");
                out.println("model's, from the model's signed card (scores wait in " + id + ".scores). With the files `umbra model train` wrote:");
                out.println("  ./umbra tenant apply --tenant " + id + " --model network.json --model-card network.card.json"
                        + " --model-verification-key model-verification.json");
            }
            if (awaitingBatchKey(changes)) {
                out.println();
                out.println("key-service of " + id + " runs but decrypts nothing: no batch-verification key is pinned (results wait in "
                        + id + ".score.results; readiness DOWN).");
                out.println("The encrypt-service writes the key into its signing volume at its first start (and logs its fingerprint);");
                out.println("nothing serves it over the network. " + (held(changes, "encrypt-service") ? "After the step above, once" : "Once")
                        + " encrypt-service runs:");
                out.println("  kubectl -n " + ns + " exec deploy/encrypt-service -- cat /var/lib/umbra/batch-signing/batch-verification.json > "
                        + id + "-batch-verification.json");
                out.println("  ./umbra tenant apply --tenant " + id + " --batch-verification-key " + id + "-batch-verification.json");
                out.println("and compare the fingerprint printed then with the one encrypt-service logged. The key-service starts decrypting");
                out.println("once the kubelet has put the file in place (its pod also restarts onto the key).");
            }
        }

        private void awaitReady(TenantProvisioner provisioner, TenantId id, PrintWriter out) {
            out.println("waiting up to " + timeout + " for the Deployments of " + provisioner.namespaceOf(id) + ":");
            AtomicReference<List<Readiness>> last = new AtomicReference<>(List.of());
            boolean ready;
            try {
                ready = provisioner.awaitReady(id, timeout, now -> {
                    // a block of one line per Deployment, printed again only when a count moved
                    if (!now.equals(last.getAndSet(now))) {
                        now.forEach(r -> out.printf("  %-16s %d/%d ready%n", r.deployment(), r.ready(), r.desired()));
                        out.flush();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted while waiting for readiness");
            }
            if (!ready) {
                String pending = last.get().stream().filter(r -> !r.isReady())
                        .map(r -> r.deployment() + " " + r.ready() + "/" + r.desired()).collect(Collectors.joining(", "));
                throw new CommandFailure("not ready after " + timeout + ": " + (pending.isEmpty() ? "no Deployments found" : pending));
            }
            out.println("all Deployments ready");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
             description = {"Delete every resource labelled umbra.io/tenant=<T> and the tenant's ACLs of the scoring pool's KafkaUser.",
                 "Asks on the terminal before the key material goes (the PVC key-service-keys and the Secret umbra-<T>-kek); "
                 + "refused, they and the namespace stay. Without a terminal, --yes is required."})
    static final class Delete implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        TenantOptions tenant;
        @Mixin
        Cluster cluster;

        @Option(names = "--yes", description = "Do not ask: delete the key material too.")
        boolean yes;

        /** The terminal to ask on; a field so a test could give one. */
        Console console = System.console();

        @Override
        public void run() {
            TenantId id = tenant.tenantId();
            if (!yes && console == null) {
                throw new CommandFailure("no terminal to confirm on: deleting tenant " + id
                        + " deletes its key material; pass --yes to delete without asking");
            }
            PrintWriter out = spec.commandLine().getOut();
            TenantProvisioner.KeyMaterialConfirmation confirm = yes ? (t, keys) -> true : (t, keys) -> {
                console.printf("Deleting tenant %s also deletes its key material:%n", t);
                keys.forEach(k -> console.printf("  %s%n", k));
                String answer = console.readLine("Type the tenant id (%s) to delete it, anything else to keep it: ", t);
                return t.value().equals(answer == null ? null : answer.strip());
            };
            withCluster(cluster, client -> {
                List<Change> changes = new TenantProvisioner(client, tenant.namespacePrefix).delete(id, confirm);
                changes.forEach(out::println);
                out.println(summary(changes));
                return null;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
             description = "List the tenants (namespaces labelled umbra.io/zone=bank) and their Deployments' ready/desired replicas.")
    static final class ListTenants implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        Cluster cluster;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            List<TenantProvisioner.Tenant> tenants = withCluster(cluster, client -> new TenantProvisioner(client).list());
            if (tenants.isEmpty()) {
                out.println("no Umbra tenants in this cluster");
                return;
            }
            out.printf("%-20s %-26s %s%n", "TENANT", "NAMESPACE", "DEPLOYMENTS (ready/desired)");
            for (TenantProvisioner.Tenant t : tenants) {
                String deployments = t.deployments().isEmpty() ? "none"
                        : t.deployments().stream().map(r -> r.deployment() + " " + r.ready() + "/" + r.desired()).collect(Collectors.joining(", "));
                out.printf("%-20s %-26s %s%n", t.tenant(), t.namespace(), deployments);
            }
        }
    }

    static String summary(List<Change> changes) {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        changes.forEach(c -> counts.merge(c.outcome(), 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
