package io.umbra.events.tx;

import java.util.Objects;

/**
 * One reason a raw transaction was refused.
 *
 * @param code    machine-readable
 * @param field   the JSON field concerned, or {@code null} for the payload as a whole
 * @param message for people: names the field and the rule, quotes at most a short enumerated value
 */
public record Violation(ReasonCode code, String field, String message) {
    public Violation {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return code + (field == null ? "" : " " + field) + ": " + message;
    }
}
