package io.umbra.cli.keys;

import static io.umbra.cli.CommandRun.umbra;
import io.umbra.cli.CommandRun;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@code umbra keys} reaches a key-service: the local run's endpoints and admin token, or --url and
 * --token-file; what it sends and how it reports a refusal. The key-service's side (rotation, the audit
 * trail, 401/403) is tested in key-service and pipeline-tests; here an HTTP endpoint stands in for it
 * and records the requests.
 */
class KeysCommandTest {
    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private volatile int status = 201;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (status == 409 ? PROBLEM : "{\"tenant\":\"acme\",\"previousVersion\":1,\"currentVersion\":2}")
                    .getBytes(StandardCharsets.UTF_8);
            if (status == 409) {
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            }
            exchange.sendResponseHeaders(status, status == 403 ? -1 : body.length);
            if (status != 403) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }



    @Test
    void rotateUsesTheLocalRunsEndpointAndAdminToken(@TempDir Path run) throws IOException {
        Files.writeString(run.resolve("endpoints.properties"), "acme.key-service=" + url() + "\nglobex.key-service=http://127.0.0.1:1\n");
        Files.createDirectories(run.resolve("credentials"));
        Files.writeString(run.resolve("credentials/acme-admin.jwt"), "header.payload.sig\n");
        CommandRun r = umbra("keys", "rotate", "--tenant", "acme", "--run-dir", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("POST /keys/rotate Bearer header.payload.sig"), requests);
        assertTrue(r.out().contains("\"currentVersion\":2"), r.out());
    }

    @Test
    void auditAndListGoWhereTheUrlSaysWithTheGivenToken(@TempDir Path dir) throws IOException {
        Path token = Files.writeString(dir.resolve("admin.jwt"), "t0k3n");
        status = 200;
        assertEquals(0, umbra("keys", "audit", "--tenant", "acme", "--url", url() + "/", "--token-file", token.toString(),
                "--type", "KEY_ROTATED", "--limit", "5").exitCode());
        assertEquals(0, umbra("keys", "list", "--tenant", "acme", "--url", url(), "--token-file", token.toString()).exitCode());
        assertEquals(List.of("GET /audit?limit=5&type=KEY_ROTATED Bearer t0k3n", "GET /keys Bearer t0k3n"), requests);
    }

    private static final String PROBLEM = "{\"type\":\"urn:umbra:problem:conflict\",\"title\":\"Conflict\",\"status\":409,"
            + "\"detail\":\"the new key was added 3 min ago; promote it after 1 h or with --force\",\"instance\":\"/keys/signing/rotate\"}";

    @Test
    void anErrorOfTheKeyServiceIsPrintedAsItsProblemDetailNotAsJson(@TempDir Path dir) throws IOException {
        Path token = Files.writeString(dir.resolve("admin.jwt"), "t0k3n");
        status = 409;
        CommandRun r = umbra("keys", "rotate-signing", "--tenant", "acme", "--phase", "promote", "--url", url(), "--token-file", token.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("409 Conflict: the new key was added 3 min ago; promote it after 1 h or with --force"), r.err());
        assertFalse(r.err().contains("urn:umbra:problem") || r.err().contains("{"), "no raw JSON: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aRefusalIsOneLineThatSaysWhy(@TempDir Path dir) throws IOException {
        Path token = Files.writeString(dir.resolve("analyst.jwt"), "not-admin");
        status = 403;
        CommandRun r = umbra("keys", "rotate", "--tenant", "acme", "--url", url(), "--token-file", token.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("403") && r.err().contains("not an admin token of tenant acme"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("not-admin"), "the token is never printed");
    }

    @Test
    void aKeyServiceThatIsNotThereIsNamed(@TempDir Path dir) throws IOException {
        Path token = Files.writeString(dir.resolve("admin.jwt"), "t");
        server.stop(0);
        CommandRun r = umbra("keys", "list", "--tenant", "acme", "--url", url(), "--token-file", token.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("is the key-service running?"), r.err());
    }

    @Test
    void withoutARunOrAUrlItSaysWhatToGive(@TempDir Path empty) {
        CommandRun r = umbra("keys", "rotate", "--tenant", "acme", "--run-dir", empty.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("endpoints.properties") && r.err().contains("./umbra local"), r.err());
        assertEquals(2, umbra("keys", "rotate").exitCode(), "--tenant is required");
        assertTrue(requests.isEmpty());
    }

    @Test
    void rotateSigningOfTheBundleKeyCallsTheKeyServicePhaseByPhase(@TempDir Path dir) throws IOException {
        Path token = Files.writeString(dir.resolve("admin.jwt"), "t0k3n");
        status = 200;
        for (String phase : List.of("add", "promote", "retire")) {
            CommandRun r = umbra("keys", "rotate-signing", "--tenant", "acme", "--phase", phase, "--url", url(), "--token-file", token.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.err().contains("next:"), r.err());
        }
        assertEquals(0, umbra("keys", "rotate-signing", "--tenant", "acme", "--force", "--phase", "PROMOTE", "--url", url(), "--token-file",
                token.toString()).exitCode());
        assertEquals(0, umbra("keys", "rotate-signing", "--tenant", "acme", "--url", url(), "--token-file", token.toString()).exitCode());
        assertEquals(List.of("POST /keys/signing/rotate?phase=add&force=false Bearer t0k3n", "POST /keys/signing/rotate?phase=promote&force=false Bearer t0k3n",
                "POST /keys/signing/rotate?phase=retire&force=false Bearer t0k3n", "POST /keys/signing/rotate?phase=promote&force=true Bearer t0k3n",
                "GET /keys/signing Bearer t0k3n"), requests);
        CommandRun bad = umbra("keys", "rotate-signing", "--tenant", "acme", "--phase", "sideways", "--url", url(), "--token-file", token.toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("add, promote or retire"), bad.err());
        assertEquals(5, requests.size(), "nothing sent for an unknown phase");
    }

    @Test
    void rotateSigningOfTheBatchKeyWorksOnTheSigningDirectoryAndWaitsForTheWindow(@TempDir Path run) throws Exception {
        Path dir = run.resolve("batch-signing/acme");
        Files.createDirectories(dir);
        io.umbra.crypto.BatchSigningKey old = io.umbra.crypto.BatchSigningKey.openOrCreate(dir, "acme",
                io.umbra.crypto.KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset")));
        byte[] data = "a batch".getBytes(StandardCharsets.UTF_8);
        byte[] byOld = old.sign(data);
        String[] base = {"keys", "rotate-signing", "--tenant", "acme", "--key", "batch", "--run-dir", run.toString()};
        CommandRun add = umbra(concat(base, "--phase", "add"));
        assertEquals(0, add.exitCode(), add.err());
        assertTrue(add.out().contains("\"keyIds\":[") && add.err().contains("--batch-verification-key"), add.out() + add.err());
        io.umbra.verify.BundleVerifier window = io.umbra.verify.BundleVerifier.fromKeyset(
                Files.readString(dir.resolve(io.umbra.crypto.BatchSigningKey.VERIFICATION_FILE)));
        assertEquals(2, window.keyCount());

        CommandRun early = umbra(concat(base, "--phase", "promote"));
        assertEquals(1, early.exitCode());
        assertTrue(early.err().contains("refused") && early.err().contains("--force"), early.err());
        assertEquals(0, umbra(concat(base, "--phase", "promote", "--overlap", "PT0S")).exitCode(), "a zero window has passed");
        io.umbra.crypto.BatchSigningKey promoted = io.umbra.crypto.BatchSigningKey.openOrCreate(dir, "acme",
                io.umbra.crypto.KeyEncryptionKey.localKeyset(dir.resolve("kek.keyset")));
        assertTrue(window.verifies(promoted.sign(data), data) && window.verifies(byOld, data));
        assertEquals(0, umbra(concat(base, "--phase", "retire")).exitCode());
        io.umbra.verify.BundleVerifier after = io.umbra.verify.BundleVerifier.fromKeyset(
                Files.readString(dir.resolve(io.umbra.crypto.BatchSigningKey.VERIFICATION_FILE)));
        assertFalse(after.verifies(byOld, data), "the old batch key no longer verifies");
        assertTrue(after.verifies(promoted.sign(data), data));
        assertTrue(requests.isEmpty(), "the batch key never goes through the key-service");
    }

    private static Object[] concat(String[] base, String... more) {
        List<Object> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray();
    }
}
