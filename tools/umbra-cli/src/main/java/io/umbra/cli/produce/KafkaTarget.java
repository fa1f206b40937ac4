package io.umbra.cli.produce;

import io.umbra.cli.CommandFailure;
import io.umbra.cli.KafkaClientOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Which broker {@code produce} and {@code dlq} talk to and how they log in: {@code --bootstrap} (and the login
 * options of {@link KafkaClientOptions}), or by default the latest {@code ./umbra local} run's broker, which its
 * {@code endpoints.properties} names ({@code kafka.bootstrap}).
 */
public final class KafkaTarget {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "The Kafka broker (default: the latest ./umbra local run's, from its endpoints.properties).")
    String bootstrap;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "The local run whose broker to use (default: the newest under target/umbra-local).")
    Path runDir;

    @Mixin
    KafkaClientOptions login;

    public String bootstrap() {
        if (bootstrap != null) {
            return bootstrap;
        }
        Path run = runDir != null ? runDir : latestRun();
        Path endpoints = run.resolve("endpoints.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(endpoints, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new CommandFailure("no --bootstrap given and " + endpoints + " cannot be read (is `./umbra local` running?)");
        }
        String found = p.getProperty("kafka.bootstrap");
        if (found == null) {
            throw new CommandFailure("no --bootstrap given and " + endpoints + " names no kafka.bootstrap (a run of an older release?)");
        }
        return found;
    }

    public Map<String, Object> clientProperties() {
        return login.clientProperties();
    }

    private static Path latestRun() {
        Path root = Path.of(Optional.ofNullable(System.getenv("UMBRA_ROOT")).orElse(".")).resolve("target/umbra-local");
        try (Stream<Path> runs = Files.list(root)) {
            return runs.filter(d -> Files.exists(d.resolve("endpoints.properties")))
                    .max(Comparator.comparing(d -> d.resolve("endpoints.properties").toFile().lastModified()))
                    .orElseThrow(() -> new CommandFailure("no local run under " + root + "; give --bootstrap"));
        } catch (IOException e) {
            throw new CommandFailure("no local run under " + root + " (" + e.getMessage() + "); give --bootstrap");
        }
    }
}
