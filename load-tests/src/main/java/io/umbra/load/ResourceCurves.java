package io.umbra.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every sample a soak run took: per {@link ResourceKind}, per series (a process, a state directory, a
 * topic), the values in time order. Thread-safe: the sampler adds, the report reads after it stopped.
 */
public final class ResourceCurves {
    /** One value at one wall-clock time (epoch milliseconds), in raw units (bytes or a count). */
    public record Point(long atMillis, double value) {
    }

    private final Map<ResourceKind, Map<String, List<Point>>> curves = new EnumMap<>(ResourceKind.class);
    private final List<String> notes = new ArrayList<>();

    public synchronized void add(ResourceKind kind, String series, long atMillis, double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        curves.computeIfAbsent(kind, k -> new TreeMap<>()).computeIfAbsent(series, s -> new ArrayList<>())
                .add(new Point(atMillis, value));
    }

    /** A remark for the report (what could not be sampled, and why); each one once. */
    public synchronized void note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /** Series name → its points, in name order; empty when the kind was never sampled. */
    public synchronized Map<String, List<Point>> of(ResourceKind kind) {
        Map<String, List<Point>> out = new TreeMap<>();
        curves.getOrDefault(kind, Map.of()).forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    /** Only the points in {@code [fromMillis, toMillis]}: the measured window. */
    public synchronized ResourceCurves between(long fromMillis, long toMillis) {
        ResourceCurves out = new ResourceCurves();
        curves.forEach((kind, series) -> series.forEach((name, points) -> points.stream()
                .filter(p -> p.atMillis() >= fromMillis && p.atMillis() <= toMillis)
                .forEach(p -> out.add(kind, name, p.atMillis(), p.value()))));
        out.notes.addAll(notes);
        return out;
    }
}
