package io.umbra.events.envelope;

import io.umbra.events.EventFormatException;

/**
 * Bytes that are not a valid envelope of the expected kind within the configured limits. The message
 * names the envelope kind, the field and the offset; it never includes the bytes.
 */
public final class EnvelopeFormatException extends EventFormatException {
    public EnvelopeFormatException(String message) {
        super(message);
    }

    public EnvelopeFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
