package io.umbra.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.util.Objects;

/**
 * The one JSON configuration of every Umbra event: what the services produce and consume, what the
 * manifest is sealed from, what tests compare. A Quarkus service applies the same configuration to
 * its own mapper with {@link #configure} from an {@code ObjectMapperCustomizer}; everything else
 * calls {@link #write} and {@link #read}.
 *
 * <p>Writing: ISO-8601 text for times (an {@code OffsetDateTime} keeps its offset), absent optional
 * fields left out, map keys sorted, properties in each record's declared {@code @JsonPropertyOrder},
 * so equal events give equal bytes. Reading: unknown fields are ignored (producers may add fields);
 * duplicate keys, trailing content, {@code NaN}, numbers as strings, strings as numbers and fractions
 * into integers are refused; and input is bounded before it is parsed — a caller-given byte limit,
 * then {@link #READ_CONSTRAINTS} (nesting depth, number, string and name lengths). Error messages give
 * a location or a field path, never a snippet of the input.
 */
public final class EventJson {
    /** Parser limits for every event: far above what a valid event needs, far below what could hurt. */
    public static final StreamReadConstraints READ_CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(16)
            .maxNumberLength(64)
            .maxStringLength(64 * 1024)
            .maxNameLength(256)
            .maxDocumentLength(Topics.MAX_ENVELOPE_BYTES)
            .build();

    private static final ObjectMapper MAPPER = newMapper();

    private EventJson() {
    }

    /** A new mapper with Umbra's configuration. */
    public static ObjectMapper newMapper() {
        return configure(new ObjectMapper());
    }

    /** Applies Umbra's event configuration to {@code mapper} (for example Quarkus' own) and returns it. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(READ_CONSTRAINTS);
        mapper.getFactory().disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);
        mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.registerModule(new JavaTimeModule());

        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        mapper.setSerializationInclusion(JsonInclude.Include.NON_NULL);

        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.disable(DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

        // No guessing between JSON types: "12" is not a number, 12 is not a string, 12.5 is not a count.
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** {@code event} as UTF-8 JSON. */
    public static byte[] write(Object event) {
        Objects.requireNonNull(event, "event");
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * {@code json} as a {@code type}, refusing more than {@code maxBytes} before parsing. Any problem —
     * size, syntax, type, a record's own validation — is an {@link EventFormatException} whose message
     * names the type and the field or location.
     */
    public static <T> T read(byte[] json, Class<T> type, int maxBytes) {
        String what = type.getSimpleName();
        checkSize(json, what, maxBytes);
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new EventFormatException(what + ": the payload is JSON null");
            }
            return value;
        } catch (IOException e) {
            throw new EventFormatException(what + ": " + describe(e), e);
        }
    }

    /** {@code json} as a tree (bounded like {@link #read}), for validators that report every field. */
    public static JsonNode readTree(byte[] json, String what, int maxBytes) {
        checkSize(json, what, maxBytes);
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new EventFormatException(what + ": the payload is empty");
            }
            return node;
        } catch (IOException e) {
            throw new EventFormatException(what + ": " + describe(e), e);
        }
    }

    private static void checkSize(byte[] json, String what, int maxBytes) {
        if (json == null) {
            throw new EventFormatException(what + ": no payload");
        }
        if (json.length == 0) {
            throw new EventFormatException(what + ": the payload is empty");
        }
        if (json.length > maxBytes) {
            throw new EventFormatException(what + ": " + json.length + " bytes, more than the " + maxBytes + " allowed");
        }
    }

    /** A description of a read failure that names a location or field path and never quotes the input. */
    static String describe(IOException e) {
        StreamConstraintsException limits = cause(e, StreamConstraintsException.class);
        if (limits != null) {
            return "exceeds the parser's limits (" + limits.getOriginalMessage().replaceAll("\\s*\\(from `.*", "") + ")";
        }
        // A syntax error inside a value may arrive wrapped in a mapping exception: it is still a syntax error.
        StreamReadException syntax = cause(e, StreamReadException.class);
        if (syntax != null) {
            String msg = syntax.getOriginalMessage();
            String what = syntax instanceof JsonEOFException || msg != null && msg.contains("end-of-input") ? "it ends early"
                    : msg != null && msg.startsWith("Duplicate field") ? "a field appears twice"
                    : msg != null && msg.contains("Trailing token") ? "content follows the JSON value"
                    : "unexpected character";
            JsonLocation loc = syntax.getLocation();
            return loc == null || loc.getLineNr() < 0 ? "not valid JSON: " + what
                    : "not valid JSON: " + what + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        if (e instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException iae) {
            return iae.getMessage();
        }
        if (e instanceof JsonMappingException m) {
            String msg = m.getOriginalMessage();
            if (msg != null && msg.contains("Trailing token")) {
                return "not valid JSON: content follows the JSON value";
            }
            if (m.getPath().isEmpty()) {
                return "not an object of the expected shape";
            }
            String hint = msg != null && msg.startsWith("Duplicate field") ? "appears twice"
                    : e instanceof MismatchedInputException && msg != null && msg.contains("Missing") ? "is missing"
                    : "has the wrong type or an invalid value";
            return "field '" + path(m) + "' " + hint;
        }
        return "unreadable (" + e.getClass().getSimpleName() + ")";
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String path(JsonMappingException m) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        String p = b.toString();
        return p.length() <= 64 ? p : p.substring(0, 63) + "…";
    }
}
