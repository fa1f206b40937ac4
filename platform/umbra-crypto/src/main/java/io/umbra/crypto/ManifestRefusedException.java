package io.umbra.crypto;

/** A sealed manifest that did not open or did not match its envelope; {@link #reason()} is a dead-letter reason code. */
public final class ManifestRefusedException extends RuntimeException {
    private final String reason;

    public ManifestRefusedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
