package io.umbra.he.serial;

/**
 * Bytes that are not a valid SEAL 4.1 object of the expected kind for the given context. Unchecked:
 * callers that read untrusted input catch it at their edge and refuse the message or file.
 */
public final class SealFormatException extends RuntimeException {
    public SealFormatException(String message) {
        super(message);
    }

    public SealFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{@code field}: expected {@code expected}, found {@code found}". */
    static SealFormatException mismatch(String field, Object expected, Object found) {
        return new SealFormatException(field + ": expected " + expected + ", found " + found);
    }
}
