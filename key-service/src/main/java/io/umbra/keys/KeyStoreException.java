package io.umbra.keys;

/** The tenant's keys cannot be used: the service must not start (and must not make new keys to cover it up). */
public final class KeyStoreException extends RuntimeException {
    public KeyStoreException(String message) {
        super(message);
    }

    public KeyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
