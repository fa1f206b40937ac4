package io.umbra.cli.tenant;

import io.umbra.cli.CommandRun;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.umbra.events.TenantId;
import io.umbra.k8s.TenantProvisioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code umbra tenant list} over HTTP, with a kubeconfig, against fabric8's Kubernetes test server in
 * CRUD mode (the provisioning logic itself is tested in umbra-k8s). The tenant is put there with
 * plain creates: the test server does not implement server-side apply.
 */
@EnableKubernetesMockClient(crud = true)
class TenantListCommandTest {
    static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    KubernetesClient client;

    @Test
    void listsTheTenantsOfTheClusterInTheKubeconfig(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: test
                    cluster:
                      server: %s
                      insecure-skip-tls-verify: true
                contexts:
                  - name: test
                    context:
                      cluster: test
                      user: tester
                current-context: test
                users:
                  - name: tester
                    user:
                      token: test-token
                """.formatted(client.getConfiguration().getMasterUrl()));

        CommandRun empty = CommandRun.umbra("tenant", "list", "--kubeconfig", kubeconfig.toString());
        assertEquals(0, empty.exitCode(), empty.err());
        assertEquals("no Umbra tenants in this cluster", empty.out().strip());

        for (HasMetadata r : new TenantProvisioner(client).resourcesOf(TenantId.of("acme"))) {
            client.resource(r).create();
        }
        CommandRun run = CommandRun.umbra("tenant", "list", "--kubeconfig", kubeconfig.toString());
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length, run.out());
        assertTrue(lines[0].startsWith("TENANT"), run.out());
        assertTrue(lines[1].matches("acme +umbra-acme +alert-service 0/\\d+, encrypt-service 0/\\d+, ingest-service 0/\\d+, key-service 0/1"), lines[1]);
    }
}
