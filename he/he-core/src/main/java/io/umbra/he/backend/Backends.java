package io.umbra.he.backend;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Chooses the compute backend from the environment ({@code UMBRA_HE_BACKEND} = java | native |
 * cuda, or the system property {@code umbra.he.backend}). A backend whose library or device is
 * missing falls back to Java with one log line, so a scoring pod without a GPU still scores.
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
                    b = select(configured());
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

    static HeBackend select(String name) {
        switch (name) {
            case "java":
                return new JavaBackend();
            case "native":
            case "cuda":
                // The JNI and CUDA kernels are not part of this build yet; never fail a pod over it.
                LOG.log(Level.WARNING, "HE backend ''{0}'' is not available in this build; using the Java backend", name);
                return new JavaBackend();
            default:
                throw new IllegalArgumentException("unknown HE backend '" + name + "': use java, native or cuda");
        }
    }
}
