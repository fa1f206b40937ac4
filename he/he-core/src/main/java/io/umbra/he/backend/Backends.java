package io.umbra.he.backend;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Chooses the compute backend from the environment: {@code UMBRA_HE_BACKEND} (or the system property
 * {@code umbra.he.backend}) = {@code java | native | cuda | seal | auto}; {@code auto} takes the
 * highest-ranked backend that loads (cuda, then native, then java). Backends other than Java come from
 * {@link HeBackendProvider}s on the classpath (module he-native). A backend whose library or device is
 * missing falls back to the next best that loads (cuda to native, native to Java) with one log line,
 * so a scoring pod without a GPU still scores; with
 * {@code UMBRA_HE_BACKEND_STRICT=true} (or {@code -Dumbra.he.backend.strict=true}) it fails instead,
 * for tests and for operators who would rather not start than run on another engine. The choice is
 * logged once at INFO ("HE backend: …") and is what {@link #current()} returns for the process.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static volatile HeBackend current;

    private Backends() {
    }

    public static HeBackend current() {
        HeBackend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                b = current;
                if (b == null) {
                    b = select(configured(), strict());
                    LOG.log(Level.INFO, "HE backend: {0}", b.name());
                    current = b;
                }
            }
        }
        return b;
    }

    static String configured() {
        String prop = System.getProperty("umbra.he.backend");
        if (prop != null && !prop.isBlank()) {
            return prop.trim().toLowerCase(Locale.ROOT);
        }
        String env = System.getenv("UMBRA_HE_BACKEND");
        return env == null || env.isBlank() ? "java" : env.trim().toLowerCase(Locale.ROOT);
    }

    static boolean strict() {
        String prop = System.getProperty("umbra.he.backend.strict");
        String v = prop != null ? prop : System.getenv("UMBRA_HE_BACKEND_STRICT");
        return v != null && v.trim().equalsIgnoreCase("true");
    }

    /** The backends this classpath offers besides Java, best first for {@code auto}. */
    public static List<HeBackendProvider> providers() {
        List<HeBackendProvider> all = new ArrayList<>();
        ServiceLoader.load(HeBackendProvider.class, Backends.class.getClassLoader()).forEach(all::add);
        all.sort(Comparator.comparingInt(HeBackendProvider::autoRank).reversed());
        return all;
    }

    /**
     * The backend called {@code name}, freshly created (not the process's {@link #current()}), or an
     * exception saying why it is not available: for benchmarks and tests that compare backends.
     */
    public static HeBackend create(String name) {
        return select(name.toLowerCase(Locale.ROOT), true);
    }

    static HeBackend select(String name, boolean strict) {
        if (name.equals("java")) {
            return new JavaBackend();
        }
        List<HeBackendProvider> providers = providers();
        if (name.equals("auto")) {
            for (HeBackendProvider p : providers) {
                if (p.autoRank() < 0) {
                    continue;
                }
                try {
                    return p.create();
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(Level.DEBUG, "HE backend ''{0}'' not available: {1}", p.name(), e.getMessage());
                }
            }
            return new JavaBackend();
        }
        String why = null;
        int failedRank = Integer.MAX_VALUE;
        for (HeBackendProvider p : providers) {
            if (p.name().equals(name)) {
                try {
                    return p.create();
                } catch (RuntimeException | LinkageError e) {
                    why = e.getMessage();
                    failedRank = p.autoRank();
                }
            }
        }
        if (why == null) {
            if (!List.of("native", "cuda", "cuda-host", "seal").contains(name)) {
                throw new IllegalArgumentException("unknown HE backend '" + name + "': use auto, java, native, cuda or seal");
            }
            why = providers.isEmpty() ? "module he-native is not on the classpath"
                : name.equals("seal") ? "this build has no SEAL backend yet: use native or java"
                : "no provider for it on the classpath";
        }
        if (strict) {
            throw new IllegalStateException("HE backend '" + name + "' is not available: " + why);
        }
        // The next best that loads (a GPU pod without its device still gets native), else Java.
        for (HeBackendProvider p : providers) {
            if (p.autoRank() >= 0 && p.autoRank() < failedRank) {
                try {
                    HeBackend next = p.create();
                    LOG.log(Level.WARNING, "HE backend ''{0}'' is not available ({1}); using the {2} backend", name, why, next.name());
                    return next;
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(Level.DEBUG, "HE backend ''{0}'' not available either: {1}", p.name(), e.getMessage());
                }
            }
        }
        LOG.log(Level.WARNING, "HE backend ''{0}'' is not available ({1}); using the java backend", name, why);
        return new JavaBackend();
    }
}
