package io.umbra.model;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The one byte form of a JSON value that a model signature covers, whatever whitespace, key order or
 * number spelling the file on disk uses: object keys sorted (UTF-16 order), no whitespace, integers as
 * plain decimals, other numbers as Java's shortest round-trip form of the double they parse to. Signer
 * and verifier both parse the artifact and canonicalize the tree, so a re-indented file still verifies
 * and any change of a value does not.
 */
final class CanonicalJson {
    private CanonicalJson() {
    }

    static byte[] bytes(JsonNode node) {
        StringBuilder out = new StringBuilder(4096);
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    keys.add(it.next());
                }
                keys.sort(null);
                out.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(keys.get(i), out);
                    out.append(':');
                    write(node.get(keys.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    out.append(node.bigIntegerValue());
                } else {
                    double d = node.doubleValue();
                    if (!Double.isFinite(d)) {
                        throw new IllegalArgumentException("a model artifact holds only finite numbers");
                    }
                    out.append(Double.toString(d));
                }
            }
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("a model artifact holds only JSON values, not " + node.getNodeType());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
    }
}
