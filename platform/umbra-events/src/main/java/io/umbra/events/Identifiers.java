package io.umbra.events;

/**
 * The one rule for the identifiers events carry (transaction, card, merchant, device, model, rule ids),
 * and the one way a message quotes a value it refuses.
 *
 * <p>An identifier is 1 to {@value #MAX_LENGTH} visible ASCII characters (0x21–0x7E): no spaces, no
 * control characters, nothing a log line or a terminal could misread. A card id is a token the bank
 * chose, never a card number.
 */
public final class Identifiers {
    public static final int MAX_LENGTH = 128;

    private Identifiers() {
    }

    /** Whether {@code value} is a valid identifier. */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** {@code value} itself, or an {@link IllegalArgumentException} naming {@code field} and the rule. */
    public static String require(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (!isValid(value)) {
            throw new IllegalArgumentException(field + " must be 1 to " + MAX_LENGTH
                    + " visible ASCII characters (no spaces or control characters)");
        }
        return value;
    }

    /**
     * A short, printable rendering of a refused value for an error message: at most 16 characters,
     * anything outside visible ASCII as {@code ?}, longer values cut with "…". Messages name fields;
     * they quote only short enumerated values (a currency, a channel) and never a whole payload.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        int n = Math.min(value.length(), 16);
        StringBuilder b = new StringBuilder(n + 3).append('\'');
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            b.append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        if (value.length() > n) {
            b.append('…');
        }
        return b.append('\'').toString();
    }
}
