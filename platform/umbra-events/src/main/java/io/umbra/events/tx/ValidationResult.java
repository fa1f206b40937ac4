package io.umbra.events.tx;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** What {@link TransactionValidator} concluded: a {@link Valid} transaction or the {@link Invalid} reasons. */
public sealed interface ValidationResult permits ValidationResult.Valid, ValidationResult.Invalid {

    /** Whether the transaction is valid. */
    default boolean isValid() {
        return this instanceof Valid;
    }

    /** The transaction passed every check. */
    record Valid(RawTransaction transaction) implements ValidationResult {
        public Valid {
            Objects.requireNonNull(transaction, "transaction");
        }
    }

    /** The transaction was refused, for at least one reason (at most one per field, in field order). */
    record Invalid(List<Violation> violations) implements ValidationResult {
        public Invalid {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("an invalid result needs at least one violation");
            }
        }

        /** The distinct codes, comma-separated in order: the dead-letter reason. */
        public String reason() {
            return violations.stream().map(v -> v.code().name()).distinct().collect(Collectors.joining(","));
        }

        /** Every message, '; '-separated: the dead-letter detail. */
        public String detail() {
            return violations.stream().map(Violation::message).collect(Collectors.joining("; "));
        }
    }
}
