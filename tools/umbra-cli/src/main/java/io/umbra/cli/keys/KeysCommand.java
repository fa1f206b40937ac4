package io.umbra.cli.keys;

import io.umbra.cli.CommandFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code umbra keys rotate|rotate-signing|list|audit --tenant T}: a tenant's key operations through its key-service's
 * API, with an admin credential. Against the latest local run by default (its endpoints and development
 * admin token); against any deployment with {@code --url} and {@code --token-file} (or {@code UMBRA_TOKEN}).
 */
@Command(name = "keys", description = "A tenant's keys through its key-service: rotate, rotate a signing key, list the versions, read the audit trail.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.RotateSigning.class, KeysCommand.ListVersions.class, KeysCommand.Audit.class})
public final class KeysCommand {

    /** Where a key-service is and how to log in to it. */
    static class Target {
        @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant whose keys these are.")
        String tenant;

        @Option(names = "--url", paramLabel = "URL",
                description = "The tenant key-service's base URL (default: from the latest local run's endpoints.properties).")
        String url;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "A file holding an admin JWT for the tenant (default: $UMBRA_TOKEN, else the local run's <tenant>-admin.jwt).")
        Path tokenFile;

        @Option(names = "--run-dir", paramLabel = "DIR",
                description = "The local run to use (default: the newest under target/umbra-local of the repository).")
        Path runDir;

        String baseUrl() {
            if (url != null) {
                return url.replaceAll("/+$", "");
            }
            Path run = localRun();
            Path endpoints = run.resolve("endpoints.properties");
            Properties p = new Properties();
            try {
                p.load(Files.newBufferedReader(endpoints, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CommandFailure("no --url given and " + endpoints + " cannot be read (is `./umbra local` running?)");
            }
            String found = p.getProperty(tenant + ".key-service");
            if (found == null) {
                throw new CommandFailure("the local run in " + run + " has no key-service for tenant " + tenant + "; it has: "
                        + p.stringPropertyNames());
            }
            return found;
        }

        String token() {
            try {
                if (tokenFile != null) {
                    return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
                }
                String env = System.getenv("UMBRA_TOKEN");
                if (env != null && !env.isBlank()) {
                    return env.strip();
                }
                Path local = localRun().resolve("credentials").resolve(tenant + "-admin.jwt");
                return Files.readString(local, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CommandFailure("no admin credential: give --token-file or UMBRA_TOKEN (" + e.getMessage() + ")");
            }
        }

        Path localRun() {
            if (runDir != null) {
                return runDir;
            }
            Path root = Path.of(Optional.ofNullable(System.getenv("UMBRA_ROOT")).orElse(".")).resolve("target/umbra-local");
            try (Stream<Path> runs = Files.list(root)) {
                return runs.filter(d -> Files.exists(d.resolve("endpoints.properties")))
                        .max(Comparator.comparing(d -> d.resolve("endpoints.properties").toFile().lastModified()))
                        .orElseThrow(() -> new CommandFailure("no local run with endpoints under " + root + "; give --url"));
            } catch (IOException e) {
                throw new CommandFailure("no local run under " + root + " (" + e.getMessage() + "); give --url");
            }
        }

        /** Calls {@code method path} and returns the body; a non-2xx answer is a failure naming the status. */
        String call(String method, String path) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token())
                    .header("Accept", "application/json")
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build();
            HttpResponse<String> response;
            try {
                response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // a refused connection has no message of its own
                throw new CommandFailure(method + " " + request.uri() + " failed: " + (e.getMessage() != null ? e.getMessage()
                        : e.getClass().getSimpleName() + " (is the key-service running? `./umbra local` stops after --duration)"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted");
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response.body();
            }
            // every Umbra API answers errors as RFC 9457 problem+json: print its title and detail, not the raw body
            Optional<String> problem = problemText(response.body());
            if (problem.isPresent()) {
                throw new CommandFailure(method + " " + request.uri() + ": " + status + " " + problem.get());
            }
            if (status == 401 || status == 403) {
                throw new CommandFailure(method + " " + request.uri() + ": " + status + (status == 401 ? " (the token is missing, expired or"
                        + " not signed by the issuer this key-service trusts)" : " (the token is not an admin token of tenant " + tenant + ")"));
            }
            String body = response.body() == null ? "" : response.body().strip();
            throw new CommandFailure(method + " " + request.uri() + ": " + status
                    + (body.isEmpty() ? "" : " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body).replace('\n', ' ')));
        }
    }

    /** "title: detail" of a problem+json body, on one line; empty when the body is not one. */
    static Optional<String> problemText(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            if (json == null || !json.isObject() || !json.hasNonNull("title") || !json.hasNonNull("status")) {
                return Optional.empty();
            }
            String title = json.get("title").asText();
            String detail = json.hasNonNull("detail") ? json.get("detail").asText() : "";
            return Optional.of((detail.isBlank() ? title : title + ": " + detail).replace('\n', ' '));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** A subcommand that makes one call and prints the key-service's answer. */
    abstract static class Call implements Runnable {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Spec
        CommandSpec spec;

        /** The method and the path (with its query) to call. */
        abstract String[] request();

        @Override
        public void run() {
            String[] r = request();
            PrintWriter out = spec.commandLine().getOut();
            out.println(target.call(r[0], r[1]));
            out.flush();
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Creates the tenant's next key version and publishes its signed bundle. Encrypt-services switch once they",
                "have verified it; batches under the old version still decrypt until its retention (UMBRA_ROTATION_RETENTION) ends."})
    static final class Rotate extends Call {
        @Override
        String[] request() {
            return new String[] {"POST", "/keys/rotate"};
        }
    }

    @Command(name = "rotate-signing", mixinStandardHelpOptions = true,
            description = {"Rotates a signing key with an overlap in which the old and the new key both verify, one phase per call:",
                "  add      a new key joins the keyset, not signing yet; re-pin the public keyset printed (both keys)",
                "  promote  the new key signs (bundle: every live bundle is re-signed and re-published at once); refused while",
                "           the new key is younger than the overlap window (key-service: UMBRA_ROTATION_SIGNING_OVERLAP; batch:",
                "           --overlap), unless --force",
                "  retire   the old key leaves the keyset; re-pin the public keyset printed (the new key alone)",
                "Without --phase: where the rotation stands. --key bundle (default) goes through the tenant's key-service (admin",
                "token, as `keys rotate`); --key batch works on the encrypt-service's signing directory (UMBRA_BATCH_SIGNING_DIR)",
                "and its key-encryption key, which the encrypt-service picks up at its next batch. The local run re-pins by",
                "itself within a second; in Kubernetes re-pin with `./umbra tenant apply --verification-key FILE` (bundle) or",
                "`--batch-verification-key FILE` (batch), which accepts a keyset that still holds the pinned key."})
    static final class RotateSigning implements Runnable {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Spec
        CommandSpec spec;

        @Option(names = "--key", paramLabel = "KEY", defaultValue = "bundle",
                description = "bundle (the key-service's bundle-signing key, default) or batch (the encrypt-service's batch-signing key).")
        String key;

        @Option(names = "--phase", paramLabel = "PHASE", description = "add, promote or retire; without it, the state only.")
        String phase;

        @Option(names = "--force", description = "Promote before the overlap window has passed (only once every pin holds the new key).")
        boolean force;

        @Option(names = "--signing-dir", paramLabel = "DIR",
                description = "--key batch: the encrypt-service's UMBRA_BATCH_SIGNING_DIR (default: the local run's batch-signing/<tenant>).")
        Path signingDir;

        @Option(names = "--kek-file", paramLabel = "FILE",
                description = "--key batch: the encrypt-service's local key-encryption keyset (default: kek.keyset in the signing directory).")
        Path kekFile;

        @Option(names = "--kek-uri", paramLabel = "URI", description = "--key batch: the encrypt-service's KMS key (UMBRA_KEK_URI) instead.")
        String kekUri;

        @Option(names = "--overlap", paramLabel = "DURATION", defaultValue = "PT1H",
                description = "--key batch: the least time from add to promote (ISO-8601, default ${DEFAULT-VALUE}).")
        Duration overlap;

        @Override
        public void run() {
            io.umbra.crypto.SigningKeyset.Phase p = null;
            if (phase != null) {
                try {
                    p = io.umbra.crypto.SigningKeyset.Phase.parse(phase);
                } catch (IllegalArgumentException e) {
                    throw new CommandFailure(e.getMessage());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            switch (key) {
                case "bundle" -> {
                    String body = p == null ? target.call("GET", "/keys/signing")
                            : target.call("POST", "/keys/signing/rotate?phase=" + p.name().toLowerCase(java.util.Locale.ROOT) + "&force=" + force);
                    out.println(body);
                }
                case "batch" -> out.println(batch(p));
                default -> throw new CommandFailure("--key is bundle or batch, not '" + key + "'");
            }
            out.flush();
            if (p != null) {
                PrintWriter err = spec.commandLine().getErr();
                err.println(nextStep(p));
                err.flush();
            }
        }

        private String batch(io.umbra.crypto.SigningKeyset.Phase p) {
            Path dir = signingDir != null ? signingDir : target.localRun().resolve("batch-signing").resolve(target.tenant);
            if (!Files.exists(dir.resolve(io.umbra.crypto.BatchSigningKey.WRAPPED_FILE))) {
                throw new CommandFailure("no batch-signing key in " + dir + " (give the encrypt-service's UMBRA_BATCH_SIGNING_DIR with --signing-dir)");
            }
            try {
                io.umbra.crypto.KeyEncryptionKey kek = io.umbra.crypto.KeyEncryptionKey.open(Optional.ofNullable(kekUri),
                        kekFile != null ? kekFile : dir.resolve("kek.keyset"));
                io.umbra.crypto.SigningKeyset.State s = p == null ? io.umbra.crypto.BatchSigningKey.rotationState(dir, target.tenant, kek)
                        : io.umbra.crypto.BatchSigningKey.rotate(dir, target.tenant, kek, p, java.time.Instant.now(), overlap, force);
                java.util.Map<String, Object> view = new java.util.LinkedHashMap<>();
                view.put("tenant", target.tenant);
                view.put("key", "batch");
                view.put("phase", p == null ? null : p.name().toLowerCase(java.util.Locale.ROOT));
                view.put("keyIds", s.keyIds().stream().map(Integer::toUnsignedString).toList());
                view.put("primaryKeyId", Integer.toUnsignedString(s.primaryKeyId()));
                view.put("newKeyId", s.newKeyId().map(Integer::toUnsignedString).orElse(null));
                view.put("newKeyAddedAt", s.newKeyAddedAt().map(Object::toString).orElse(null));
                view.put("promotableFrom", s.newKeyAddedAt().map(t -> t.plus(overlap).toString()).orElse(null));
                view.put("fingerprint", s.fingerprint());
                view.put("verificationFile", dir.resolve(io.umbra.crypto.BatchSigningKey.VERIFICATION_FILE).toString());
                view.put("keyset", s.verificationKeyset());
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(view);
            } catch (io.umbra.crypto.SigningKeyset.RotationRefused e) {
                throw new CommandFailure("refused: " + e.getMessage());
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new CommandFailure("the batch-signing key in " + dir + " cannot be rotated: " + e.getMessage());
            }
        }

        private String nextStep(io.umbra.crypto.SigningKeyset.Phase p) {
            String pinFlag = key.equals("batch") ? "--batch-verification-key" : "--verification-key";
            String repin = "re-pin the keyset above: the local run does it within a second; in Kubernetes save "
                    + (key.equals("batch") ? "the \"keyset\" field (or verificationFile)" : "this answer")
                    + " to a file and run `./umbra tenant apply --tenant " + target.tenant + " " + pinFlag + " FILE`";
            return switch (p) {
                case ADD -> "next: " + repin + "; once every verifier has it (after the overlap window), --phase promote";
                case PROMOTE -> "next: the new key signs now" + (key.equals("bundle") ? " (every live bundle re-published)" : "")
                        + "; --phase retire to remove the old key";
                case RETIRE -> "next: " + repin + "; the rotation is complete";
            };
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's key versions (public facts only).")
    static final class ListVersions extends Call {
        @Override
        String[] request() {
            return new String[] {"GET", "/keys"};
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "The tenant's audit trail, newest last.")
    static final class Audit extends Call {
        @Option(names = "--type", paramLabel = "TYPE", description = "Only entries of this type (KEY_ROTATED, BUNDLE_REFUSED, …).")
        String type;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many entries (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        String[] request() {
            return new String[] {"GET", "/audit?limit=" + limit + (type == null ? "" : "&type=" + type)};
        }
    }
}
