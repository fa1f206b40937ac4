package io.umbra.he.backend;

/**
 * A backend that lives outside he-core (a JNI library, a GPU), found with {@link java.util.ServiceLoader}.
 * {@link #create()} loads what the backend needs and fails with a message saying what is missing, so
 * {@link Backends} can fall back to Java with one clear log line.
 */
public interface HeBackendProvider {
    /** The name {@code UMBRA_HE_BACKEND} selects it by, e.g. "native". */
    String name();

    /**
     * Rank for {@code auto}: the highest-ranked backend that loads is chosen. Providers that should
     * never be chosen automatically (a host emulation, an audited but slower engine) return a negative rank.
     */
    int autoRank();

    /** The backend, ready to compute; throws {@link IllegalStateException} saying why it cannot run here. */
    HeBackend create();
}
