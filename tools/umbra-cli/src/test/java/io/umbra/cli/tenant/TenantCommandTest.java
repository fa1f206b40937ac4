package io.umbra.cli.tenant;

import static io.umbra.cli.CommandRun.umbra;
import io.umbra.cli.CommandRun;

import io.umbra.cli.CommandFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code umbra tenant}'s argument and connection errors, without a cluster: usage errors exit 2 with
 * the usage, failures exit 1 with one line naming the command. Provisioning itself is tested in
 * umbra-k8s against fabric8's Kubernetes test server.
 */
class TenantCommandTest {


    @Test
    void aMissingTenantIsAUsageError() {
        CommandRun run = umbra("tenant", "apply");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("Missing required option: '--tenant=T'"), run.err());
        assertTrue(run.err().contains("Usage: umbra tenant apply"), run.err());
        assertEquals(2, umbra("tenant").exitCode());
        assertEquals(2, umbra("tenant", "apply", "--tenant", "acme", "--timeout", "soon").exitCode());
    }

    @Test
    void aBadTenantIdIsOneLineBeforeAnyClusterIsContacted(@TempDir Path dir) {
        CommandRun run = umbra("tenant", "apply", "--tenant", "Acme!", "--kubeconfig", dir.resolve("absent").toString());
        assertTrue(run.isOneLineFailure("tenant apply: "), run.err());
        assertTrue(run.err().contains("Acme!"), run.err());
    }

    @Test
    void deleteWithoutATerminalRefusesUnlessYes(@TempDir Path dir) {
        // the test JVM has no console: asking is impossible, so it refuses before touching anything
        CommandRun run = umbra("tenant", "delete", "--tenant", "acme", "--kubeconfig", dir.resolve("absent").toString());
        assertTrue(run.isOneLineFailure("tenant delete: "), run.err());
        assertTrue(run.err().contains("--yes"), run.err());
        // with --yes it goes on, to the next error: the missing kubeconfig
        CommandRun yes = umbra("tenant", "delete", "--tenant", "acme", "--yes", "--kubeconfig", dir.resolve("absent").toString());
        assertTrue(yes.isOneLineFailure("tenant delete: "), yes.err());
        assertTrue(yes.err().contains("no kubeconfig file"), yes.err());
    }

    @Test
    void anUnreachableClusterIsOneLineNamingTheServer(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: nowhere
                    cluster:
                      server: https://127.0.0.1:1
                contexts:
                  - name: nowhere
                    context:
                      cluster: nowhere
                      user: nobody
                current-context: nowhere
                users:
                  - name: nobody
                    user:
                      token: not-a-token
                """);
        CommandRun run = umbra("tenant", "list", "--kubeconfig", kubeconfig.toString());
        assertTrue(run.isOneLineFailure("tenant list: "), run.err());
        assertTrue(run.err().contains("cannot reach the Kubernetes API at https://127.0.0.1:1"), run.err());

        CommandRun badContext = umbra("tenant", "list", "--kubeconfig", kubeconfig.toString(), "--context", "prod");
        assertTrue(badContext.isOneLineFailure("tenant list: "), badContext.err());
        assertTrue(badContext.err().contains("prod"), badContext.err());
    }

    @Test
    void withoutAnyKubeconfigItSaysWhereItLooked(@TempDir Path dir) {
        Cluster cluster = new Cluster();
        CommandFailure failure = assertThrows(CommandFailure.class, () -> cluster.connect(Map.of(), dir.resolve(".kube/config")));
        assertTrue(failure.getMessage().contains("KUBECONFIG"), failure.getMessage());
        assertTrue(failure.getMessage().contains(dir.resolve(".kube/config").toString()), failure.getMessage());
    }

    @Test
    void aBadNamespacePrefixIsOneLine(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
                + "contexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: t}}]\n");
        CommandRun run = umbra("tenant", "apply", "--tenant", "acme", "--namespace-prefix", "Umbra_", "--kubeconfig", kubeconfig.toString());
        assertTrue(run.isOneLineFailure("tenant apply: "), run.err());
        assertTrue(run.err().contains("namespace prefix"), run.err());
    }

    @Test
    void aVerificationKeyThatIsNotThisTenantsPublicKeyIsRefusedBeforeAnyClusterIsContacted(@TempDir Path dir) throws Exception {
        com.google.crypto.tink.signature.SignatureConfig.register();
        var signing = com.google.crypto.tink.KeysetHandle.generateNew(com.google.crypto.tink.KeyTemplates.get("ED25519"));
        String publicKeyset = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(signing.getPublicKeysetHandle());
        String privateKeyset = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(signing, com.google.crypto.tink.InsecureSecretKeyAccess.get());
        String absentKubeconfig = dir.resolve("absent").toString();

        // the key-service's answer of another bank
        Path otherBank = dir.resolve("globex.json");
        Files.writeString(otherBank, "{\"tenant\":\"globex\",\"fingerprint\":null,\"keyset\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(publicKeyset) + "}");
        CommandRun run = umbra("tenant", "apply", "--tenant", "acme", "--verification-key", otherBank.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(run.isOneLineFailure("tenant apply: "), run.err());
        assertTrue(run.err().contains("'globex'") && !run.err().contains("no kubeconfig"), run.err());

        // the private half: refused, and not echoed
        Path secret = dir.resolve("signing.json");
        Files.writeString(secret, privateKeyset);
        CommandRun leaked = umbra("tenant", "apply", "--tenant", "acme", "--verification-key", secret.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(leaked.isOneLineFailure("tenant apply: "), leaked.err());
        assertTrue(leaked.err().contains("secret key material"), leaked.err());
        assertTrue(!leaked.err().contains(privateKeyset) && !leaked.out().contains(privateKeyset));

        // the right key goes on, to the next error: the missing kubeconfig
        Path good = dir.resolve("acme.json");
        Files.writeString(good, publicKeyset);
        CommandRun ok = umbra("tenant", "apply", "--tenant", "acme", "--verification-key", good.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(ok.isOneLineFailure("tenant apply: ") && ok.err().contains("no kubeconfig file"), ok.err());

        CommandRun missing = umbra("tenant", "apply", "--tenant", "acme", "--verification-key", dir.resolve("nope.json").toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(missing.isOneLineFailure("tenant apply: ") && missing.err().contains("cannot read the verification key"), missing.err());
    }

    @Test
    void aBatchVerificationKeyThatIsNotAPublicKeysetIsRefusedBeforeAnyClusterIsContacted(@TempDir Path dir) throws Exception {
        com.google.crypto.tink.signature.SignatureConfig.register();
        var signing = com.google.crypto.tink.KeysetHandle.generateNew(com.google.crypto.tink.KeyTemplates.get("ED25519"));
        String publicKeyset = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(signing.getPublicKeysetHandle());
        String privateKeyset = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(signing, com.google.crypto.tink.InsecureSecretKeyAccess.get());
        String absentKubeconfig = dir.resolve("absent").toString();

        // the private half: refused, and not echoed
        Path secret = dir.resolve("batch-signing.json");
        Files.writeString(secret, privateKeyset);
        CommandRun leaked = umbra("tenant", "apply", "--tenant", "acme", "--batch-verification-key", secret.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(leaked.isOneLineFailure("tenant apply: "), leaked.err());
        assertTrue(leaked.err().contains("private key material") && !leaked.err().contains("no kubeconfig"), leaked.err());
        assertTrue(!leaked.err().contains(privateKeyset) && !leaked.out().contains(privateKeyset));

        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "batch-signing.wrapped bytes");
        CommandRun notJson = umbra("tenant", "apply", "--tenant", "acme", "--batch-verification-key", garbage.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(notJson.isOneLineFailure("tenant apply: ") && notJson.err().contains("not JSON"), notJson.err());

        // the encrypt-service's batch-verification.json goes on, to the next error: the missing kubeconfig
        Path good = dir.resolve("batch-verification.json");
        Files.writeString(good, publicKeyset);
        CommandRun ok = umbra("tenant", "apply", "--tenant", "acme", "--batch-verification-key", good.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(ok.isOneLineFailure("tenant apply: ") && ok.err().contains("no kubeconfig file"), ok.err());

        CommandRun missing = umbra("tenant", "apply", "--tenant", "acme", "--batch-verification-key", dir.resolve("nope.json").toString(),
                "--kubeconfig", absentKubeconfig);
        assertTrue(missing.isOneLineFailure("tenant apply: ") && missing.err().contains("cannot read the batch-verification key"), missing.err());
    }

    @Test
    void theServedModelsThreeFilesGoTogetherAndACardOfAnotherModelIsRefusedBeforeAnyClusterIsContacted(@TempDir Path dir) throws Exception {
        com.google.crypto.tink.signature.SignatureConfig.register();
        var owner = com.google.crypto.tink.KeysetHandle.generateNew(com.google.crypto.tink.KeyTemplates.get("ED25519"));
        String key = com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(owner.getPublicKeysetHandle());
        var signer = owner.getPrimitive(com.google.crypto.tink.RegistryConfiguration.get(), com.google.crypto.tink.PublicKeySign.class);
        String fingerprint = io.umbra.verify.BundleVerifier.fromKeyset(key).fingerprint();
        java.util.function.UnaryOperator<byte[]> sign = bytes -> {
            try {
                return signer.sign(bytes);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
        var v1 = io.umbra.events.features.FeatureSchema.V1;
        double[] w = new double[v1.dimension()];
        w[0] = 0.5;
        io.umbra.model.ModelArtifact one = io.umbra.model.ModelArtifact.logistic("lr", 1, v1, io.umbra.model.ModelArtifact.Scaler.identity(v1.dimension()),
                new io.umbra.model.ModelArtifact.Linear(w, -2), new io.umbra.model.ModelArtifact.Threshold(1.5, "test"), Map.of());
        io.umbra.model.ModelArtifact two = io.umbra.model.ModelArtifact.logistic("lr", 2, v1, io.umbra.model.ModelArtifact.Scaler.identity(v1.dimension()),
                new io.umbra.model.ModelArtifact.Linear(w, -2), new io.umbra.model.ModelArtifact.Threshold(2.5, "test"), Map.of());
        Path model = dir.resolve("logistic.json");
        Path card = dir.resolve("logistic.card.json");
        Path otherCard = dir.resolve("other.card.json");
        Path keyFile = dir.resolve("model-verification.json");
        Files.write(model, io.umbra.model.SignedModel.sign(one, sign, fingerprint));
        Files.write(card, io.umbra.model.SignedModelCard.sign(io.umbra.model.ModelCard.of(one), sign, fingerprint));
        Files.write(otherCard, io.umbra.model.SignedModelCard.sign(io.umbra.model.ModelCard.of(two), sign, fingerprint));
        Files.writeString(keyFile, key);
        String absentKubeconfig = dir.resolve("absent").toString();

        CommandRun alone = umbra("tenant", "apply", "--tenant", "acme", "--model-card", card.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(alone.isOneLineFailure("tenant apply: ") && alone.err().contains("go together"), alone.err());

        CommandRun wrong = umbra("tenant", "apply", "--tenant", "acme", "--model", model.toString(), "--model-card", otherCard.toString(),
                "--model-verification-key", keyFile.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(wrong.isOneLineFailure("tenant apply: ") && wrong.err().contains("not the card of the model given"), wrong.err());

        // the three right files go on, to the next error: the missing kubeconfig
        CommandRun ok = umbra("tenant", "apply", "--tenant", "acme", "--model", model.toString(), "--model-card", card.toString(),
                "--model-verification-key", keyFile.toString(), "--kubeconfig", absentKubeconfig);
        assertTrue(ok.isOneLineFailure("tenant apply: ") && ok.err().contains("no kubeconfig file"), ok.err());
    }

    @Test
    void aKekUriThatIsNotAKmsKeyIsOneLine(@TempDir Path dir) {
        CommandRun run = umbra("tenant", "apply", "--tenant", "acme", "--kek-uri", "file:///etc/kek.keyset", "--kubeconfig", dir.resolve("absent").toString());
        assertTrue(run.isOneLineFailure("tenant apply: "), run.err());
        assertTrue(run.err().contains("gcp-kms://"), run.err());
    }
}
