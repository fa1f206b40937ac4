package io.umbra.auth;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error body of every Umbra HTTP API: RFC 9457 {@code application/problem+json} with {@code type},
 * {@code title}, {@code status}, {@code detail} and {@code instance} (the request path), plus optional extension
 * members. The detail is written for the caller to act on and must never carry a secret: no token contents, no
 * key bytes, no exception text from a library, no stack trace. The body is written here by hand (a few strings
 * and numbers), so the library needs no JSON provider and the media type is exactly the one RFC 9457 names.
 */
public final class Problem {
    /** The media type of RFC 9457. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** The {@code type}s Umbra answers; each is documented in docs/SECURITY.md ("Errors"). */
    public static final String NO_TOKEN = "urn:umbra:problem:no-token";
    public static final String INVALID_TOKEN = "urn:umbra:problem:invalid-token";
    public static final String WRONG_TENANT = "urn:umbra:problem:wrong-tenant";
    public static final String MISSING_ROLE = "urn:umbra:problem:missing-role";
    public static final String INVALID_REQUEST = "urn:umbra:problem:invalid-request";
    public static final String NOT_FOUND = "urn:umbra:problem:not-found";
    public static final String CONFLICT = "urn:umbra:problem:conflict";
    public static final String TOO_LARGE = "urn:umbra:problem:too-large";
    public static final String UNAVAILABLE = "urn:umbra:problem:unavailable";
    /** Any other HTTP error (405, 406, 415, 500, ...): the status says it all (RFC 9457 section 4.2.1). */
    public static final String BLANK = "about:blank";

    private final String type;
    private final int status;
    private final String title;
    private final String detail;
    private final String instance;
    private final Map<String, Object> extensions = new LinkedHashMap<>();

    private Problem(String type, int status, String title, String detail, String instance) {
        this.type = type;
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.instance = instance;
    }

    /** A problem of {@code type} with the given status and detail; the title is the type's own. */
    public static Problem of(String type, int status, String detail, String instance) {
        return new Problem(type, status, titleOf(type, status), detail, instance);
    }

    /** Adds an extension member (a string, number or boolean; a list of strings is also allowed). */
    public Problem with(String name, Object value) {
        extensions.put(name, value);
        return this;
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    /** The response: this status, {@code application/problem+json}, the body. */
    public Response.ResponseBuilder response() {
        return Response.status(status).type(MEDIA_TYPE).entity(json());
    }

    /** A 401 with {@code WWW-Authenticate: Bearer} and, when a token was presented, RFC 6750's {@code error="invalid_token"}. */
    public static Response unauthorized(String type, String detail, String instance) {
        String challenge = NO_TOKEN.equals(type) ? "Bearer" : "Bearer error=\"invalid_token\", error_description=\"" + detail + "\"";
        return of(type, 401, detail, instance).response().header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    /**
     * The body's members in order ({@code type}, {@code title}, {@code status}, {@code detail}, {@code instance} when
     * known, then the extensions), for a resource that serializes a larger body with its own JSON mapper.
     */
    public Map<String, Object> members() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        if (instance != null) {
            m.put("instance", instance);
        }
        m.putAll(extensions);
        return m;
    }

    /** The body as JSON text. */
    public String json() {
        StringBuilder b = new StringBuilder(160).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : members().entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            quote(b, e.getKey()).append(':');
            value(b, e.getValue());
        }
        return b.append('}').toString();
    }

    private static void value(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Iterable<?> items) {
            b.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                value(b, item);
            }
            b.append(']');
        } else {
            quote(b, v.toString());
        }
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    private static String titleOf(String type, int status) {
        return switch (type) {
            case NO_TOKEN -> "Authentication required";
            case INVALID_TOKEN -> "Token not accepted";
            case WRONG_TENANT -> "Token of another tenant";
            case MISSING_ROLE -> "Role missing";
            case INVALID_REQUEST -> "Invalid request";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case TOO_LARGE -> "Request too large";
            case UNAVAILABLE -> "Service unavailable";
            default -> {
                Response.Status s = Response.Status.fromStatusCode(status);
                yield s == null ? "HTTP " + status : s.getReasonPhrase();
            }
        };
    }
}
