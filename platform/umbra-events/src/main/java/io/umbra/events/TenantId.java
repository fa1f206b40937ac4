package io.umbra.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.regex.Pattern;

/**
 * A bank's tenant id. It becomes the prefix of every per-tenant topic ({@code <t>.tx.raw}), of the
 * tenant's Kafka ACLs ({@code <t>.}) and the name of its Kubernetes namespace, so it must be valid in
 * all three and must never collide with the shared names.
 *
 * <p>The rule: {@value #MIN_LENGTH} to {@value #MAX_LENGTH} characters of {@code a–z}, {@code 0–9} and
 * {@code -}, starting with a letter and ending with a letter or digit (a DNS label, as Kubernetes
 * namespaces require; no {@code .} or {@code _}, so {@code <t>.} is an unambiguous topic prefix and
 * Kafka's metric names cannot collide). Refused as reserved: {@code umbra} and {@code umbra-…} (the
 * shared topics and namespaces), {@code default} and {@code kube-…} (Kubernetes' own namespaces).
 * Nothing is normalized: {@code Acme} is refused, not lower-cased, so one tenant has one spelling.
 */
public record TenantId(String value) {
    public static final int MIN_LENGTH = 2;
    public static final int MAX_LENGTH = 40;
    /** The rule as a regular expression (without the reserved names), for building topic patterns. */
    public static final String REGEX = "[a-z][a-z0-9-]{0," + (MAX_LENGTH - 2) + "}[a-z0-9]";

    private static final Pattern VALID = Pattern.compile(REGEX);

    public TenantId {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException("tenant id " + Identifiers.quote(value) + " refused: " + problem);
        }
    }

    /** The tenant id {@code value}, or an {@link IllegalArgumentException} saying which rule it breaks. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static TenantId of(String value) {
        return new TenantId(value);
    }

    /** Whether {@code value} is a valid tenant id. */
    public static boolean isValid(String value) {
        return problem(value) == null;
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

    /** What is wrong with {@code value}, or null when nothing is. */
    private static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "it is empty";
        }
        if (value.length() < MIN_LENGTH || value.length() > MAX_LENGTH) {
            return "it must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long, not " + value.length();
        }
        if (!VALID.matcher(value).matches()) {
            return "use only lower-case letters a-z, digits 0-9 and '-', start with a letter and end with a"
                    + " letter or digit (it becomes part of Kafka topic names and a Kubernetes namespace)";
        }
        if (value.equals("umbra") || value.startsWith("umbra-")) {
            return "'umbra' and 'umbra-…' are reserved for Umbra's shared topics and namespaces";
        }
        if (value.equals("default") || value.startsWith("kube-")) {
            return "'default' and 'kube-…' are Kubernetes' own namespaces";
        }
        return null;
    }
}
