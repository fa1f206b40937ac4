package io.umbra.cli;

/**
 * A command could not do its job because of what it was given: a missing or unreadable file, a file
 * of another kind, a bad value. {@link UmbraCli} prints its message as one line on stderr and exits
 * with 1; no stack trace, since there is no bug to debug.
 */
public final class CommandFailure extends RuntimeException {
    public CommandFailure(String message) {
        super(message);
    }

    public CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
