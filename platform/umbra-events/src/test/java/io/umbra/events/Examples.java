package io.umbra.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** The raw-transaction examples of docs/EVENTS.md (src/test/resources/examples) and the clock they are valid at. */
public final class Examples {
    public static final List<String> NAMES = List.of("pos-domestic", "ecom-cross-border", "atm-coordinates");
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-24T00:00:00Z"), ZoneOffset.UTC);

    private Examples() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Examples.class.getResourceAsStream("/examples/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no example " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** docs/EVENTS.md of the repository (tests run in the module directory). */
    public static String eventsDoc() {
        try {
            return Files.readString(Path.of("..", "..", "docs", "EVENTS.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
