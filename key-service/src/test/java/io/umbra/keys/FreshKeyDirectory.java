package io.umbra.keys;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Starts the service under test on an empty key directory (the test profile's), so a run never sees an earlier run's versions. */
public class FreshKeyDirectory implements QuarkusTestResourceLifecycleManager {
    static final Path DIR = Path.of("target/test-keys/acme");

    @Override
    public Map<String, String> start() {
        if (Files.exists(DIR)) {
            try (Stream<Path> walk = Files.walk(DIR)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.of("umbra.keys-dir", DIR.toString());
    }

    @Override
    public void stop() {
    }
}
