package io.umbra.model;

/**
 * A model file that must not be loaded: unsigned, signed by a key other than the pinned one, altered
 * after signing, or not a valid artifact. The message says which; it never holds weights.
 */
public final class ModelRefusedException extends IllegalArgumentException {
    public ModelRefusedException(String message) {
        super(message);
    }

    public ModelRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
