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
 * {@code umbra keys rotate|list|audit --tenant T}: a tenant's key operations through its key-service's
 * API, with an admin credential. Against the latest local run by default (its endpoints and development
 * admin token); against any deployment with {@code --url} and {@code --token-file} (or {@code UMBRA_TOKEN}).
 */
@Command(name = "keys", description = "A tenant's keys through its key-service: rotate, list the versions, read the audit trail.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.ListVersions.class, KeysCommand.Audit.class})
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

        private Path localRun() {
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
            if (status == 401 || status == 403) {
                throw new CommandFailure(method + " " + request.uri() + ": " + status + (status == 401 ? " (the token is missing, expired or"
                        + " not signed by the issuer this key-service trusts)" : " (the token is not an admin token of tenant " + tenant + ")"));
            }
            if (status / 100 != 2) {
                throw new CommandFailure(method + " " + request.uri() + ": " + status + " " + response.body());
            }
            return response.body();
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
